package face

import (
	"math"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// Classify's guards, one pair of faces each: the face the guard protects
// and its neighbour the guard must not swallow. The AU and cue values are
// the dev set's (kindred eval --only faces, mesh), rounded: a frown looking
// down and a wink from LivePortrait d3, a broad smiling portrait, and the
// synthetic pain faces. Each guard switched off by hand makes its first
// case fail.
func TestClassifyGuards(t *testing.T) {
	frown := perception.AUs{AU04: 1.6, AU06: 1.7, AU10: 0.4, AU12: 2.5, AU43: 1}
	frownCues := Cues{BrowDown: 0.4, EyesShut: 0.5, EyeSquint: 0.3, LookDown: 0.7, Relative: true}
	squeezedCues := frownCues
	squeezedCues.LookDown = 0

	wink := perception.AUs{AU06: 2.3, AU07: 0, AU10: 1.6, AU12: 1}
	winkCues := Cues{BrowDown: 0.4, EyesShut: 0.07, EyeSquint: 0.45, UpperLipRaise: 0.5, Smile: 0.35, MouthStretch: 0.2, Wink: 0.45, Relative: true}
	bothCues := winkCues
	bothCues.Wink = 0

	open := perception.AUs{AU06: 3.5, AU07: 3.2, AU09: 1.5, AU10: 2.8, AU25: 1.3}
	noLip := Cues{EyeSquint: 0.5, Relative: false}
	lip := noLip
	lip.UpperLipRaise = 0.25

	portrait := perception.AUs{AU04: 1.7, AU06: 4.6, AU07: 4, AU09: 3.5, AU12: 1.7, AU25: 2.9, AU26: 3}
	broad := Cues{BrowDown: 0.69, EyesShut: 0.25, EyeSquint: 0.65, UpperLipRaise: 0.79, Smile: 0.94, MouthStretch: 0.11, JawOpen: 0.11}
	moderate := broad
	moderate.Smile, moderate.BrowDown = 0.5, 0.57
	own := broad
	own.Relative = true

	crying := perception.AUs{AU02: 1.8, AU04: 0.4, AU06: 4, AU09: 3, AU10: 5, AU12: 3.7, AU25: 4.8, AU26: 1.4}
	cryingCues := Cues{BrowDown: 0.53, EyesShut: 0.47, EyeSquint: 0.72, UpperLipRaise: 0.77, Smile: 0.67, JawOpen: 0.1, LookDown: 0.53}

	// A grimace whose corners are pulled up and out (synthetic idC_pain3,
	// a still: no brows lowered, the mesh's smile 0.82) and a grin's blink
	// (LivePortrait d0 at 2.6 s, against its own neutral): both with the
	// eyes closed, the upper lip raised and the mouth open; the grimace
	// raises the cheeks (a squeeze), the blink does not.
	pulled := perception.AUs{AU02: 2.5, AU06: 3.3, AU09: 1, AU10: 3.7, AU12: 4.6, AU25: 1.7}
	pulledCues := Cues{BrowDown: 0.06, EyesShut: 0.34, EyeSquint: 0.57, UpperLipRaise: 0.18, Smile: 0.82, JawOpen: 0.07, LookDown: 0.41, Wink: 0.22}
	blink := perception.AUs{AU02: 2.9, AU06: 1.25, AU09: 1.5, AU10: 5, AU12: 5, AU25: 4.7}
	blinkCues := Cues{EyesShut: 0.63, EyeSquint: 0.4, UpperLipRaise: 0.5, Smile: 0.69, JawOpen: 0.11, LookDown: 0.77, Relative: true}

	for _, tc := range []struct {
		name string
		a    perception.AUs
		ev   Evidence
		want perception.Expression
	}{
		// Lids that follow the gaze down are not squeezed (cueLookDown).
		{"frown, lids following the gaze down", frown, Evidence{AU4: 0.5, EyesClosed: true, Curve: 0.02, Cues: &frownCues}, perception.ExprNeutral},
		{"the same brows, eyes squeezed shut", frown, Evidence{AU4: 0.5, EyesClosed: true, Curve: 0.02, Cues: &squeezedCues}, perception.ExprPain},
		// One eye closed is a wink (cueWink): pain tightens both.
		{"wink with a lip pull", wink, Evidence{Curve: 0.09, Burst: 0.3, Cues: &winkCues}, perception.ExprNeutral},
		{"both eyes tightened, lip raised", wink, Evidence{Curve: 0.09, Burst: 0.3, Cues: &bothCues}, perception.ExprPain},
		// Without lowered brows the levator needs the mesh's agreement
		// (cueLevator), and the geometry alone (dlib) is not enough.
		{"no brows, geometric levator alone", open, Evidence{Curve: -0.01, Cues: &noLip}, perception.ExprNeutral},
		{"no brows, the mesh agrees the lip rose", open, Evidence{Curve: -0.01, Cues: &lip}, perception.ExprPain},
		{"no brows, no mesh", open, Evidence{Curve: -0.01}, perception.ExprNeutral},
		// A still against the population: the stronger display wins.
		{"broad smile on a still", portrait, Evidence{AU4: 0.2, Curve: 0.03, Cues: &broad}, perception.ExprHappy},
		{"moderate smile under lowered brows", portrait, Evidence{AU4: 0.2, Curve: 0.03, Cues: &moderate}, perception.ExprPain},
		// Against the person's own neutral a held smile with lowered brows
		// and a pain face's parts is a grimace; only bursts make it a laugh.
		{"held, against their own neutral", portrait, Evidence{AU4: 0.2, Curve: 0.03, Cues: &own}, perception.ExprPain},
		{"bursting, against their own neutral", portrait, Evidence{AU4: 0.2, Curve: 0.03, Burst: 1, Cues: &own}, perception.ExprHappy},
		// Eyes shut are no laugh's crinkled-open eyes, whatever the gaze
		// blendshape says of closed lids, and a crying mouth pulled wide
		// is not a smile.
		{"eyes squeezed shut, mouth pulled wide", crying, Evidence{Curve: 0.1, Cues: &cryingCues}, perception.ExprPain},
		// A smile's corners rule out the pain face without the brows only
		// while the eyes are open; squeezed shut (cheeks raised) they do
		// not, and a blink (cheeks down) is still a grin.
		{"corners pulled up, eyes squeezed shut", pulled, Evidence{Curve: 0.11, EyesClosed: true, Cues: &pulledCues}, perception.ExprPain},
		{"a grin's blink", blink, Evidence{Curve: 0.13, EyesClosed: true, Burst: 0.33, Cues: &blinkCues}, perception.ExprHappy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.a, tc.ev); got != tc.want {
				t.Errorf("Classify = %s, want %s", got, tc.want)
			}
		})
	}
}

