package fusion

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// A carried face (the face pipeline fitted no landmarks on its frame and
// repeats its last fitted frame) is no new evidence: fed every fitted
// frame and the carried ones between, the fuser scores exactly as fed the
// fitted frames alone. The schedule here carries the grimacing frames
// three times and the calm ones not at all, so a fuser that counted the
// copies would weigh the grimace four times as much and score higher
// (ignoring Carried in Fuser.Face fails this test). The person stays
// present through the carried frames.
func TestCarriedFacesAreNoNewEvidence(t *testing.T) {
	withCarried, fittedOnly := newFuser(t), newFuser(t)
	grimace := perception.AUs{AU04: 3, AU06: 2, AU07: 3, AU10: 2}
	calm := perception.AUs{}
	const frame = time.Second / 60
	differs := false
	for i := range 6 * 60 { // 6 s of a 60 fps camera
		at := time.Duration(i) * frame
		// Fitted: frames 0 (grimace), 4 (calm), 5 (grimace), 9 (calm), ...:
		// a grimace is carried on the three frames after it.
		k := i % 5
		fitted := k == 0 || k == 4
		o := perception.FaceObs{At: at, Track: 1, Confidence: 0.9}
		switch {
		case k == 4:
			o.AU, o.Expression = calm, perception.ExprNeutral
		default:
			o.AU, o.Expression = grimace, perception.ExprPain
		}
		o.PSPI = o.AU.PSPI()
		if fitted {
			fittedOnly.Face(o)
		} else {
			o.Carried = true
		}
		withCarried.Face(o)
		a, b := withCarried.Assess(at), fittedOnly.Assess(at)
		if !a.Present {
			t.Fatalf("%v: person not present on a carried frame", at)
		}
		if math.Abs(a.Score-b.Score) > 1e-9 || a.Items.Face != b.Items.Face {
			t.Fatalf("%v: score %.4f (face item %.3f) with carried frames, %.4f (%.3f) with the fitted ones alone",
				at, a.Score, a.Items.Face, b.Score, b.Items.Face)
		}
		differs = differs || a.Score > 0
	}
	if !differs {
		t.Fatal("the grimace never scored: the test cannot tell counted copies from ignored ones")
	}
}

func newFuser(t *testing.T) *Fuser {
	t.Helper()
	f, err := New(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	return f
}
