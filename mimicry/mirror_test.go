package mimicry

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// expressive is the scripted face of the mirroring golden test: neutral,
// then a smile with the head turned to the person's left and raised, then
// surprise, then a head tilt.
func expressive(t time.Duration) perception.FaceObs {
	var f perception.FaceObs
	f.Expression = perception.ExprNeutral
	switch {
	case t >= secs(1) && t < secs(2.5):
		f.Expression = perception.ExprHappy
		f.AU = perception.AUs{AU06: 3, AU07: 1, AU12: 4, AU25: 1}
		f.Pose = perception.HeadPose{Yaw: 20, Pitch: 10}
	case t >= secs(2.5) && t < secs(4):
		f.Expression = perception.ExprSurprise
		f.AU = perception.AUs{AU01: 4, AU02: 4, AU25: 3, AU26: 3}
	case t >= secs(4):
		f.Pose = perception.HeadPose{Roll: 15}
	}
	f.PSPI = f.AU.PSPI()
	return f
}

func TestMirrorGolden(t *testing.T) {
	cases := []struct {
		name  string
		gain  float64
		delay time.Duration
	}{
		{"mirror_gain06_delay400", 0.6, 400 * time.Millisecond},
		{"mirror_gain10_nodelay", 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts()
			o.Settings = settings(c.gain, c.delay)
			m := newMirror(t, fullBody(), o)
			faces := script(30, secs(5), expressive)
			steps := drive(t, m, faces, 40*time.Millisecond, secs(5.5))
			golden(t, c.name, trajectory(m, steps))

			checkInRange(t, steps)
			// The smile starts at 1 s: nothing may move before 1 s plus
			// the delay, and the mouth must be moving within a tick after.
			start := secs(1) + c.delay
			for _, s := range steps {
				if !s.ok {
					continue
				}
				corner := s.cmd.Pose[robot.MouthCornerLeft]
				if s.at < start && math.Abs(float64(corner-90)) > 0.01 {
					t.Fatalf("mouth moved at %v, before the smile plus delay (%v)", s.at, start)
				}
				if s.cmd.Source == robot.SourceMimicry && s.cmd.Delay != c.delay {
					t.Fatalf("command at %v carries delay %v, want %v", s.at, s.cmd.Delay, c.delay)
				}
				if !s.cmd.Observed.IsZero() {
					lag := s.at - s.cmd.Observed.Sub(wallBase)
					if lag < c.delay || lag > c.delay+40*time.Millisecond {
						t.Fatalf("command at %v mirrors a face observed %v earlier, want %v..%v",
							s.at, lag, c.delay, c.delay+40*time.Millisecond)
					}
				}
			}
			if p := poseAt(steps, start+80*time.Millisecond); p[robot.MouthCornerLeft] <= 90.5 {
				t.Fatalf("mouth corner %v two ticks after the smile fell due, want rising", p[robot.MouthCornerLeft])
			}
			// Steady state of the smile: the head turn is mirrored (the
			// person turns to their left, the robot to its right) and
			// attenuated by the gain.
			p := poseAt(steps, secs(2.45))
			wantPan, wantTilt := -c.gain*20, c.gain*10
			if d := math.Abs(float64(p[robot.HeadPan]) - wantPan); d > 0.3 {
				t.Errorf("head_pan %v in the smile, want %.1f (gain %.1f, mirrored)", p[robot.HeadPan], wantPan, c.gain)
			}
			if d := math.Abs(float64(p[robot.HeadTilt]) - wantTilt); d > 0.3 {
				t.Errorf("head_tilt %v in the smile, want %.1f", p[robot.HeadTilt], wantTilt)
			}
			// Mouth corners: AU12 4 of 5 times gain of the travel up.
			wantCorner := 90 + c.gain*4.0/5*20
			if d := math.Abs(float64(p[robot.MouthCornerLeft]) - wantCorner); d > 0.3 {
				t.Errorf("mouth_corner_left %v in the smile, want %.1f", p[robot.MouthCornerLeft], wantCorner)
			}
			// Surprise: brows up, jaw open.
			p = poseAt(steps, secs(3.95))
			if p[robot.BrowInnerLeft] <= 95 || p[robot.Jaw] <= 3 {
				t.Errorf("surprise gave inner brow %v and jaw %v, want raised and open", p[robot.BrowInnerLeft], p[robot.Jaw])
			}
			// The person's roll to their left is the robot's to its right.
			p = poseAt(steps, secs(5.45))
			if want := -c.gain * 15; math.Abs(float64(p[robot.HeadRoll])-want) > 0.5 {
				t.Errorf("head_roll %v, want %.1f", p[robot.HeadRoll], want)
			}
			if _, ok := p["ear_left"]; ok {
				t.Error("the pose names a joint mimicry does not drive")
			}
		})
	}
}

// checkInRange fails on any target outside its joint's range or not finite.
func checkInRange(t *testing.T, steps []stepped) {
	t.Helper()
	specs := map[robot.JointID]robot.JointSpec{}
	for _, j := range fullBody() {
		specs[j.ID] = j
	}
	for _, s := range steps {
		if !s.ok {
			continue
		}
		for id, a := range s.cmd.Pose {
			j, ok := specs[id]
			if !ok {
				t.Fatalf("step %v: unknown joint %s", s.at, id)
			}
			if math.IsNaN(float64(a)) || a < j.Min || a > j.Max {
				t.Fatalf("step %v: %s = %v outside %v..%v", s.at, id, a, j.Min, j.Max)
			}
		}
	}
}
