package calibration_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
)

// TestCalibrateServosFindsTruth gives the procedure a profile whose pulses
// are off (as a fresh build's would be) and a simulated body whose servos
// follow the true pulses; the automatic operator must recover them.
func TestCalibrateServosFindsTruth(t *testing.T) {
	truth, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	body := sim.New(truth)
	start, _ := robot.LoadProfile("sim")
	offsets := []robot.PulseWidth{120, -80, 45, -300}
	for i := range start.Joints {
		d := offsets[i%len(offsets)]
		start.Joints[i].Pulse = robot.Pulses{Min: 1400 + d, Neutral: 1500 + d, Max: 1600 + d}
		start.Joints[i].Invert = false
	}
	var log strings.Builder
	got, err := calibration.CalibrateServos(context.Background(), start, body, &calibration.SimOperator{Body: body},
		calibration.ServoOpts{MaxActions: 2000, Log: &log})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	for i, want := range truth.Joints {
		g := got.Joints[i]
		if math.Abs((g.Pulse.Min-want.Pulse.Min).Microseconds()) > 1 || math.Abs((g.Pulse.Neutral-want.Pulse.Neutral).Microseconds()) > 1 ||
			math.Abs((g.Pulse.Max-want.Pulse.Max).Microseconds()) > 1 || g.Invert != want.Invert {
			t.Errorf("%s: got %+v invert %v, want %+v invert %v", want.ID, g.Pulse, g.Invert, want.Pulse, want.Invert)
		}
	}
	if n := strings.Count(log.String(), "\n"); n != len(truth.Joints) {
		t.Errorf("log has %d lines, want one per joint:\n%s", n, log.String())
	}
	// Each joint is left at its new neutral.
	for _, j := range got.Joints {
		if a := body.Snapshot()[j.ID].Degrees(); math.Abs(a-j.Neutral.Degrees()) > 0.2 {
			t.Errorf("%s left at %g°, want neutral %g°", j.ID, a, j.Neutral.Degrees())
		}
	}
}

// recorder is a PulseWriter that records and fails on unknown joints.
type recorder struct {
	t      *testing.T
	joints map[robot.JointID]bool
	pulses []robot.PulseWidth
}

func (r *recorder) WritePulse(_ context.Context, id robot.JointID, us robot.PulseWidth) error {
	if !r.joints[id] {
		r.t.Fatalf("pulse for unexpected joint %s", id)
	}
	r.pulses = append(r.pulses, us)
	return nil
}

func TestLineOperatorScript(t *testing.T) {
	p, err := robot.LoadProfile("tabletop-pca9685")
	if err != nil {
		t.Fatal(err)
	}
	p.Joints = p.Joints[:2] // head_pan, head_tilt
	script := strings.Join([]string{
		"--", "-", "=1000", "bogus", "min", "=1490", "n", "+500", "+10", "max",
		"=1900", "min", "-400", "neutral", "--", "--", "-70", "max",
	}, "\n") + "\n"
	var prompts strings.Builder
	rec := &recorder{t: t, joints: map[robot.JointID]bool{robot.HeadPan: true, robot.HeadTilt: true}}
	got, err := calibration.CalibrateServos(context.Background(), p, rec,
		calibration.NewLineOperator(strings.NewReader(script), &prompts), calibration.DefaultServoOpts())
	if err != nil {
		t.Fatalf("%v\n%s", err, prompts.String())
	}
	pan, tilt := got.Joints[0], got.Joints[1]
	if pan.Pulse != (robot.Pulses{Min: 1000, Neutral: 1490, Max: 2000}) || pan.Invert {
		t.Errorf("head_pan %+v invert %v", pan.Pulse, pan.Invert)
	}
	if tilt.Pulse != (robot.Pulses{Min: 1900, Neutral: 1500, Max: 1330}) || !tilt.Invert {
		t.Errorf("head_tilt %+v invert %v, want an inverted joint", tilt.Pulse, tilt.Invert)
	}
	want := []robot.PulseWidth{1500, 1450, 1440, 1000, 1490, 1990, 2000, 1490, 1500, 1900, 1500, 1450, 1400, 1330, 1500}
	if len(rec.pulses) != len(want) {
		t.Fatalf("pulses %v, want %v", rec.pulses, want)
	}
	for i := range want {
		if rec.pulses[i] != want[i] {
			t.Fatalf("pulses %v, want %v", rec.pulses, want)
		}
	}
	if !strings.Contains(prompts.String(), `unknown command "bogus"`) || !strings.Contains(prompts.String(), "[2/2] head_tilt") {
		t.Errorf("prompts:\n%s", prompts.String())
	}
}

