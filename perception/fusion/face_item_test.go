package fusion

import (
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// PAINAD's facial item: a frown is 1, only grimacing is 2. The same strong
// action units (brows lowered, lids tightened: PSPI 8) labelled as a frown
// (neutral) hold the item at 1 and labelled pain reach 2; a laugh with
// lowered brows is named as such, not left as silent pain evidence. (With
// the frown cap off the frown's item reaches 2 and this test fails.)
func TestFaceItemFollowsPAINAD(t *testing.T) {
	au := perception.AUs{AU04: 4, AU06: 2, AU07: 4}
	for _, tc := range []struct {
		name     string
		expr     perception.Expression
		min, max float64
		cue      string
	}{
		{"frown", perception.ExprNeutral, 0.5, 1, ""},
		{"grimace", perception.ExprPain, 1.8, 2, ""},
		{"laugh with lowered brows", perception.ExprHappy, 0, 1, "with brows lowered"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(DefaultOpts())
			if err != nil {
				t.Fatal(err)
			}
			var a perception.PainAssessment
			for i := range 150 { // 5 s at 30 fps
				at := time.Duration(i) * time.Second / 30
				f.Face(perception.FaceObs{At: at, Track: 1, Confidence: 1, AU: au, PSPI: au.PSPI(), Expression: tc.expr})
				a = f.Assess(at)
			}
			t.Logf("%s: face item %.2f, score %.2f, cues %q", tc.name, a.Items.Face, a.Score, a.Cues)
			if a.Items.Face < tc.min || a.Items.Face > tc.max {
				t.Errorf("face item %.2f, want %.1f..%.1f", a.Items.Face, tc.min, tc.max)
			}
			if tc.cue != "" && !strings.Contains(strings.Join(a.Cues, "; "), tc.cue) {
				t.Errorf("cues %q do not say %q", a.Cues, tc.cue)
			}
		})
	}
}
