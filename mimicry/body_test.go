package mimicry

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

func TestNewRejectsBadInput(t *testing.T) {
	ok := robot.JointSpec{ID: robot.Jaw, Min: 0, Max: 30}
	bad := func(f func(*Opts)) Opts {
		o := DefaultOpts()
		f(&o)
		return o
	}
	cases := []struct {
		name   string
		joints []robot.JointSpec
		opts   Opts
		want   string
	}{
		{"no joints", nil, DefaultOpts(), "none of the face"},
		{"only unknown joints", []robot.JointSpec{{ID: "wheel", Min: -1, Max: 1}}, DefaultOpts(), "none of the face"},
		{"twice", []robot.JointSpec{ok, ok}, DefaultOpts(), "jaw: listed twice"},
		{"empty range", []robot.JointSpec{{ID: robot.Jaw, Min: 10, Max: 10, Neutral: 10}}, DefaultOpts(), "jaw: min"},
		{"neutral outside", []robot.JointSpec{{ID: robot.Jaw, Min: 0, Max: 30, Neutral: 40}}, DefaultOpts(), "jaw: neutral"},
		{"nan", []robot.JointSpec{{ID: robot.Jaw, Min: robot.Angle(math.NaN()), Max: 30}}, DefaultOpts(), "not finite"},
		{"tick", []robot.JointSpec{ok}, bad(func(o *Opts) { o.Tick = 0 }), "tick"},
		{"smoothing", []robot.JointSpec{ok}, bad(func(o *Opts) { o.Smoothing = -1 }), "smoothing"},
		{"slowdown", []robot.JointSpec{ok}, bad(func(o *Opts) { o.ConcernSlowdown = 0.5 }), "concern slowdown"},
		{"max delay", []robot.JointSpec{ok}, bad(func(o *Opts) { o.MaxDelay = time.Minute }), "max delay"},
		{"face timeout", []robot.JointSpec{ok}, bad(func(o *Opts) { o.FaceTimeout = 0 }), "face timeout"},
		{"pain pspi", []robot.JointSpec{ok}, bad(func(o *Opts) { o.PainPSPI = 20 }), "pain PSPI"},
		{"settings", []robot.JointSpec{ok}, bad(func(o *Opts) { o.Settings.Gain = 2 }), "settings"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(c.joints, c.opts)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
			if strings.HasPrefix(c.want, "none") && !errors.Is(err, ErrNoJoints) {
				t.Fatalf("got %v, want ErrNoJoints", err)
			}
		})
	}
}

// TestSubsetBodies: a body gets commands for exactly the joints it has.
func TestSubsetBodies(t *testing.T) {
	pick := func(ids ...robot.JointID) []robot.JointSpec {
		var out []robot.JointSpec
		for _, j := range fullBody() {
			for _, id := range ids {
				if j.ID == id {
					out = append(out, j)
				}
			}
		}
		return out
	}
	cases := []struct {
		name string
		ids  []robot.JointID
	}{
		{"head only", []robot.JointID{robot.HeadPan, robot.HeadTilt}},
		{"face only", []robot.JointID{robot.BrowInnerLeft, robot.BrowInnerRight, robot.MouthCornerLeft, robot.Jaw}},
		{"arms only", []robot.JointID{robot.ArmLeftShoulder, robot.ArmRightElbow}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts()
			o.Idle = true
			m := newMirror(t, pick(c.ids...), o)
			m.SetIntent(behavior.Intent{Kind: behavior.IntentComfort, Mirror: settings(0.6, 0)})
			faces := script(30, secs(2), func(time.Duration) perception.FaceObs {
				return perception.FaceObs{Expression: perception.ExprSurprise, AU: perception.AUs{AU01: 3, AU26: 3},
					Pose: perception.HeadPose{Yaw: 10}}
			})
			n := 0
			for _, s := range drive(t, m, faces, 40*time.Millisecond, secs(2)) {
				if !s.ok {
					continue
				}
				n++
				if len(s.cmd.Pose) != len(c.ids) {
					t.Fatalf("pose %v for a body with %v", s.cmd.Pose, c.ids)
				}
				for _, id := range c.ids {
					if _, ok := s.cmd.Pose[id]; !ok {
						t.Fatalf("pose %v lacks %s", s.cmd.Pose, id)
					}
				}
			}
			if n == 0 {
				t.Fatal("no commands")
			}
		})
	}
}

