package selfreport

import (
	"strings"
	"testing"
	"time"
)

// timed spells "um:0-80 don't:80-260" (word:start-end in ms) as words.
func timed(t *testing.T, s string) []TimedWord {
	t.Helper()
	var ws []TimedWord
	for _, f := range strings.Fields(s) {
		w, span, _ := strings.Cut(f, ":")
		a, b, _ := strings.Cut(span, "-")
		ms := func(v string) time.Duration {
			d, err := time.ParseDuration(v + "ms")
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		ws = append(ws, TimedWord{Text: w, Start: ms(a), End: ms(b)})
	}
	return ws
}

// TestRunIn reads yes/no and place answers as the recogniser heard them,
// with their word times: the rejected rows are what it heard in the hour
// of ordinary speech (`kindred eval --only words`), the passed ones
// answers it heard rightly in the sweeps (TestAnswerSweep) and the
// answers a filler may rightly open.
func TestRunIn(t *testing.T) {
	for _, tc := range []struct {
		name, words, want string
	}{
		{"a bare answer", "yes:0-300", ""},
		{"a lead phrase", "my:190-490 knee:500-900", ""},
		{"a filler inside the phrase (flite kal's \"My head.\")", "my:190-490 uh:490-520 head:520-840", ""},
		{"a marker is Uncarried's (en-us+f2's \"arm.\")", "oh:130-280 arm:280-700", ""},
		{"a filler set off by a pause", "um:0-400 no:650-900", ""},
		{"only fillers", "um:0-300", ""},
		// Asterisk's confbridge-join, a tone
		{"um don't", "um:0-80 don't:80-260", "no pause between um and don't"},
		// the end of Asterisk's vm-rec-busy, "…message"
		{"um tummy", "um:0-130 tummy:130-610", "no pause between um and tummy"},
		// the end of "…and a better body." (espeak-ng's scotland m2)
		{"hmm hip", "hmm:0-210 hip:210-320", "no pause between hmm and hip"},
		{"two fillers", "um:0-200 uh:200-300 back:350-700", "no pause between uh and back"},
		{"a pause too short to hear", "um:0-300 yes:450-700", "no pause between um and yes"},
	} {
		if got := RunIn(timed(t, tc.words)); got != tc.want {
			t.Errorf("%s: RunIn(%s) = %q, want %q", tc.name, tc.words, got, tc.want)
		}
	}
}

// TestBrokenTail reads answers with the phrase that closes them: the
// rejected row is what the recogniser heard in "So you're back... about
// time..." (flite's kal16, the hour's synthetic half).
func TestBrokenTail(t *testing.T) {
	for _, tc := range []struct {
		name, words, want string
	}{
		{"no tail", "seven:0-400", ""},
		{"a tail said as one", "no:0-300 thank:300-500 you:500-700", ""},
		{"a pause before the tail", "no:0-300 thank:600-800 you:800-950", ""},
		{"a tail of one word", "seven:0-400 please:700-1000", ""},
		{"out of ten, then a tail", "seven:0-400 out:400-550 of:550-650 ten:650-900 i:1300-1400 think:1400-1700", ""},
		{"a pause inside the tail", "so:140-520 uh:520-570 arm:570-930 at:930-1290 the:1520-1870 moment:2000-2400", "a pause inside at the"},
		{"a pause just too short to hear", "yes:0-300 thank:300-500 you:690-900", ""},
		{"a pause at the limit", "yes:0-300 right:300-500 now:700-900", "a pause inside right now"},
	} {
		if got := BrokenTail(timed(t, tc.words)); got != tc.want {
			t.Errorf("%s: BrokenTail(%s) = %q, want %q", tc.name, tc.words, got, tc.want)
		}
	}
}