func TestCalibrateServosRejectsBadMarks(t *testing.T) {
	p, _ := robot.LoadProfile("tabletop-pca9685")
	p.Joints = p.Joints[:1]
	rec := &recorder{t: t, joints: map[robot.JointID]bool{robot.HeadPan: true}}
	// Neutral marked outside min..max: the result would be unusable.
	script := "=1000\nmin\n=2000\nmax\n=2200\nn\n"
	_, err := calibration.CalibrateServos(context.Background(), p, rec,
		calibration.NewLineOperator(strings.NewReader(script), &strings.Builder{}), calibration.DefaultServoOpts())
	if !errors.Is(err, robot.ErrBadProfile) || !strings.Contains(err.Error(), "joints[0].pulse_us") {
		t.Errorf("err = %v, want a bad profile naming joints[0].pulse_us", err)
	}
	// End of input quits, keeping nothing half-done.
	_, err = calibration.CalibrateServos(context.Background(), p, rec,
		calibration.NewLineOperator(strings.NewReader("+\n"), &strings.Builder{}), calibration.DefaultServoOpts())
	if !errors.Is(err, calibration.ErrQuit) {
		t.Errorf("err = %v, want ErrQuit", err)
	}
}

func TestParseAction(t *testing.T) {
	tests := []struct {
		in   string
		want calibration.Action
		ok   bool
	}{
		{"+", calibration.Action{Kind: calibration.Nudge, Pulse: 10}, true},
		{" -- ", calibration.Action{Kind: calibration.Nudge, Pulse: -50}, true},
		{"+7.5", calibration.Action{Kind: calibration.Nudge, Pulse: 7.5}, true},
		{"=1500", calibration.Action{Kind: calibration.SetPulse, Pulse: 1500}, true},
		{"MAX", calibration.Action{Kind: calibration.MarkMax}, true},
		{"=9999", calibration.Action{}, false},
		{"-x", calibration.Action{}, false},
		{"", calibration.Action{}, false},
	}
	for _, tt := range tests {
		got, err := calibration.ParseAction(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseAction(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestCalibrateServosSomeJoints(t *testing.T) {
	truth, _ := robot.LoadProfile("sim")
	body := sim.New(truth)
	start, _ := robot.LoadProfile("sim")
	start.Joints[0].Pulse = robot.Pulses{Min: 1000, Neutral: 1400, Max: 1800}  // head_pan, off
	start.Joints[11].Pulse = robot.Pulses{Min: 1300, Neutral: 1300, Max: 1700} // jaw, off
	o := calibration.DefaultServoOpts()
	o.Joints = []robot.JointID{robot.Jaw}
	got, err := calibration.CalibrateServos(context.Background(), start, body, &calibration.SimOperator{Body: body}, o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Joints[11].Pulse != truth.Joints[11].Pulse {
		t.Errorf("jaw %+v, want %+v", got.Joints[11].Pulse, truth.Joints[11].Pulse)
	}
	if got.Joints[0].Pulse != start.Joints[0].Pulse {
		t.Errorf("head_pan was walked: %+v", got.Joints[0].Pulse)
	}
	o.Joints = []robot.JointID{"tail"}
	if _, err := calibration.CalibrateServos(context.Background(), start, body, &calibration.SimOperator{Body: body}, o); err == nil {
		t.Error("an unknown joint was accepted")
	}
}
