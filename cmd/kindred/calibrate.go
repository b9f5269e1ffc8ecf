package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/internal/cliflags"
	"github.com/kindred-hri/kindred/internal/staged"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/body"
)

// cmdCalibrate dispatches: kindred calibrate servos|person|mic [...].
func cmdCalibrate(ctx context.Context, e env, args []string) error {
	if args = cliflags.ActionFirst(args, "servos", "person", "mic"); len(args) == 0 {
		return badInput("want servos, person or mic")
	}
	switch args[0] {
	case "servos":
		return calibrateServos(ctx, e, args[1:])
	case "person":
		return calibratePerson(ctx, e, args[1:])
	case "mic":
		return calibrateMic(ctx, e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "usage: kindred calibrate servos|person|mic [flags] (-h after one for its flags)")
		return errHelpShown
	}
	return badInput("unknown target %q (want servos, person or mic)", args[0])
}

// calibrateServos walks the joints of a body one by one and writes the
// calibrated profile:
// kindred calibrate servos --robot PROFILE [--out FILE] [--joints a,b].
// On a hardware body a person nudges each servo from the keyboard and
// marks min, neutral and max; on the simulated body an automatic operator
// does it, so the procedure runs unattended (tests, demos).
func calibrateServos(ctx context.Context, e env, args []string) error {
	fs := newFlags("calibrate servos", e.stdout)
	robotFlag := fs.String("robot", "sim", "body: a built-in profile name or a profile YAML file")
	out := fs.String("out", "", "write the calibrated profile here (default: stdout)")
	only := fs.String("joints", "", "comma-separated joints to calibrate (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("calibrate servos: unexpected argument %q", fs.Arg(0))
	}
	if *out != "" { // before a person spends a quarter of an hour on the joints
		if err := staged.Check(*out); err != nil {
			return badInput("calibrate servos: --out %s: %v", *out, err)
		}
	}
	prof, err := robot.LoadProfile(*robotFlag)
	if err != nil {
		if errors.Is(err, robot.ErrBadProfile) {
			return badInput("%v", err)
		}
		return err
	}
	b, err := body.Open(prof)
	if err != nil {
		return fmt.Errorf("calibrate servos: %w", err)
	}
	pulses, ok := b.Actuator.(calibration.PulseWriter)
	if !ok {
		return errors.Join(fmt.Errorf("calibrate servos: %s boards cannot be driven pulse by pulse", prof.Board.Kind), b.Actuator.Halt())
	}
	var op calibration.Operator
	if b.Sim != nil {
		// The simulated servos follow the profile's own pulses, so the
		// unattended run finds them again: a check of the procedure.
		op = &calibration.SimOperator{Body: b.Sim}
	} else {
		fmt.Fprintln(e.stderr, "Nudge each servo with + - ++ -- (+N -N =N µs); type min, neutral or max when the joint is there; skip keeps a joint; quit stops.")
		op = calibration.NewLineOperator(e.stdin, e.stderr)
	}
	o := calibration.DefaultServoOpts()
	o.Log = e.stderr
	if *only != "" {
		for _, id := range strings.Split(*only, ",") {
			id := robot.JointID(strings.TrimSpace(id))
			if _, ok := prof.Joint(id); !ok {
				return badInput("calibrate servos: --joints: %s has no joint %q", prof.Name, id)
			}
			o.Joints = append(o.Joints, id)
		}
	}
	cal, err := calibration.CalibrateServos(ctx, prof, pulses, op, o)
	if herr := b.Actuator.Halt(); herr != nil {
		err = errors.Join(err, fmt.Errorf("calibrate servos: halt board: %w", herr))
	}
	if err != nil {
		if errors.Is(err, calibration.ErrQuit) && cal != nil {
			fmt.Fprintln(e.stderr, "quit: writing the joints finished so far")
		} else {
			return err
		}
	}
	data, merr := cal.Marshal()
	if merr != nil {
		return merr
	}
	header := fmt.Sprintf("# Calibrated with kindred calibrate servos from %s.\n", prof.Source)
	data = append([]byte(header), data...)
	if *out == "" {
		_, werr := e.stdout.Write(data)
		return werr
	}
	if werr := os.WriteFile(*out, data, 0o644); werr != nil {
		return badInput("calibrate servos: --out %s: %v", *out, werr)
	}
	fmt.Fprintf(e.stderr, "wrote %s\n", *out)
	return nil
}