// Cues against the person's own neutral blendshapes are rises over it,
// scaled to the room left: a person whose eyes squint 0.5 at rest does not
// squint at 0.5, and squints halfway at 0.75. Without a neutral the cues
// are the model's own scores. Gaze stays absolute.
func TestCuesAgainstOwnNeutral(t *testing.T) {
	neutral := blend(map[int]float32{bsEyeSquintLeft: 0.5, bsEyeSquintRight: 0.5, bsBrowDownLeft: 0.4, bsBrowDownRight: 0.4, bsEyeLookDownLeft: 0.3, bsEyeLookDownRight: 0.3})
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-6 }
	for _, tc := range []struct {
		name                  string
		cur                   *perception.Blendshapes
		neutral               *perception.Blendshapes
		squint, brows, lookDn float64
		relative              bool
	}{
		{"at rest", neutral, neutral, 0, 0, 0.3, true},
		{"squinting", blend(map[int]float32{bsEyeSquintLeft: 0.75, bsEyeSquintRight: 0.75, bsBrowDownLeft: 0.1, bsBrowDownRight: 0.1}), neutral, 0.5, 0, 0, true},
		{"no neutral known", neutral, nil, 0.5, 0.4, 0.3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := CuesAgainst(tc.cur, tc.neutral)
			if !near(c.EyeSquint, tc.squint) || !near(c.BrowDown, tc.brows) || !near(c.LookDown, tc.lookDn) || c.Relative != tc.relative {
				t.Errorf("cues %+v, want squint %.2f, brows %.2f, look down %.2f, relative %v", *c, tc.squint, tc.brows, tc.lookDn, tc.relative)
			}
		})
	}
}

// The neutral face learnt from a recording keeps the median of its frames'
// blendshapes, so the cues are measured against the person's own; frames
// mostly without blendshapes (dlib) keep none.
func TestNeutralKeepsBlendshapes(t *testing.T) {
	lm := Project(&GenericFace, perception.HeadPose{}, 2, perception.Point{X: 320, Y: 240})
	f, ok := Measure(nil, &lm, perception.HeadPose{})
	if !ok {
		t.Fatal("generic face not measurable")
	}
	var fs []Features
	for i := range 30 {
		g := f
		g.Blend = blend(map[int]float32{bsEyeSquintLeft: 0.3 + 0.01*float32(i%5)})
		fs = append(fs, g)
	}
	b, ok := NeutralOf(fs, defaultOptsPtr())
	if !ok || b.Neutral.Blend == nil || math.Abs(float64(b.Neutral.Blend[bsEyeSquintLeft])-0.32) > 1e-6 {
		t.Fatalf("NeutralOf = %+v, %v; want eyeSquintLeft 0.32 kept", b.Neutral.Blend, ok)
	}
	for i := range 20 {
		fs[i].Blend = nil
	}
	if b, _ := NeutralOf(fs, defaultOptsPtr()); b.Neutral.Blend != nil {
		t.Errorf("two thirds of the frames without blendshapes: neutral %v, want none", *b.Neutral.Blend)
	}
}

// The levator part of the label reads Evidence.Levator, the nose and lip
// raisers before AU9 was held to AU10 against the population
// (au9BackedByLip): holding AU9 lowers a still's PSPI but leaves its label.
// The face: the dev set's synthetic grimace with a wrinkled nose
// (pain3d idA_pain2, mesh, rounded), brows not lowered, orbit tightened,
// mouth open, the mesh's upper lip raised.
func TestClassifyLevatorEvidence(t *testing.T) {
	held := perception.AUs{AU06: 3.5, AU07: 3.3, AU10: 1.36, AU25: 1.3}
	cues := Cues{EyeSquint: 0.47, UpperLipRaise: 0.39, Smile: 0.27, JawOpen: 0.17}
	for _, c := range []struct {
		name    string
		levator float64
		want    perception.Expression
	}{
		{"the raisers' reading before the hold", 3.5, perception.ExprPain},
		{"AU10 alone", 0, perception.ExprNeutral},
	} {
		ev := Evidence{Curve: -0.01, Cues: &cues, Levator: c.levator}
		if got := Classify(held, ev); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
