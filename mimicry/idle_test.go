package mimicry

import (
	"reflect"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

func idleOpts(seed uint64) Opts {
	o := testOpts()
	o.Idle = true
	o.Seed = seed
	return o
}

// liveliness counts blinks (a lid going shut) and measures the head's
// movement range over a run.
func liveliness(steps []stepped) (blinks int, tiltRange, panRange float64) {
	shut := false
	lo, hi := map[robot.JointID]float64{}, map[robot.JointID]float64{}
	for _, s := range steps {
		if !s.ok {
			continue
		}
		p := s.cmd.Pose
		if closed := p[robot.LidLeft] < 10; closed && !shut {
			blinks++
			shut = true
		} else if !closed {
			shut = false
		}
		for _, id := range []robot.JointID{robot.HeadTilt, robot.HeadPan} {
			v := float64(p[id])
			if _, ok := lo[id]; !ok {
				lo[id], hi[id] = v, v
			}
			lo[id], hi[id] = min(lo[id], v), max(hi[id], v)
		}
	}
	return blinks, hi[robot.HeadTilt] - lo[robot.HeadTilt], hi[robot.HeadPan] - lo[robot.HeadPan]
}

func TestIdleLiveliness(t *testing.T) {
	m := newMirror(t, fullBody(), idleOpts(42))
	// A 10 ms step catches every blink (they last 180 ms).
	steps := drive(t, m, nil, 10*time.Millisecond, secs(30))
	blinks, tilt, pan := liveliness(steps)
	// Blinks every 2.5–6 s, sometimes doubled: 5 to 16 in 30 s.
	if blinks < 5 || blinks > 16 {
		t.Errorf("%d blinks in 30 s, want 5..16", blinks)
	}
	if tilt < 1 {
		t.Errorf("head tilt moved %.2f° in 30 s, want breathing and gaze shifts", tilt)
	}
	if pan < 2 {
		t.Errorf("head pan moved %.2f° in 30 s, want gaze shifts", pan)
	}
	for _, s := range steps {
		if s.ok && s.cmd.Source != robot.SourceIdle {
			t.Fatalf("idle motion sent as %v", s.cmd.Source)
		}
		if s.ok && !s.cmd.Observed.IsZero() {
			t.Fatalf("idle motion claims an observation")
		}
	}
	checkInRange(t, steps)
}

func TestIdleReproduces(t *testing.T) {
	run := func(seed uint64, tick time.Duration) robot.Pose {
		m := newMirror(t, fullBody(), idleOpts(seed))
		steps := drive(t, m, nil, tick, secs(12))
		return poseAt(steps, secs(12))
	}
	a, b := run(3, 40*time.Millisecond), run(3, 40*time.Millisecond)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different motion")
	}
	if c := run(4, 40*time.Millisecond); reflect.DeepEqual(a, c) {
		t.Fatal("different seeds, same motion")
	}
	// The schedule is on session time, not on steps: stepping at 20 ms
	// ends at the same gaze and blink state (smoothing differs only by
	// rounding).
	d := run(3, 20*time.Millisecond)
	for id, v := range a {
		if diff := float64(v - d[id]); diff > 0.2 || diff < -0.2 {
			t.Errorf("%s: %v stepping at 40 ms, %v at 20 ms", id, v, d[id])
		}
	}
}

func TestIdleGolden(t *testing.T) {
	m := newMirror(t, fullBody(), idleOpts(1))
	golden(t, "idle", trajectory(m, drive(t, m, nil, 40*time.Millisecond, secs(8))))
}

// TestStillSuppressesEverything: IntentStill sends one rest pose and then
// nothing, whatever faces arrive; another intent brings motion back.
func TestStillSuppressesEverything(t *testing.T) {
	m := newMirror(t, fullBody(), idleOpts(1))
	smile := func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Expression: perception.ExprHappy, AU: perception.AUs{AU12: 5},
			Pose: perception.HeadPose{Yaw: 20, Pitch: 30}}
	}
	faces := script(30, secs(10), smile)
	var sent, all []stepped
	i := 0
	for at := time.Duration(0); at <= secs(10); at += 40 * time.Millisecond {
		switch at {
		case secs(2):
			m.SetIntent(behavior.Intent{At: at, Kind: behavior.IntentStill, Mirror: settings(0.6, 0)})
		case secs(6):
			m.SetIntent(behavior.Intent{At: at, Kind: behavior.IntentOptInAck, Mirror: settings(0.6, 0)})
		}
		for i < len(faces) && faces[i].At <= at {
			m.Face(faces[i])
			i++
		}
		cmd, ok := m.Step(at)
		all = append(all, stepped{at, cmd, ok})
		if ok {
			sent = append(sent, stepped{at, cmd, ok})
		}
	}
	golden(t, "still", trajectory(m, all))
	var rest []stepped
	for _, s := range sent {
		if s.at >= secs(2) && s.at < secs(6) {
			rest = append(rest, s)
		}
	}
	if len(rest) != 1 {
		t.Fatalf("%d commands while still, want exactly the one rest pose", len(rest))
	}
	for _, j := range fullBody() {
		if a, ok := rest[0].cmd.Pose[j.ID]; ok && a != j.Neutral {
			t.Errorf("rest pose puts %s at %v, want neutral %v", j.ID, a, j.Neutral)
		}
	}
	if got := m.Stats().Ignored; got < 100 {
		t.Errorf("%d faces ignored while still, want the ~120 that arrived", got)
	}
	after := 0
	for _, s := range sent {
		if s.at > secs(6) {
			after++
		}
	}
	if after < 50 {
		t.Errorf("%d commands after opting back in, want motion again", after)
	}
	// Faces seen before the pause are not replayed after it.
	if p := poseAt(sent, secs(6)+40*time.Millisecond); p[robot.MouthCornerLeft] > 95 {
		t.Errorf("mouth at %v right after resuming: old faces replayed", p[robot.MouthCornerLeft])
	}
}
