package evaluate

import (
	"testing"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// The false opt-out count plays the spotted words through the engine: two
// stops 5 s apart (as in codec2's ve9qrp.wav) opt out with the one-word
// and the two-word policies, and with the question only when the answer
// window is heard as a yes.
func TestPlayOptOut(t *testing.T) {
	clip := speechcorpus.Clip{Name: "ve9qrp.wav", X: make([]float32, 120*16000)}
	twice := []WordEvent{{Clip: clip.Name, At: 28.2, Heard: "stop"}, {Clip: clip.Name, At: 33.2, Heard: "stop"}}
	once := twice[:1]
	reply := func(a selfreport.Answer) func(int, int) (selfreport.Reply, error) {
		return func(int, int) (selfreport.Reply, error) {
			heard := string(a)
			return selfreport.Reply{Kind: selfreport.YesNoQuestion, Heard: heard, Rating: selfreport.NoRating, Answer: a,
				Confidence: selfreport.Unestimated}, nil
		}
	}
	for _, tc := range []struct {
		name    string
		policy  int // into optOutPolicies
		words   []WordEvent
		answer  selfreport.Answer
		opted   bool
		wantAsk int
	}{
		{"one word, confirm 0", 0, once, selfreport.NoAnswer, true, 0},
		{"one word, shipped", 2, once, selfreport.NoAnswer, false, 0},
		{"two words, ask off", 1, twice, selfreport.NoAnswer, true, 0},
		{"two words, nothing heard", 2, twice, selfreport.NoAnswer, false, 2},
		{"two words, a no heard", 2, twice, selfreport.No, false, 1},
		{"two words, a yes heard", 2, twice, selfreport.Yes, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := behavior.DefaultConfig()
			optOutPolicies[tc.policy].edit(&cfg)
			words := append([]WordEvent(nil), tc.words...)
			reason, asked, err := playOptOut(t.Context(), cfg, clip, words, reply(tc.answer))
			if err != nil {
				t.Fatal(err)
			}
			if (reason != "") != tc.opted || asked != tc.wantAsk {
				t.Errorf("opted out for %q after %d questions, want opted out %v after %d", reason, asked, tc.opted, tc.wantAsk)
			}
		})
	}
}
