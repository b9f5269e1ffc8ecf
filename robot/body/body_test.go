package body_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/body"
)

func TestOpenSim(t *testing.T) {
	p, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	b, err := body.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if b.Sim == nil || b.Pins == nil || b.Actuator == nil {
		t.Fatalf("sim body %+v", b)
	}
	if err := b.Actuator.Write(context.Background(), robot.Pose{robot.HeadPan: 10}); err != nil {
		t.Fatal(err)
	}
	if got := b.Sim.Snapshot()[robot.HeadPan]; got != 10 {
		t.Errorf("head_pan %v", got)
	}
}

func TestOpenHardwareNamesTheBoard(t *testing.T) {
	for _, name := range []string{"tabletop-pca9685", "humanoid-firmata"} {
		p, err := robot.LoadProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		p.Board.Bus = 250                     // no such I²C bus here
		p.Board.Port = "/nonexistent/ttyKIND" // nor serial port
		if p.Board.Kind == robot.BoardFirmata {
			p.Board.Bus = 0
		}
		_, err = body.Open(p)
		if err == nil || !strings.HasPrefix(err.Error(), "body "+name+": ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %q, want one line naming the body", name, err)
		}
	}
}
