package face

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func blend(scores map[int]float32) *perception.Blendshapes {
	var b perception.Blendshapes
	for i, v := range scores {
		b[i] = v
	}
	return &b
}

func TestBlendAUs(t *testing.T) {
	geo := perception.AUs{AU01: 4, AU04: 4, AU06: 2.5, AU09: 3.5, AU12: 4, AU25: 1.5, AU43: 1}
	cases := []struct {
		name  string
		b     *perception.Blendshapes
		check func(t *testing.T, a perception.AUs)
	}{
		{"geometry's columns stand: blendshapes are not measured against the neutral face", blend(map[int]float32{bsMouthSmileLeft: 0.9, bsMouthSmileRight: 0.9}), func(t *testing.T, a perception.AUs) {
			want := geo
			want.AU09 = 0
			if a != want {
				t.Errorf("AUs %+v, want geometry's %+v with AU9 capped", a, want)
			}
		}},
		{"geometric AU9 without brow or lip evidence is dropped", blend(nil), func(t *testing.T, a perception.AUs) {
			if a.AU09 != 0 {
				t.Errorf("AU09 %.2f on a face with brows and lip at rest, want 0", a.AU09)
			}
		}},
		{"geometric AU9 stands with the upper lip raised", blend(map[int]float32{bsMouthUpperUpLeft: 0.6, bsMouthUpperUpRight: 0.6}), func(t *testing.T, a perception.AUs) {
			if a.AU09 != geo.AU09 {
				t.Errorf("AU09 %.2f, want geometry's %.2f", a.AU09, geo.AU09)
			}
		}},
		{"geometric AU9 stands with the brows down", blend(map[int]float32{bsBrowDownLeft: 0.8, bsBrowDownRight: 0.8}), func(t *testing.T, a perception.AUs) {
			if a.AU09 != geo.AU09 {
				t.Errorf("AU09 %.2f, want %.2f", a.AU09, geo.AU09)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, BlendAUs(c.b, geo)) })
	}
}

// Each cue is its blendshape pair's mean (a one-sided smile is half a
// smile), but the eyes are the less closed one, and their difference is the
// wink.
func TestCuesOf(t *testing.T) {
	c := CuesOf(blend(map[int]float32{bsMouthSmileLeft: 0.8, bsEyeBlinkLeft: 0.9, bsEyeBlinkRight: 0.7,
		bsBrowDownLeft: 0.4, bsBrowDownRight: 0.6, bsJawOpen: 0.3, bsMouthUpperUpRight: 0.2}))
	want := Cues{Smile: 0.4, EyesShut: 0.7, BrowDown: 0.5, JawOpen: 0.3, UpperLipRaise: 0.1, Wink: 0.2}
	near := func(a, b float64) bool { return a-b < 1e-6 && b-a < 1e-6 }
	if !near(c.Smile, want.Smile) || !near(c.EyesShut, want.EyesShut) || !near(c.BrowDown, want.BrowDown) ||
		!near(c.JawOpen, want.JawOpen) || !near(c.UpperLipRaise, want.UpperLipRaise) || c.Frown != 0 ||
		!near(c.Wink, want.Wink) || c.Relative {
		t.Errorf("cues %+v, want %+v", *c, want)
	}
}

// A mesh's blendshapes reach the label as cues: the same resting geometry
// with a broad smile in the blendshapes reads happy, without them neutral.
func TestScorerTakesBlendshapeCues(t *testing.T) {
	base := calibrated(t)
	lm := perspectiveFace(neutralFace, perception.HeadPose{})
	feat, ok := Measure(blank, &lm, perception.HeadPose{})
	if !ok {
		t.Fatal("neutral synthetic face not measurable")
	}
	for _, tc := range []struct {
		name string
		b    *perception.Blendshapes
		want perception.Expression
	}{
		{"no blendshapes", nil, perception.ExprNeutral},
		{"smiling blendshapes", blend(map[int]float32{bsMouthSmileLeft: 0.9, bsMouthSmileRight: 0.9}), perception.ExprHappy},
	} {
		obs := perception.FaceObs{At: time.Second}
		if tc.b != nil {
			obs.Blendshapes, obs.HasBlendshapes = *tc.b, true
		}
		NewScorer(DefaultOpts()).Score(&obs, feat, *base, nil)
		if obs.Expression != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, obs.Expression, tc.want)
		}
	}
}

// Against the population's neutral face AU9 counts only as far as AU10
// shows (au9BackedByLip): the nose wings' height there reads the person's
// proportions. Against the person's own neutral the wings' rise stands.
// The face: the wings 0.08 IOD above the baseline's (geometric AU9 at its
// 3.5 ceiling), the mesh's upper lip raised and the mouth smiling, as on
// the dev set's smiling portraits.
func TestAU9BackedByLipAgainstPopulation(t *testing.T) {
	pop := populationBaseline
	own := Baseline{Neutral: pop.Neutral, Frames: 30}
	smile := blend(map[int]float32{bsMouthUpperUpLeft: 0.7, bsMouthUpperUpRight: 0.7, bsMouthSmileLeft: 0.9, bsMouthSmileRight: 0.9})
	wings := pop.Neutral
	wings.NoseWing -= 0.08
	lip := wings
	lip.NoseLip -= 0.05 // AU10 about 2.5
	for _, c := range []struct {
		name string
		base Baseline
		feat Features
		au9  float64 // within 0.01
	}{
		{"population, wings up, upper lip at rest: no AU9", pop, wings, 0},
		{"population, wings and upper lip up: AU9 as far as AU10", pop, lip, 5 * level(0.05, 0.012, 0.09)},
		{"own neutral, wings up: AU9 stands", own, wings, 3.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			obs := perception.FaceObs{Blendshapes: *smile, HasBlendshapes: true}
			NewScorer(DefaultOpts()).Score(&obs, c.feat, c.base, nil)
			if math.Abs(obs.AU.AU09-c.au9) > 0.01 {
				t.Errorf("AU09 %.2f (AU10 %.2f), want %.2f", obs.AU.AU09, obs.AU.AU10, c.au9)
			}
			if obs.AU.AU09 > obs.AU.AU10+1e-9 && c.base.population {
				t.Errorf("AU09 %.2f above AU10 %.2f against the population", obs.AU.AU09, obs.AU.AU10)
			}
		})
	}
}
