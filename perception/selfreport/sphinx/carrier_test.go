package sphinx

import (
	"testing"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// lowercasePrompt is Asterisk's prompt "lowercase" (asterisk-core-sounds-en-wav,
// which `make test-deps` installs), read by a professional speaker: the
// one false self-report left on the real half of `kindred eval --only
// words`, heard as "like eight".
const lowercasePrompt = "/usr/share/asterisk/sounds/en_US_f_Allison/lowercase.wav"

// TestLowercaseIsNoRating hears the prompt as the hour hears it (with the
// half second of quiet after it that joins it to the next prompt, each
// short stretch decoded alone): no rating, and, with the carrier rule off
// (Opts.anyCarrier), the "like eight" it used to be, so that the test
// fails without the rule.
func TestLowercaseIsNoRating(t *testing.T) {
	a, err := wav.DecodeFile(lowercasePrompt)
	if err != nil {
		t.Skipf("%v (make test-deps installs Asterisk's prompts)", err)
	}
	x := append(a.Mono16k(), make([]float32, Rate/2)...)
	for _, tc := range []struct {
		anyCarrier bool
		want       selfreport.Rating
	}{{false, selfreport.NoRating}, {true, 8}} {
		o := DefaultOpts()
		o.anyCarrier = tc.anyCarrier
		r := newRecogniser(t, o)
		rep, err := r.RecogniseRecording(selfreport.RatingQuestion, x)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("carrier rule off %v: heard %q", tc.anyCarrier, rep.Heard)
		if rep.Rating != tc.want {
			t.Errorf("carrier rule off %v: %+v, want rating %d", tc.anyCarrier, rep, tc.want)
		}
	}
}
