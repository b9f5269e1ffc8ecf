package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/internal/cliflags"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/journal/fleet"
)

// fleetLink publishes a run's records to the care home's broker and takes
// control messages from it, with the console's schema.
type fleetLink struct {
	client *fleet.Client
	robot  string
	comp   *companion.Companion
}

// fleetOpts is the fleet connection a run config asks for, credentials and
// key from the environment.
func fleetOpts(cfg runConfig) fleet.Opts {
	o := fleet.OptsFromEnv(cfg.MQTT, cfg.Robot.Name)
	o.Control = cfg.MQTTControl
	return o
}

// openFleet connects; pseudonyms (nil without a journal) keeps the
// person→pseudonym mapping published in names' place.
func openFleet(ctx context.Context, cfg runConfig, pseudonyms fleet.Pseudonyms, comp *companion.Companion, log io.Writer) (*fleetLink, error) {
	o := fleetOpts(cfg)
	o.Pseudonyms, o.Undelivered, o.ReportRefusals = pseudonyms, comp.CountFaults, comp.DoorRefusals(behavior.SourceMQTT) // faults too
	o.Report = func(err error) { fmt.Fprintf(log, "kindred: mqtt: %v\n", err) }
	// The broker lost, unreachable or back goes into the record too: a
	// carer reading the journal or the console learns when alerts could
	// not reach the stations, not only whoever reads stderr.
	o.Connection = func(up bool, err error) {
		if up {
			comp.NoteRecovered("mqtt", err)
		} else {
			comp.NoteFault("mqtt", err)
		}
	}
	c, err := fleet.Connect(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("mqtt %s: %w", cfg.MQTT, err)
	}
	return &fleetLink{client: c, robot: cfg.Robot.Name, comp: comp}, nil
}

// Record publishes what the fleet cares about (assessments, alerts) and
// keeps the retained status in step with the engine's state. It never blocks.
func (f *fleetLink) Record(r journal.Record) {
	_ = f.client.Publish(r) // the client counts what it could not send
	if t, ok := r.(journal.Transition); ok {
		st := fleet.Status{Status: "online", Robot: f.robot, State: t.To, At: t.At.Seconds()}
		if a := f.comp.LastAssessment(); a != nil {
			st.Person = a.Person // the client publishes the pseudonym
		}
		_ = f.client.PublishStatus(st)
	}
}

// cmdFleet holds the fleet's tools; `kindred fleet sign` signs a console
// command for a robot whose control topic needs signed commands.
func cmdFleet(_ context.Context, e env, args []string) error {
	if args = cliflags.ActionFirst(args, "sign"); len(args) == 0 || args[0] != "sign" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(e.stdout, "usage: kindred fleet sign --robot NAME '{\"cmd\":\"pause\"}'   (the robot's key in KINDRED_MQTT_KEY)")
			return errHelpShown
		}
		return badInput("want sign: KINDRED_MQTT_KEY=... kindred fleet sign --robot NAME '{\"cmd\":\"pause\"}'")
	}
	fs := newFlags("fleet sign", e.stdout)
	robotName := fs.String("robot", "", "the robot the command is for (its name in the config)")
	// The key comes from the environment, never a flag: flags show in ps.
	var cmd []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		cmd, rest = append(cmd, fs.Arg(0)), fs.Args()[1:] // flags may follow the command
	}
	if len(cmd) != 1 {
		return badInput("fleet sign: want one command, e.g. '{\"cmd\":\"pause\"}'")
	}
	if *robotName == "" {
		return badInput("fleet sign: --robot is missing")
	}
	key := os.Getenv(fleet.KeyEnv)
	if len(key) < fleet.MinKeyLen {
		return badInput("fleet sign: set %s to the robot's key (at least %d characters)", fleet.KeyEnv, fleet.MinKeyLen)
	}
	b, err := fleet.Sign([]byte(key), *robotName, []byte(cmd[0]), time.Now())
	if err != nil {
		return badInput("%v", err)
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return nil
}
