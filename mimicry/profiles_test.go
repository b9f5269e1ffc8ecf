package mimicry

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// TestBuiltinProfiles runs a busy session (smiles, pain, nods, every
// intent) on each body the project ships and checks every target is finite
// and inside its joint's range.
func TestBuiltinProfiles(t *testing.T) {
	for _, name := range robot.Builtins() {
		t.Run(name, func(t *testing.T) {
			p, err := robot.LoadProfile(name)
			if err != nil {
				t.Fatal(err)
			}
			specs := p.Specs()
			m := newMirror(t, specs, DefaultOpts())
			faces := script(30, secs(20), func(t time.Duration) perception.FaceObs {
				f := perception.FaceObs{Expression: perception.ExprNeutral, Pose: perception.HeadPose{
					Yaw: perception.Degrees(40 * math.Sin(t.Seconds())), Pitch: dip(t, secs(3), 500*time.Millisecond, -12), Roll: 20}}
				switch s := int(t.Seconds()) % 8; {
				case s < 2:
					f.Expression, f.AU = perception.ExprHappy, perception.AUs{AU06: 5, AU07: 5, AU12: 5, AU25: 5, AU26: 5}
				case s < 5:
					f.Expression, f.AU = perception.ExprPain, painAUs
				case s < 6:
					f.Expression, f.AU = perception.ExprSurprise, perception.AUs{AU01: 5, AU02: 5, AU26: 5}
				}
				f.PSPI = f.AU.PSPI()
				return f
			})
			byID := map[robot.JointID]robot.JointSpec{}
			for _, j := range specs {
				byID[j.ID] = j
			}
			i, k := 0, 0
			kinds := append([]behavior.IntentKind{behavior.IntentBreathingGuide}, behavior.IntentKinds...)
			commands := 0
			for at := time.Duration(0); at <= secs(22); at += 40 * time.Millisecond {
				if at%secs(2) == 0 {
					m.SetIntent(behavior.Intent{At: at, Kind: kinds[k%len(kinds)], Tone: behavior.ToneGentle,
						Mirror: behavior.MirrorSettings{Enabled: true, Gain: 1, Delay: 300 * time.Millisecond, Concern: 1}})
					k++
				}
				for i < len(faces) && faces[i].At <= at {
					m.Face(faces[i])
					i++
				}
				cmd, ok := m.Step(at)
				if !ok {
					continue
				}
				commands++
				for id, a := range cmd.Pose {
					j, known := byID[id]
					if !known || math.IsNaN(float64(a)) || a < j.Min || a > j.Max {
						t.Fatalf("%v: %s = %v outside the profile's %v..%v", at, id, a, j.Min, j.Max)
					}
				}
			}
			if commands < 400 {
				t.Fatalf("%d commands in 22 s, want about 25 a second", commands)
			}
		})
	}
}
