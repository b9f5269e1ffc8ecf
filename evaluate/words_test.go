package evaluate

import (
	"errors"
	"math"
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
// self-report at all, and no more false "help" than MaxFalseHelpPerHour
// allows for the slice's length (none in a few minutes). The whole hour is
// `kindred eval --only words`.
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
	for side, a := range map[string]AnswerFigure{"real": rep.Answers.Real, "synthetic": rep.Answers.Synthetic} {
		if a.SelfReports > 0 {
			t.Errorf("%d false self-reports in %.0f s of %s ordinary speech, want none", a.SelfReports, a.Seconds, side)
		}
	}
}
