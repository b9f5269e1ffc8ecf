package evaluate

import (
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// The false opt-out count plays the spotted words through the engine: two
// stops 5 s apart (as in codec2's ve9qrp.wav) opt out with the one-word
// and the two-word policies; with the question, a yes heard in its answer
// window, first asking or repeat (the live hour heard "oh so alright" in
// a repeat), opted out before the spoken confirmation, and now only a
// plain yes heard in the confirmation's window does. After an opt-out the
// person is opted back in and the recording goes on.
func TestPlayOptOut(t *testing.T) {
	stops := func(at ...float64) []WordEvent {
		var ws []WordEvent
		for _, a := range at {
			ws = append(ws, WordEvent{Clip: "ve9qrp.wav", At: a, Heard: "stop"})
		}
		return ws
	}
	for _, tc := range []struct {
		name    string
		policy  string
		words   []WordEvent
		heard   []string // what each answer window holds, in turn; "" nothing
		optOuts int
		yeses   int // yeses to the question: the one-yes policy's opt-outs
		asked   int
	}{
		{"one word, confirm 0", firstWordOptOut, stops(28.2), nil, 1, 0, 0},
		{"one word, shipped", shippedOptOut, stops(28.2), nil, 0, 0, 0},
		{"two words, ask off", secondWordOptOut, stops(28.2, 33.2), nil, 1, 0, 0},
		{"two words twice, ask off: opted back in between", secondWordOptOut, stops(28.2, 33.2, 300, 305), nil, 2, 0, 0},
		{"two words, nothing heard", shippedOptOut, stops(28.2, 33.2), nil, 0, 0, 2},
		{"two words, a no heard", shippedOptOut, stops(28.2, 33.2), []string{"no"}, 0, 0, 1},
		{"two words, yes, nothing to be sure", shippedOptOut, stops(28.2, 33.2), []string{"yes"}, 0, 1, 2},
		{"two words, yes and yes", shippedOptOut, stops(28.2, 33.2), []string{"yes", "yes"}, 1, 1, 2},
		{"two words, yes and no", shippedOptOut, stops(28.2, 33.2), []string{"yes", "no"}, 0, 1, 2},
		{"unclear, then a yes in the repeat", shippedOptOut, stops(28.2, 33.2), []string{"hmm", "oh so alright"}, 0, 1, 3},
		{"unclear, a yes in the repeat, and one to be sure", shippedOptOut, stops(28.2, 33.2), []string{"hmm", "oh so alright", "oh so alright"}, 0, 1, 3},
		{"unclear, a yes in the repeat, and a plain one to be sure", shippedOptOut, stops(28.2, 33.2), []string{"hmm", "oh so alright", "yeah"}, 1, 1, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := behavior.DefaultConfig()
			i := slices.IndexFunc(optOutPolicies, func(p optOutPolicy) bool { return p.name == tc.policy })
			optOutPolicies[i].edit(&cfg)
			heard := slices.Clone(tc.heard)
			var windows [][2]int
			hear := func(k selfreport.Kind, a, b int) (selfreport.Reply, error) {
				windows = append(windows, [2]int{a, b})
				text := ""
				if len(heard) > 0 {
					text, heard = heard[0], heard[1:]
				}
				return selfreport.Parse(k, text), nil
			}
			play, err := playOptOut(t.Context(), cfg, 400*time.Second, slices.Clone(tc.words), hear)
			if err != nil {
				t.Fatal(err)
			}
			if len(play.optOuts) != tc.optOuts || len(play.yeses) != tc.yeses || play.asked != tc.asked {
				t.Errorf("opted out %v, yes to the question %v, %d questions; want %d opt-outs, %d yeses, %d questions",
					play.optOuts, play.yeses, play.asked, tc.optOuts, tc.yeses, tc.asked)
			}
			for i := 1; i < len(windows); i++ {
				if windows[i][0] < windows[i-1][1] {
					t.Errorf("answer windows %v overlap: a question is put after the last answer", windows)
				}
			}
		})
	}
}

// A side of the hour is played as the live run plays it: its clips one
// after another with liveGap of quiet before each and after the last, the
// recording of spoken numbers left out; clipAt names the clip playing.
func TestSideRecording(t *testing.T) {
	clips := []speechcorpus.Clip{
		{Name: "a.wav", X: make([]float32, 100)},
		{Name: "numbers.wav", X: make([]float32, 50)},
		{Name: "s.wav", Synthetic: true, X: make([]float32, 70)},
		{Name: "b.wav", X: make([]float32, 30)},
	}
	x, at := sideRecording(clips, false)
	if want := 3*liveGap + 130; len(x) != want {
		t.Errorf("real side %d samples, want %d", len(x), want)
	}
	if want := []sideClip{{"a.wav", liveGap}, {"b.wav", 2*liveGap + 100}}; !slices.Equal(at, want) {
		t.Errorf("clips at %v, want %v", at, want)
	}
	for _, tc := range []struct {
		i    int
		want string
	}{{0, ""}, {liveGap, "a.wav"}, {liveGap + 99, "a.wav"}, {2*liveGap + 99, "a.wav"}, {2*liveGap + 100, "b.wav"}, {len(x) - 1, "b.wav"}} {
		if got := clipAt(at, tc.i); got != tc.want {
			t.Errorf("clipAt(%d) = %q, want %q", tc.i, got, tc.want)
		}
	}
}
