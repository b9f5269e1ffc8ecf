package mimicry

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// painAUs is a strong pain face: brows lowered, lids squeezed, nose
// wrinkled, upper lip raised, eyes shut, mouth stretched open (the
// grimace pulls the corners too, which must not read as a smile).
var painAUs = perception.AUs{AU04: 4, AU06: 3, AU07: 4, AU09: 3, AU10: 3, AU12: 2, AU25: 3, AU26: 2, AU43: 1}

// withPain returns a script shape: neutral, a pain face from 1 s to 4 s
// (labelled as given, head lowered and tilted), neutral again.
func withPain(label perception.Expression, landmarks bool) func(time.Duration) perception.FaceObs {
	return func(t time.Duration) perception.FaceObs {
		f := perception.FaceObs{Expression: perception.ExprNeutral}
		eyesOpen := true
		if t >= secs(1) && t < secs(4) {
			f.Expression = label
			f.AU = painAUs
			f.Pose = perception.HeadPose{Pitch: -10, Roll: 10}
			eyesOpen = false
		}
		f.PSPI = f.AU.PSPI()
		if landmarks {
			f.Landmarks, f.HasLandmarks = eyes(eyesOpen, eyesOpen), true
		}
		return f
	}
}

// eyes draws the 12 eye landmarks of a face, each eye open (aspect 0.3)
// or squeezed shut (0.05).
func eyes(rightOpen, leftOpen bool) [68]perception.Point {
	var l [68]perception.Point
	draw := func(first int, cx float64, open bool) {
		h := 3.0 // half the lid gap for an eye 20 px wide: aspect 0.3
		if !open {
			h = 0.5
		}
		l[first+0] = perception.Point{X: cx - 10, Y: 100}
		l[first+1] = perception.Point{X: cx - 4, Y: 100 - h}
		l[first+2] = perception.Point{X: cx + 4, Y: 100 - h}
		l[first+3] = perception.Point{X: cx + 10, Y: 100}
		l[first+4] = perception.Point{X: cx + 4, Y: 100 + h}
		l[first+5] = perception.Point{X: cx - 4, Y: 100 + h}
	}
	draw(36, 80, rightOpen) // the person's right eye, image left
	draw(42, 120, leftOpen)
	return l
}

func TestPainShowsConcernNeverGrimace(t *testing.T) {
	cases := []struct {
		name      string
		label     perception.Expression
		landmarks bool
	}{
		{"pain_labelled", perception.ExprPain, false},
		// No label: a high PSPI with AU4 counts as pain on its own.
		{"pain_unlabelled_landmarks", perception.ExprUnknown, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts()
			o.Settings = settings(0.8, 300*time.Millisecond)
			m := newMirror(t, fullBody(), o)
			steps := drive(t, m, script(30, secs(6), withPain(c.label, c.landmarks)), 40*time.Millisecond, secs(7))
			golden(t, c.name, trajectory(m, steps))
			checkInRange(t, steps)

			brows := []robot.JointID{robot.BrowInnerLeft, robot.BrowInnerRight, robot.BrowOuterLeft, robot.BrowOuterRight}
			for _, s := range steps {
				if !s.ok {
					continue
				}
				p := s.cmd.Pose
				for _, id := range brows {
					if p[id] < specOf(t, id).Neutral-0.01 {
						t.Fatalf("%v: %s lowered to %v: a pain face was mirrored as a frown", s.at, id, p[id])
					}
				}
				for _, id := range []robot.JointID{robot.LidLeft, robot.LidRight} {
					if p[id] < specOf(t, id).Neutral-0.01 {
						t.Fatalf("%v: %s squeezed to %v: a pain face was mirrored", s.at, id, p[id])
					}
				}
				for _, id := range []robot.JointID{robot.MouthCornerLeft, robot.MouthCornerRight} {
					if p[id] > specOf(t, id).Neutral+0.01 {
						t.Fatalf("%v: %s pulled up to %v from a pain face", s.at, id, p[id])
					}
				}
				if p[robot.Jaw] > specOf(t, robot.Jaw).Neutral+0.01 {
					t.Fatalf("%v: jaw opened to %v from a pain face", s.at, p[robot.Jaw])
				}
			}
			// Concern: inner brows clearly raised, above the outer ones,
			// the head tilted.
			p := poseAt(steps, secs(3.9))
			if p[robot.BrowInnerLeft] < 100 || p[robot.BrowInnerLeft]-90 <= 2*(p[robot.BrowOuterLeft]-90) {
				t.Errorf("in pain: inner brow %v, outer %v; want inner raised well above the outer",
					p[robot.BrowInnerLeft], p[robot.BrowOuterLeft])
			}
			if p[robot.HeadRoll] < 3 {
				t.Errorf("in pain: head_roll %v, want a concerned tilt of a few degrees", p[robot.HeadRoll])
			}
			// The person's own roll (10° to their left) is not mirrored:
			// mirrored it would be negative.
			if p[robot.HeadRoll] <= 0 {
				t.Errorf("in pain: head_roll %v follows the person's pain posture", p[robot.HeadRoll])
			}
		})
	}
}

