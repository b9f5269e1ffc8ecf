package main

import (
	"os"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/robot"
)

// calibrate servos opens its body as run does (robot/body): on the
// simulated body the unattended operator finds the profile's own pulses
// again, and the profile it writes loads back.
func TestCalibrateServosOnTheSimulatedBody(t *testing.T) {
	code, out, stderr := runKindred(t, "calibrate", "servos", "--robot", "sim")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out, "# Calibrated with kindred calibrate servos from ") {
		t.Errorf("profile without its header:\n%.200s", out)
	}
	p, err := robot.ParseProfile("calibrated.yaml", []byte(out))
	if err != nil {
		t.Fatalf("the written profile does not load: %v", err)
	}
	if len(p.Joints) == 0 {
		t.Error("the written profile has no joints")
	}
}

func TestCalibrateServosWithoutItsBoardFails(t *testing.T) {
	if _, err := os.Stat("/dev/i2c-1"); err == nil {
		t.Skip("this machine has an I2C bus")
	}
	code, _, stderr := runKindred(t, "calibrate", "servos", "--robot", "tabletop-pca9685")
	if code != 1 || !strings.Contains(stderr, "calibrate servos: body tabletop-pca9685") {
		t.Errorf("no I2C bus: exit %d, stderr %q; want exit 1 naming the body", code, stderr)
	}
}