// TestArmGestures: comfort brings a slow reach, greeting open palms; both
// return to rest; a body without arms gets no gesture commands.
func TestArmGestures(t *testing.T) {
	cases := []struct {
		kind             behavior.IntentKind
		shoulder, elbow  float64 // expected fraction of travel at the hold
		holdAt, restedAt time.Duration
	}{
		{behavior.IntentComfort, 0.4, -0.2, secs(3), secs(8)},
		{behavior.IntentGreet, 0.25, 0.4, secs(1.5), secs(4)},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			m := newMirror(t, fullBody(), testOpts())
			m.SetIntent(behavior.Intent{At: secs(0.5), Kind: c.kind, Tone: behavior.ToneNeutral, Mirror: settings(0.6, 0)})
			steps := drive(t, m, nil, 40*time.Millisecond, secs(9))
			hold := poseAt(steps, c.holdAt)
			sh, el := specOf(t, robot.ArmLeftShoulder), specOf(t, robot.ArmLeftElbow)
			wantSh := float64(sh.Neutral) + c.shoulder*float64(sh.Max-sh.Neutral)
			wantEl := float64(el.Neutral) + c.elbow*float64(el.Max-el.Neutral)
			if c.elbow < 0 {
				wantEl = float64(el.Neutral) + c.elbow*float64(el.Neutral-el.Min)
			}
			if d := math.Abs(float64(hold[robot.ArmLeftShoulder]) - wantSh); d > 0.5 {
				t.Errorf("shoulder %v during %s, want %.1f", hold[robot.ArmLeftShoulder], c.kind, wantSh)
			}
			if d := math.Abs(float64(hold[robot.ArmRightElbow]) - wantEl); d > 0.5 {
				t.Errorf("elbow %v during %s, want %.1f", hold[robot.ArmRightElbow], c.kind, wantEl)
			}
			rest := poseAt(steps, c.restedAt)
			if rest[robot.ArmLeftShoulder] != sh.Neutral || rest[robot.ArmLeftElbow] != el.Neutral {
				t.Errorf("arms at %v/%v after the gesture, want back at rest", rest[robot.ArmLeftShoulder], rest[robot.ArmLeftElbow])
			}
			// The reach is gentle: no step jumps more than 4° in 40 ms.
			var prev robot.Pose
			for _, s := range steps {
				if !s.ok {
					continue
				}
				if prev != nil && math.Abs(float64(s.cmd.Pose[robot.ArmLeftShoulder]-prev[robot.ArmLeftShoulder])) > 4 {
					t.Fatalf("shoulder jumps from %v to %v at %v", prev[robot.ArmLeftShoulder], s.cmd.Pose[robot.ArmLeftShoulder], s.at)
				}
				prev = s.cmd.Pose
			}
		})
	}
	t.Run("repeated comfort keeps reaching", func(t *testing.T) {
		m := newMirror(t, fullBody(), testOpts())
		in := behavior.Intent{Kind: behavior.IntentComfort, Mirror: settings(0.6, 0)}
		var lowest robot.Angle = 1000
		for at := time.Duration(0); at <= secs(4); at += 40 * time.Millisecond {
			if at%secs(1) == 0 {
				in.At = at
				m.SetIntent(in) // behaviour restating its intent
			}
			if cmd, ok := m.Step(at); ok && at > secs(2) {
				lowest = min(lowest, cmd.Pose[robot.ArmLeftShoulder])
			}
		}
		if lowest < 30 {
			t.Fatalf("shoulder dropped to %v when the same intent came again", lowest)
		}
	})
	t.Run("no arms", func(t *testing.T) {
		var head []robot.JointSpec
		for _, j := range fullBody() {
			if !strings.HasPrefix(string(j.ID), "arm_") {
				head = append(head, j)
			}
		}
		m := newMirror(t, head, testOpts())
		m.SetIntent(behavior.Intent{Kind: behavior.IntentComfort, Mirror: settings(0.6, 0)})
		for _, s := range drive(t, m, nil, 40*time.Millisecond, secs(4)) {
			if s.ok && s.cmd.Source == robot.SourceGesture {
				t.Fatal("gesture commands for a body without arms")
			}
		}
	})
}

// TestBadFacesNeverPanic: broken, out-of-order and foreign faces and wild
// settings leave every target finite and inside its range.
func TestBadFacesNeverPanic(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m := newMirror(t, fullBody(), testOpts())
	m.SetIntent(behavior.Intent{Kind: behavior.IntentCheckIn,
		Mirror: behavior.MirrorSettings{Enabled: true, Gain: 50, Delay: time.Hour, Concern: nan}})
	faces := []perception.FaceObs{
		{At: secs(0.1), Track: 1, AU: perception.AUs{AU12: nan}},
		{At: secs(0.2), Track: 1, Pose: perception.HeadPose{Yaw: perception.Degrees(inf)}},
		{At: secs(0.3), Track: 1, AU: perception.AUs{AU01: 99, AU04: -7, AU43: 3}, Pose: perception.HeadPose{Yaw: 170, Pitch: -90, Roll: 400}},
		{At: secs(0.25), Track: 1},                                   // older than the last
		{At: secs(0.4), Track: 2, Expression: perception.ExprPain},   // someone else
		{At: secs(0.5), Track: 1, HasLandmarks: true},                // all-zero landmarks
		{At: secs(0.6), Track: 1, PSPI: inf, Expression: "confused"}, // unknown label
	}
	for _, f := range faces {
		m.Face(f)
	}
	steps := drive(t, m, nil, 40*time.Millisecond, secs(3))
	checkInRange(t, steps)
	st := m.Stats()
	if st.Invalid != 3 || st.Stale != 1 || st.OtherFaces != 1 || st.Faces != 2 || st.Clamped != 1 {
		t.Fatalf("stats %+v, want 3 invalid, 1 stale, 1 other face, 2 accepted, 1 clamped", st)
	}
	if !strings.Contains(m.String(), "gain=1.00 delay=2s concern=0.00") {
		t.Fatalf("settings not clamped: %v", m)
	}
}