// TestFrownIsMirrored is the contrast that makes the pain test mean
// something: a frown that is not pain (AU4 with a low PSPI) is mirrored as
// lowered brows.
func TestFrownIsMirrored(t *testing.T) {
	o := testOpts()
	o.Settings = settings(0.8, 0)
	m := newMirror(t, fullBody(), o)
	frown := func(t time.Duration) perception.FaceObs {
		f := perception.FaceObs{Expression: perception.ExprNeutral, AU: perception.AUs{AU04: 3}}
		f.PSPI = f.AU.PSPI()
		return f
	}
	steps := drive(t, m, script(30, secs(2), frown), 40*time.Millisecond, secs(2))
	if p := poseAt(steps, secs(2)); p[robot.BrowInnerLeft] > 85 {
		t.Fatalf("frown gave inner brow %v, want lowered below 85", p[robot.BrowInnerLeft])
	}
}

// TestLaughterIsSmile checks the smile trap: laughter raises PSPI (AU6, AU7,
// AU10), yet it is mirrored as a smile, not met with concern.
func TestLaughterIsSmile(t *testing.T) {
	o := testOpts()
	o.Settings = settings(0.8, 0)
	m := newMirror(t, fullBody(), o)
	laugh := func(t time.Duration) perception.FaceObs {
		f := perception.FaceObs{Expression: perception.ExprHappy,
			AU: perception.AUs{AU06: 4, AU07: 3, AU10: 3, AU12: 5, AU25: 3, AU26: 2}}
		f.PSPI = f.AU.PSPI()
		return f
	}
	steps := drive(t, m, script(30, secs(2), laugh), 40*time.Millisecond, secs(2))
	p := poseAt(steps, secs(2))
	if p[robot.MouthCornerLeft] < 100 {
		t.Errorf("laughter gave mouth corner %v, want a smile above 100", p[robot.MouthCornerLeft])
	}
	if p[robot.BrowInnerLeft] > 90.01 || p[robot.HeadRoll] != 0 {
		t.Errorf("laughter met with concern: inner brow %v, head roll %v", p[robot.BrowInnerLeft], p[robot.HeadRoll])
	}
	if p[robot.LidLeft] < 45-0.35*45-0.01 {
		t.Errorf("laughter squeezed the lids to %v", p[robot.LidLeft])
	}
}

// TestConcernSlowsMotion: the concern face is approached more slowly than
// a smile of the same size.
func TestConcernSlowsMotion(t *testing.T) {
	rise := func(shape func(time.Duration) perception.FaceObs, id robot.JointID) time.Duration {
		o := testOpts()
		o.Settings = settings(1, 0)
		m := newMirror(t, fullBody(), o)
		steps := drive(t, m, script(30, secs(6), shape), 10*time.Millisecond, secs(6))
		final := float64(poseAt(steps, secs(6))[id]) - 90
		for _, s := range steps {
			if s.ok && float64(s.cmd.Pose[id])-90 >= 0.63*final {
				return s.at
			}
		}
		t.Fatalf("%s never rose", id)
		return 0
	}
	smile := func(t time.Duration) perception.FaceObs {
		return perception.FaceObs{Expression: perception.ExprHappy, AU: perception.AUs{AU12: 3}}
	}
	pain := func(t time.Duration) perception.FaceObs {
		f := perception.FaceObs{Expression: perception.ExprPain, AU: painAUs}
		f.PSPI = f.AU.PSPI()
		return f
	}
	fast, slow := rise(smile, robot.MouthCornerLeft), rise(pain, robot.BrowInnerLeft)
	if slow < 2*fast {
		t.Fatalf("concern reached 63%% in %v, a smile in %v: want concern at least twice as slow", slow, fast)
	}
}

// TestConcernSetting: with Concern 0 a pain face gets no concern face and
// still no grimace; with mirroring disabled nothing follows the face.
func TestConcernSetting(t *testing.T) {
	cases := []struct {
		name     string
		set      behavior.MirrorSettings
		wantBrow func(robot.Angle) bool
	}{
		{"concern0", behavior.MirrorSettings{Enabled: true, Gain: 1, Concern: 0}, func(a robot.Angle) bool { return a >= 90 && a < 91 }},
		{"concern1", behavior.MirrorSettings{Enabled: true, Gain: 1, Concern: 1}, func(a robot.Angle) bool { return a > 104 }},
		{"disabled", behavior.MirrorSettings{Enabled: false, Gain: 1, Concern: 1}, func(a robot.Angle) bool { return a == 90 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := testOpts()
			o.Settings = c.set
			m := newMirror(t, fullBody(), o)
			pain := func(t time.Duration) perception.FaceObs {
				f := perception.FaceObs{Expression: perception.ExprPain, AU: painAUs, Pose: perception.HeadPose{Yaw: 10}}
				f.PSPI = f.AU.PSPI()
				return f
			}
			steps := drive(t, m, script(30, secs(4), pain), 40*time.Millisecond, secs(4))
			p := poseAt(steps, secs(4))
			if !c.wantBrow(p[robot.BrowInnerLeft]) {
				t.Fatalf("inner brow %v", p[robot.BrowInnerLeft])
			}
			if !c.set.Enabled && p[robot.HeadPan] != 0 {
				t.Fatalf("mirroring disabled, yet head_pan followed the person to %v", p[robot.HeadPan])
			}
		})
	}
}
