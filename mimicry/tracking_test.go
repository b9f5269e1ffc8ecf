package mimicry

import (
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// TestWinkIsMirrored: the person's right eye (iBUG 36–41, image left)
// closes the robot's left lid, as a mirror would show it.
func TestWinkIsMirrored(t *testing.T) {
	o := testOpts()
	o.Settings = settings(0.6, 0)
	m := newMirror(t, fullBody(), o)
	faces := script(30, secs(2), func(t time.Duration) perception.FaceObs {
		f := perception.FaceObs{Expression: perception.ExprNeutral, HasLandmarks: true}
		f.Landmarks = eyes(t < secs(1) || t >= secs(1.3), true) // right eye shut for 300 ms
		return f
	})
	steps := drive(t, m, faces, 20*time.Millisecond, secs(2))
	p := poseAt(steps, secs(1.28))
	if p[robot.LidLeft] > 15 || p[robot.LidRight] < 44 {
		t.Fatalf("person's right eye shut gave lids left %v right %v; want the robot's left shut, right open",
			p[robot.LidLeft], p[robot.LidRight])
	}
	if p := poseAt(steps, secs(2)); p[robot.LidLeft] < 44 {
		t.Fatalf("left lid %v after the eye opened again", p[robot.LidLeft])
	}
}

// TestFollowsOnePerson: a second face is ignored while the first is in
// view and followed once the first has been gone for FaceTimeout; the
// head goes back to rest when nobody is there.
func TestFollowsOnePerson(t *testing.T) {
	o := testOpts()
	o.Settings = settings(1, 0)
	m := newMirror(t, fullBody(), o)
	var faces []perception.FaceObs
	for at := time.Duration(0); at < secs(4); at += 40 * time.Millisecond {
		if at < secs(2) {
			faces = append(faces, perception.FaceObs{At: at, Track: 1, Pose: perception.HeadPose{Yaw: 10}})
		}
		if at < secs(3) {
			faces = append(faces, perception.FaceObs{At: at, Track: 2, Pose: perception.HeadPose{Yaw: -20}})
		}
	}
	steps := drive(t, m, faces, 40*time.Millisecond, secs(5))
	if p := poseAt(steps, secs(1.9)); p[robot.HeadPan] > -9.5 || p[robot.HeadPan] < -10.5 {
		t.Errorf("head_pan %v while person 1 is in view, want -10", p[robot.HeadPan])
	}
	if p := poseAt(steps, secs(2.95)); p[robot.HeadPan] < 18 {
		t.Errorf("head_pan %v after person 1 left, want person 2's mirrored 20", p[robot.HeadPan])
	}
	if p := poseAt(steps, secs(5)); p[robot.HeadPan] > 0.5 || p[robot.HeadPan] < -0.5 {
		t.Errorf("head_pan %v with nobody there, want back at rest", p[robot.HeadPan])
	}
	if n := m.Stats().OtherFaces; n < 40 {
		t.Errorf("%d faces of person 2 ignored, want the ~50 seen while person 1 was there", n)
	}
}

// TestDelayHoldsEveryFace: at 60 fps the longest delay loses nothing, and
// a delay lengthened mid-run holds the faces back without dropping any.
func TestDelayHoldsEveryFace(t *testing.T) {
	o := testOpts()
	o.Settings = settings(0.6, o.MaxDelay)
	m := newMirror(t, fullBody(), o)
	faces := script(60, secs(5), func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Pose: perception.HeadPose{Yaw: perception.Degrees(10 * float64(t) / float64(secs(5)))}}
	})
	steps := drive(t, m, faces, 40*time.Millisecond, secs(6))
	if st := m.Stats(); st.Overflow != 0 || st.Faces != int64(len(faces)) {
		t.Fatalf("stats %+v for %d faces at 60 fps with a 1 s delay", st, len(faces))
	}
	for _, s := range steps {
		if s.ok && !s.cmd.Observed.IsZero() {
			if lag := s.at - s.cmd.Observed.Sub(wallBase); lag < o.MaxDelay {
				t.Fatalf("face observed %v before its command: shorter than the %v delay", lag, o.MaxDelay)
			}
		}
	}
}

// TestTimeNeverRunsBack: a step earlier than the last counts as the last,
// so what follows is as if it had never been asked.
func TestTimeNeverRunsBack(t *testing.T) {
	back, straight := newMirror(t, fullBody(), idleOpts(1)), newMirror(t, fullBody(), idleOpts(1))
	for _, m := range []*Mirror{back, straight} {
		m.Step(secs(5))
	}
	if _, ok := back.Step(secs(1)); ok {
		t.Fatal("a step back in time moved the body")
	}
	for at := secs(5.04); at < secs(8); at += 40 * time.Millisecond {
		a, okA := back.Step(at)
		b, okB := straight.Step(at)
		if okA != okB || !reflect.DeepEqual(a.Pose, b.Pose) {
			t.Fatalf("at %v: %v after a step back, %v without", at, a.Pose, b.Pose)
		}
	}
}

// TestDelayLineOverflow: faces faster than the delay line was sized for
// thin the waiting faces out (counted) instead of growing the buffer; the
// delay and the mirrored motion survive.
func TestDelayLineOverflow(t *testing.T) {
	o := testOpts()
	o.Settings = settings(1, o.MaxDelay)
	m := newMirror(t, fullBody(), o)
	faces := script(200, secs(3), func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Pose: perception.HeadPose{Yaw: perception.Degrees(10 * t.Seconds())}}
	})
	steps := drive(t, m, faces, 40*time.Millisecond, secs(5))
	st := m.Stats()
	if st.Overflow == 0 || st.Faces != int64(len(faces)) {
		t.Fatalf("stats %+v for %d faces at 200 fps", st, len(faces))
	}
	for _, at := range []time.Duration{secs(2.5), secs(3), secs(4), secs(4.9)} {
		// Delayed, and behind by the smoothing's lag (slope × time constant).
		want := -10 * (at - o.MaxDelay - o.Smoothing).Seconds()
		if p := poseAt(steps, at); math.Abs(float64(p[robot.HeadPan])-want) > 1.5 {
			t.Errorf("head_pan %v at %v, want about %.1f", p[robot.HeadPan], at, want)
		}
	}
	checkInRange(t, steps)
}

// TestDisabledDoesNotAnswerNods: nods are still counted, but the robot
// does not answer them when mirroring is off.
func TestDisabledDoesNotAnswerNods(t *testing.T) {
	o := testOpts()
	o.Settings = behavior.MirrorSettings{Enabled: false}
	m := newMirror(t, fullBody(), o)
	faces := script(30, secs(3), func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Pose: perception.HeadPose{Pitch: dip(t, secs(1), 600*time.Millisecond, -10)}}
	})
	for _, s := range drive(t, m, faces, 40*time.Millisecond, secs(3)) {
		if s.ok && (s.cmd.Source != robot.SourceIdle || s.cmd.Pose[robot.HeadTilt] != 0) {
			t.Fatalf("%v: %v command with head tilt %v while mirroring is off", s.at, s.cmd.Source, s.cmd.Pose[robot.HeadTilt])
		}
	}
	if n := m.Stats().Nods; n != 1 {
		t.Fatalf("%d nods counted, want 1", n)
	}
}
