package main

import (
	"context"
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/journal/fleet"
)

// fleetLink publishes a run's records to the care home's broker and takes
// control messages from it, with the console's schema.
type fleetLink struct {
	client *fleet.Client
	robot  string
	comp   *companion
	log    io.Writer
}

func openFleet(ctx context.Context, cfg runConfig, comp *companion, log io.Writer) (*fleetLink, error) {
	o := fleet.OptsFromEnv(cfg.MQTT, cfg.Robot.Name)
	o.Report = func(err error) { fmt.Fprintf(log, "kindred: mqtt: %v\n", err) }
	c, err := fleet.Connect(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("mqtt %s: %w", cfg.MQTT, err)
	}
	return &fleetLink{client: c, robot: cfg.Robot.Name, comp: comp, log: log}, nil
}

// Record publishes what the fleet cares about (assessments, alerts) and
// keeps the retained status in step with the engine's state. It never blocks.
func (f *fleetLink) Record(r journal.Record) {
	_ = f.client.Publish(r) // the client counts what it could not send
	if t, ok := r.(journal.Transition); ok {
		st := fleet.Status{Status: "online", Robot: f.robot, State: t.To, At: t.At.Seconds()}
		if a := f.comp.last.Load(); a != nil {
			st.Person = a.Person
		}
		_ = f.client.PublishStatus(st)
	}
}

// Run delivers alerts until ctx ends, then marks the robot offline.
func (f *fleetLink) Run(ctx context.Context) error {
	go forwardControls(ctx, f.client.Controls(), behavior.SourceMQTT, f.comp, f.log)
	return f.client.Run(ctx)
}
