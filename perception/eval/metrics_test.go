package eval

import (
	"math"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// fixture: 4 moans (2 right, 1 speech, 1 cry; 3 distressed), 2 speech
// (1 right, 1 moan; 1 distressed), 1 yawn (other).
func fixture() *Confusion {
	c := NewConfusion()
	for _, r := range []Result{
		{"moaning", perception.VocalMoan, 0.9},
		{"moaning", perception.VocalMoan, 0.5},
		{"moaning", perception.VocalSpeech, 0.49},
		{"moaning", perception.VocalCry, 0.7},
		{SpeechClass, perception.VocalSpeech, 0.1},
		{SpeechClass, perception.VocalMoan, 0.6},
		{"yawning", perception.VocalOther, 0.2},
	} {
		c.Add(r)
	}
	return c
}

func TestRecall(t *testing.T) {
	c := fixture()
	for _, tc := range []struct {
		truth string
		want  float64
		ok    bool
	}{
		{"moaning", 0.5, true},
		{SpeechClass, 0.5, true},
		{"yawning", 0, false}, // no mapping
		{"crying", 0, false},  // mapped but no clips
	} {
		got, ok := c.Recall(tc.truth)
		if ok != tc.ok || !near(got, tc.want) {
			t.Errorf("Recall(%s) = %v, %v; want %v, %v", tc.truth, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPrecision(t *testing.T) {
	c := fixture()
	for _, tc := range []struct {
		pred perception.VocalClass
		want float64
		ok   bool
	}{
		{perception.VocalMoan, 2.0 / 3, true},   // 2 moans + 1 speech called moan
		{perception.VocalSpeech, 1.0 / 2, true}, // 1 speech + 1 moan called speech
		{perception.VocalCry, 0, true},          // one moan called cry
		{perception.VocalOther, 0, false},       // no class maps to other
		{perception.VocalScream, 0, false},      // never predicted
	} {
		got, ok := c.Precision(tc.pred)
		if ok != tc.ok || !near(got, tc.want) {
			t.Errorf("Precision(%s) = %v, %v; want %v, %v", tc.pred, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDistress(t *testing.T) {
	c := fixture()
	for _, tc := range []struct {
		truth string
		want  float64
		ok    bool
	}{
		{"moaning", 0.75, true}, // 0.5 counts: the threshold is inclusive
		{SpeechClass, 0.5, true},
		{"yawning", 0, true},
		{"crying", 0, false},
	} {
		got, ok := c.DistressShare(tc.truth)
		if ok != tc.ok || !near(got, tc.want) {
			t.Errorf("DistressShare(%s) = %v, %v; want %v, %v", tc.truth, got, ok, tc.want, tc.ok)
		}
	}
	s, n := c.DistressOver([]string{SpeechClass, "yawning", "crying"})
	if n != 3 || !near(s, 1.0/3) {
		t.Errorf("DistressOver = %v over %d; want 1/3 over 3", s, n)
	}
}

func TestCountsAndAxes(t *testing.T) {
	c := fixture()
	if got := c.Count("moaning", perception.VocalMoan); got != 2 {
		t.Errorf("Count(moaning, moan) = %d, want 2", got)
	}
	if got := c.Clips("moaning"); got != 4 {
		t.Errorf("Clips(moaning) = %d, want 4", got)
	}
	truths, preds := c.Truths(), c.Preds()
	if len(truths) != 3 || truths[0] != "moaning" || truths[2] != "yawning" {
		t.Errorf("Truths = %v", truths)
	}
	if len(preds) != 4 || preds[0] != perception.VocalCry || preds[3] != perception.VocalSpeech {
		t.Errorf("Preds = %v", preds)
	}
}

func TestMacroRecallAndTarget(t *testing.T) {
	if got := fixture().MacroRecall(); !near(got, 0.5) { // moaning 0.5, speech 0.5; yawning has none
		t.Errorf("MacroRecall = %v, want 0.5", got)
	}
	if Target("yawning") != perception.VocalOther || Target("laughing") != perception.VocalLaugh {
		t.Errorf("Target: yawning → %s, laughing → %s", Target("yawning"), Target("laughing"))
	}
}
