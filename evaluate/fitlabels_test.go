package evaluate

import (
	"testing"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/soundevents"
)

// `kindred eval --fit` fits throat-clearing under its own label
// (vocalisation.FittedApart) and the other unmapped classes as "other",
// with no flag; a clip's contexts carry its label.
func TestTrainingSamplesSetThroatClearingApart(t *testing.T) {
	cm, err := soundevents.ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ class, want string }{
		{"throat-clearing", "other/throat-clearing"},
		{"yawning", "other"},
		{"moaning", "moan"},
		{eval.SpeechClass, "speech"},
	} {
		recs := []clipRecord{{Clip: eval.Clip{Class: tc.class, Speaker: "s1"}}}
		for _, s := range trainingSamples(recs, cm) {
			if s.Label != tc.want {
				t.Errorf("%s: fitted as %q, want %q", tc.class, s.Label, tc.want)
			}
		}
	}
}
