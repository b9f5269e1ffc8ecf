package mimicry

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"

	"github.com/kindred-hri/kindred/internal/goldenfile"
)

// fullBody is a body with every joint mimicry drives, with deliberately
// asymmetric ranges so fraction-of-travel mapping is exercised.
func fullBody() []robot.JointSpec {
	j := func(id robot.JointID, lo, hi, neutral robot.Angle) robot.JointSpec {
		return robot.JointSpec{ID: id, Min: lo, Max: hi, Neutral: neutral, Safe: neutral, MaxSpeed: 200, MaxAccel: 2000}
	}
	return []robot.JointSpec{
		j(robot.HeadPan, -60, 60, 0),
		j(robot.HeadTilt, -20, 30, 0),
		j(robot.HeadRoll, -25, 25, 0),
		j(robot.BrowInnerLeft, 60, 120, 90),
		j(robot.BrowInnerRight, 60, 120, 90),
		j(robot.BrowOuterLeft, 70, 110, 90),
		j(robot.BrowOuterRight, 70, 110, 90),
		j(robot.LidLeft, 0, 60, 45),
		j(robot.LidRight, 0, 60, 45),
		j(robot.MouthCornerLeft, 70, 110, 90),
		j(robot.MouthCornerRight, 70, 110, 90),
		j(robot.Jaw, 0, 30, 0),
		j(robot.ArmLeftShoulder, -90, 90, 0),
		j(robot.ArmLeftElbow, 0, 120, 30),
		j(robot.ArmRightShoulder, -90, 90, 0),
		j(robot.ArmRightElbow, 0, 120, 30),
		j("ear_left", 0, 90, 45), // a joint mimicry does not drive
	}
}

func specOf(t testing.TB, id robot.JointID) robot.JointSpec {
	t.Helper()
	for _, j := range fullBody() {
		if j.ID == id {
			return j
		}
	}
	t.Fatalf("no joint %s in the test body", id)
	return robot.JointSpec{}
}

// wallBase makes each scripted face's wall-clock entry time a function of
// its observation time, so Observed can be checked.
var wallBase = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func testOpts() Opts {
	o := DefaultOpts()
	o.Idle = false
	return o
}

func settings(gain float64, delay time.Duration) behavior.MirrorSettings {
	return behavior.MirrorSettings{Enabled: true, Gain: gain, Delay: delay, Concern: 0.8}
}

// script is a face sequence at a frame rate: shape gives the face at each
// observation time.
func script(fps float64, dur time.Duration, shape func(t time.Duration) perception.FaceObs) []perception.FaceObs {
	step := time.Duration(float64(time.Second) / fps)
	var out []perception.FaceObs
	for t := time.Duration(0); t < dur; t += step {
		f := shape(t)
		f.At, f.Track, f.Confidence, f.Wall = t, 1, 0.9, wallBase.Add(t)
		out = append(out, f)
	}
	return out
}

// stepped is one Step result.
type stepped struct {
	at  time.Duration
	cmd robot.Command
	ok  bool
}

// drive feeds faces in time order and steps every tick until dur, the way
// Run does on session time.
func drive(t testing.TB, m *Mirror, faces []perception.FaceObs, tick, dur time.Duration) []stepped {
	t.Helper()
	var out []stepped
	i := 0
	for at := time.Duration(0); at <= dur; at += tick {
		for i < len(faces) && faces[i].At <= at {
			m.Face(faces[i])
			i++
		}
		cmd, ok := m.Step(at)
		out = append(out, stepped{at, cmd, ok})
	}
	return out
}

// trajectory renders steps as a CSV table: one row per step, holding the
// last pose for steps that sent nothing.
func trajectory(m *Mirror, steps []stepped) string {
	ids := m.Joints()
	var b strings.Builder
	b.WriteString("time_s,sent,source,observed_s,delay_ms")
	for _, id := range ids {
		b.WriteString("," + string(id))
	}
	b.WriteString("\n")
	last := robot.Pose{}
	for _, s := range steps {
		src, obs, delay := "", "", ""
		if s.ok {
			last = s.cmd.Pose
			src = s.cmd.Source.String()
			if !s.cmd.Observed.IsZero() {
				obs = fmt.Sprintf("%.3f", s.cmd.Observed.Sub(wallBase).Seconds())
			}
			delay = fmt.Sprint(s.cmd.Delay.Milliseconds())
		}
		fmt.Fprintf(&b, "%.3f,%d,%s,%s,%s", s.at.Seconds(), btoi(s.ok), src, obs, delay)
		for _, id := range ids {
			fmt.Fprintf(&b, ",%.2f", float64(last[id]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenfile.Check(t, filepath.Join("testdata", name+".golden"), []byte(got))
}

// poseAt returns the last sent pose at or before at.
func poseAt(steps []stepped, at time.Duration) robot.Pose {
	var p robot.Pose
	for _, s := range steps {
		if s.at > at {
			break
		}
		if s.ok {
			p = s.cmd.Pose
		}
	}
	return p
}

func newMirror(t testing.TB, joints []robot.JointSpec, o Opts) *Mirror {
	t.Helper()
	m, err := New(joints, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func secs(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
