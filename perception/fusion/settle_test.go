package fusion

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Settle is long enough: a face held still (the same observation 25 times
// a second, as analyze holds a still image) scores within 5 % of where it
// settles, for a grimace, a frown and a sad face. With Settle cut to the face
// window alone (2 s) the grimace scored 3.96 of its settled 5.33 and this
// test failed.
func TestSettleBringsAHeldFaceWithin5Percent(t *testing.T) {
	for _, tc := range []struct {
		name string
		obs  perception.FaceObs
	}{
		{"grimace", perception.FaceObs{Expression: perception.ExprPain, PSPI: 9, Confidence: 0.9,
			AU: perception.AUs{AU04: 3, AU06: 2.5, AU07: 3, AU09: 1, AU10: 2, AU43: 1}}},
		{"frown", perception.FaceObs{Expression: perception.ExprNeutral, PSPI: 5, Confidence: 0.9,
			AU: perception.AUs{AU04: 3, AU07: 2}}},
		{"sad", perception.FaceObs{Expression: perception.ExprSad, PSPI: 2, Confidence: 0.8,
			AU: perception.AUs{AU01: 2, AU04: 1, AU15: 2}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOpts()
			hold := func(d time.Duration) float64 {
				f, err := New(o)
				if err != nil {
					t.Fatal(err)
				}
				var score float64
				for at := time.Duration(0); at <= d; at += 40 * time.Millisecond {
					obs := tc.obs
					obs.At = at
					f.Face(obs)
					score = f.Assess(at).Score
				}
				return score
			}
			settled := hold(time.Minute)
			got := hold(o.Settle())
			t.Logf("held %v: %.2f, held a minute: %.2f", o.Settle(), got, settled)
			if math.Abs(got-settled) > 0.05*settled+0.02 {
				t.Errorf("held %v: %.2f, want within 5 %% of the settled %.2f", o.Settle(), got, settled)
			}
		})
	}
}
