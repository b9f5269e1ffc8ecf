package sim_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
)

func newBody(t *testing.T) *sim.Body {
	t.Helper()
	p, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	return sim.New(p)
}

func TestWriteAndFaults(t *testing.T) {
	b := newBody(t)
	ctx := context.Background()
	if got := b.Snapshot()[robot.LidLeft]; got != 40 {
		t.Fatalf("lid starts at %v, want its safe 40", got)
	}
	broken := errors.New("gear stripped")
	b.Fail(robot.Jaw, broken)
	err := b.Write(ctx, robot.Pose{robot.HeadPan: 30, robot.Jaw: 10, "tail": 1, robot.HeadTilt: 99})
	var ids []robot.JointID
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var je *robot.JointError
		if !errors.As(e, &je) {
			t.Fatalf("%v is not a JointError", e)
		}
		ids = append(ids, je.ID)
	}
	if len(ids) != 3 || !errors.Is(err, broken) || !errors.Is(err, sim.ErrUnknownJoint) {
		t.Errorf("Write error %v, want jaw, tail and head_tilt (out of range) joint errors", err)
	}
	snap := b.Snapshot()
	if snap[robot.HeadPan] != 30 || snap[robot.Jaw] != 0 || snap[robot.HeadTilt] != 0 {
		t.Errorf("snapshot %v: head_pan should move, jaw and head_tilt not", snap)
	}
	if got := b.Pulses()[robot.HeadPan]; got != 1800 {
		t.Errorf("head_pan pulse %g, want 1800", got)
	}
	b.Fail(robot.Jaw, nil)
	if err := b.Release(robot.Jaw); err != nil {
		t.Fatal(err)
	}
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 10}); err != nil || b.Snapshot()[robot.Jaw] != 0 {
		t.Errorf("a limp jaw moved (err %v)", err)
	}
	b.Halt()
	b.Halt()
	if h, n := b.Halted(); !h || n != 2 {
		t.Errorf("halted %v %d", h, n)
	}
}

func TestWritePulseStops(t *testing.T) {
	b := newBody(t)
	ctx := context.Background()
	tests := []struct {
		id      robot.JointID
		us      robot.PulseWidth
		angle   float64
		stalled bool
	}{
		{robot.HeadPan, 1500, 0, false},
		{robot.HeadPan, 2100, 60, false},
		{robot.HeadPan, 2300, 60, true}, // against the stop
		{robot.HeadPan, 600, -60, true},
		{robot.HeadPan, 1200, -30, false},
		{robot.BrowInnerRight, 1200, 30, false}, // inverted
		{robot.BrowInnerRight, 1900, -30, true},
		{robot.Jaw, 1350, 0, false},
		{robot.Jaw, 1300, 0, true},
		{robot.Jaw, 1500, 15, false},
	}
	for _, tt := range tests {
		if err := b.WritePulse(ctx, tt.id, tt.us); err != nil {
			t.Fatal(err)
		}
		if a := b.Snapshot()[tt.id].Degrees(); math.Abs(a-tt.angle) > 1e-9 || b.Stalled(tt.id) != tt.stalled {
			t.Errorf("%s at %gµs: angle %g stalled %v, want %g %v", tt.id, tt.us, a, b.Stalled(tt.id), tt.angle, tt.stalled)
		}
	}
	if err := b.WritePulse(ctx, robot.HeadPan, 3000); err == nil {
		t.Error("a 3000µs pulse was accepted")
	}
}

func TestSnapshotConcurrent(t *testing.T) {
	b := newBody(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 1000 {
			_ = b.Write(context.Background(), robot.Pose{robot.HeadPan: robot.Angle(i % 60)})
		}
	})
	for range 1000 {
		if a := b.Snapshot()[robot.HeadPan]; a < 0 || a >= 60 {
			t.Fatalf("torn read %v", a)
		}
	}
	wg.Wait()
}
