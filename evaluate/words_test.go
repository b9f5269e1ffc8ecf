package evaluate

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/keywords"
	answers "github.com/kindred-hri/kindred/perception/selfreport/sphinx"
)

// devsetDir and hourCache, from this package's folder: the dev set beside
// the repository (read in place) and the ignored render cache.
const (
	devsetDir = "../../shared/devset"
	hourCache = "../testdata/hour"
)

// sliceSeconds is how much synthetic speech the slice takes.
const sliceSeconds = 120

// wordsSlice is a few minutes of the hour: every sixth real clip (from
// every source in turn) and the first sliceSeconds of synthetic speech.
func wordsSlice(t *testing.T) []speechcorpus.Clip {
	t.Helper()
	real, err := speechcorpus.Real(devsetDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(real) == 0 {
		t.Skip("no real speech installed (make test-deps)")
	}
	var clips []speechcorpus.Clip
	for i := 0; i < len(real); i += 6 {
		clips = append(clips, real[i])
	}
	synth, err := speechcorpus.Synthetic(t.Context(), hourCache, sliceSeconds, nil)
	if err != nil {
		t.Skip(err)
	}
	return append(clips, synth...)
}

// TestWordsSliceDoesNotCryWolf holds the shipped keyword thresholds and
// answer recogniser to the hour's targets on a slice of it: no false
// self-report (but the known ones, knownFalseSelfReports), no more
// false "help" than MaxFalseHelpPerHour allows for the slice's length (none
// in a few minutes), and no false opt-out with the shipped opt-out policy
// (the question; the second word alone opted out in ve9qrp.wav). The whole
// hour is `kindred eval --only words`. "help" is spotted loosely and
// verified as a call: with the verifier off (Phrase.Verify false) the
// slice raised 75 false "help" (58 real, 17 synthetic).
func TestWordsSliceDoesNotCryWolf(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a few minutes of speech")
	}
	kw, ans := keywords.DefaultOpts(), answers.DefaultOpts()
	if err := kw.Validate(); errors.Is(err, keywords.ErrNoModel) {
		t.Skip(err)
	}
	clips := wordsSlice(t)
	rep, err := measureWords(t.Context(), clips, nil, kw, ans, nil)
	if errors.Is(err, answers.ErrNoModel) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	hours := rep.Real.Hours() + rep.Synthetic.Hours()
	t.Logf("slice: real %.0f s, synthetic %.0f s", rep.Real.Seconds, rep.Synthetic.Seconds)
	for _, e := range rep.KeywordFalse {
		t.Logf("false keyword: %s", e)
	}
	for _, e := range rep.AnswerFalse {
		t.Logf("false answer: %s", e)
	}
	for _, f := range rep.OptOuts {
		t.Logf("false opt-outs, %s: real %d, synthetic %d (%d questions) %q", f.Policy, f.Real, f.Synthetic, f.Questions, f.Clips)
		if f.Policy == shippedOptOut && f.Real+f.Synthetic > 0 {
			t.Errorf("the shipped opt-out policy switched care off %d times in ordinary speech, want never: %q",
				f.Real+f.Synthetic, f.Clips)
		}
	}
	for _, f := range rep.Keywords {
		if f.Phrase != "help" {
			continue
		}
		allowed := int(math.Floor(MaxFalseHelpPerHour * hours))
		if n := f.RealFalse + f.SynthFalse; n > allowed {
			t.Errorf("false \"help\" %d (real %d, synthetic %d) in %.0f s of ordinary speech, want at most %d (%g an hour)",
				n, f.RealFalse, f.SynthFalse, hours*3600, allowed, MaxFalseHelpPerHour)
		}
	}
	for _, e := range rep.AnswerFalse {
		if !strings.HasPrefix(e.Answer, "rating") {
			continue
		}
		if knownFalseSelfReports[e.Part] {
			t.Logf("known false self-report (the answer recogniser's to fix): %s", e)
			continue
		}
		t.Errorf("false self-report in ordinary speech, want none: %s", e)
	}
}

// knownFalseSelfReports are the recordings of the hour in which the
// shipped answer recogniser understood a rating nobody gave (`kindred eval
// --only words`): the target is none, and these are the gap to it, listed
// so that any other false self-report fails at once. Remove an entry when
// the recogniser stops hearing a rating there.
//
// Empty since the grammar allows at most one phrase after a rating (Asterisk's
// dir-welcome.wav, "well ten today thank you") and a rating's phrase must
// carry its number (selfreport.Uncarried: lowercase.wav, "like eight", and
// on the whole hour a fortune's "an three").
var knownFalseSelfReports = map[string]bool{}

func TestWordEventString(t *testing.T) {
	for _, tc := range []struct {
		e    WordEvent
		want string
	}{
		{WordEvent{Clip: "a.wav", At: 1.25, Heard: "help"}, `real      "help" in a.wav at 1.2 s`},
		{WordEvent{Synthetic: true, Clip: "synthetic-2", At: 30, Part: "0012.wav (flite:awb x1.00)", Text: "A fine day.", Heard: "stop"},
			`synthetic "stop" in synthetic-2 at 30.0 s (0012.wav (flite:awb x1.00)): "A fine day."`},
		{WordEvent{Clip: "asterisk-3", At: 12, Part: "vm-press.wav", Heard: "press one", Answer: "rating 1"},
			`real      rating 1 (heard "press one") in asterisk-3 at 12.0 s (vm-press.wav)`},
	} {
		if got := tc.e.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestPerHour(t *testing.T) {
	for _, tc := range []struct {
		n     int
		hours float64
		want  float64
	}{{0, 0, 0}, {3, 0.5, 6}, {1, 2, 0.5}} {
		if got := perHour(tc.n, tc.hours); got != tc.want {
			t.Errorf("perHour(%d, %g) = %g, want %g", tc.n, tc.hours, got, tc.want)
		}
	}
}

// One false answer heard in the whole recording and in one of its windows
// is one hearing, wherever the window lies; heard in two windows it is two.
// Without whole's check "so uh arm" of the synthetic half counted twice.
func TestHearingsCountsEachOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		windows []hearingAt
		whole   string
		want    int
	}{
		{name: "whole and a later window", windows: []hearingAt{{48000, "arm"}}, whole: "arm", want: 1},
		{name: "whole alone", whole: "no", want: 1},
		{name: "whole differs from the window", windows: []hearingAt{{16000, "hip"}}, whole: "no", want: 2},
		{name: "two windows, same answer", windows: []hearingAt{{0, "back"}, {64000, "back"}}, whole: "back", want: 2},
		{name: "one window decoded twice", windows: []hearingAt{{0, "yes"}, {0, "yes"}}, want: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, n := newHearings(), 0
			for _, w := range tc.windows {
				if h.window(w.at, w.answer) {
					n++
				}
			}
			if tc.whole != "" && h.whole(tc.whole) {
				n++
			}
			if n != tc.want {
				t.Errorf("%d hearings, want %d", n, tc.want)
			}
		})
	}
}
