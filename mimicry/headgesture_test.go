package mimicry

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// dip is a smooth excursion of depth degrees starting at from and lasting
// dur (down and back up for a negative depth), 0 outside it.
func dip(t, from, dur time.Duration, depth float64) perception.Angle {
	if t < from || t >= from+dur {
		return 0
	}
	return perception.Degrees(depth * math.Sin(math.Pi*float64(t-from)/float64(dur)))
}

// wave is n full oscillations of amplitude amp starting at from, each
// lasting period.
func wave(t, from, period time.Duration, n int, amp float64) perception.Angle {
	if t < from || t >= from+time.Duration(n)*period {
		return 0
	}
	return perception.Degrees(amp * math.Sin(2*math.Pi*float64(t-from)/float64(period)))
}

func TestHeadGestures(t *testing.T) {
	noise := rand.New(rand.NewPCG(7, 7))
	cases := []struct {
		name         string
		pose         func(time.Duration) perception.HeadPose
		nods, shakes int64
	}{
		{"single nod", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: dip(t, secs(1), 600*time.Millisecond, -10)}
		}, 1, 0},
		{"nodding yes three times", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: wave(t, secs(1), 500*time.Millisecond, 3, 8)}
		}, 1, 0},
		{"two nods apart", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: dip(t, secs(1), 500*time.Millisecond, -8) +
				dip(t, secs(3.5), 500*time.Millisecond, -8)}
		}, 2, 0},
		{"head shake", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Yaw: wave(t, secs(1), 600*time.Millisecond, 2, 15), Pitch: 1}
		}, 0, 1},
		{"looking down at a book and back", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: dip(t, secs(1), 4*time.Second, -20)}
		}, 0, 0},
		{"looking around", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Yaw: perception.Degrees(25 * math.Sin(2*math.Pi*t.Seconds()/5))}
		}, 0, 0},
		{"landmark jitter", func(t time.Duration) perception.HeadPose {
			return perception.HeadPose{Pitch: perception.Degrees(2 * (noise.Float64() - 0.5) * 2), Yaw: perception.Degrees(2 * (noise.Float64() - 0.5) * 2)}
		}, 0, 0},
		{"head rolling in a circle", func(t time.Duration) perception.HeadPose {
			ph := 2 * math.Pi * t.Seconds() / 0.8
			return perception.HeadPose{Pitch: perception.Degrees(8 * math.Sin(ph)), Yaw: perception.Degrees(8 * math.Cos(ph))}
		}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts()
			o.Settings = settings(0.5, 0)
			m := newMirror(t, fullBody(), o)
			faces := script(30, secs(6), func(t time.Duration) perception.FaceObs {
				return perception.FaceObs{Expression: perception.ExprNeutral, Pose: c.pose(t)}
			})
			steps := drive(t, m, faces, 40*time.Millisecond, secs(6))
			st := m.Stats()
			if st.Nods != c.nods || st.Shakes != c.shakes {
				t.Fatalf("got %d nods and %d shakes, want %d and %d", st.Nods, st.Shakes, c.nods, c.shakes)
			}
			gestures := 0
			for _, s := range steps {
				if s.ok && s.cmd.Source == robot.SourceGesture {
					gestures++
				}
			}
			if answered := gestures > 0; answered != (c.nods+c.shakes > 0) {
				t.Fatalf("%d gesture commands for %d nods and %d shakes", gestures, c.nods, c.shakes)
			}
		})
	}
}

// TestNodAnswerGolden records the robot's answer to a nod: the mirrored
// (attenuated, delayed) nod plus its own small nod back.
func TestNodAnswerGolden(t *testing.T) {
	o := testOpts()
	o.Settings = settings(0.3, 400*time.Millisecond)
	m := newMirror(t, fullBody(), o)
	faces := script(30, secs(3), func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Expression: perception.ExprNeutral,
			Pose: perception.HeadPose{Pitch: dip(t, secs(0.5), 600*time.Millisecond, -12)}}
	})
	steps := drive(t, m, faces, 40*time.Millisecond, secs(3))
	golden(t, "nod_answer", trajectory(m, steps))
	if n := m.Stats().Nods; n != 1 {
		t.Fatalf("%d nods detected, want 1", n)
	}
	// Mirrored alone the nod would dip to 0.3×12 = 3.6°; the answer adds
	// up to 4° more. It comes after the person's nod plus the delay.
	lowest, lowestAt := 0.0, time.Duration(0)
	for _, s := range steps {
		if s.ok && float64(s.cmd.Pose[robot.HeadTilt]) < lowest {
			lowest, lowestAt = float64(s.cmd.Pose[robot.HeadTilt]), s.at
		}
	}
	if lowest > -4 {
		t.Errorf("deepest head tilt %.1f°, want the answer nod to go below -4°", lowest)
	}
	if lowestAt < secs(0.5)+400*time.Millisecond {
		t.Errorf("deepest tilt at %v, before the nod plus the mirror delay", lowestAt)
	}
}
