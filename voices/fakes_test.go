package voices

import (
	"context"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// toneSynth is a synthesiser for tests: it "speaks" a 200 Hz tone whose
// loudness rises and falls four times a second, 50 ms per character, with a
// syllable every 250 ms. It records every call and fails the test on
// text it was not told to expect when expect is set.
type toneSynth struct {
	t      testing.TB
	mu     sync.Mutex
	calls  []synthCall
	fail   error
	failOn string // fail only texts holding this, when set
	expect map[string]bool
}

type synthCall struct {
	text string
	v    VoiceParams
}

func (s *toneSynth) Synthesize(ctx context.Context, text string, v VoiceParams) (Audio, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.expect != nil && !s.expect[text] {
		s.t.Errorf("synthesiser asked for unexpected text %q", text)
	}
	s.calls = append(s.calls, synthCall{text, v})
	if s.fail != nil && (s.failOn == "" || strings.Contains(text, s.failOn)) {
		return Audio{}, s.fail
	}
	return toneAudio(time.Duration(len([]rune(text)))*50*time.Millisecond, 200), nil
}

// toneAudio is a syllable-like signal: a tone under a 4 Hz raised-cosine
// envelope, starting and ending quiet, with an open vowel mark at each
// loudness peak and a closed-lips mark at each trough.
func toneAudio(d time.Duration, f0 float64) Audio {
	const rate = 22050
	n := int(d.Seconds() * rate)
	a := Audio{SampleRate: rate, Samples: make([]int16, n)}
	for i := range a.Samples {
		t := float64(i) / rate
		env := 0.5 - 0.5*math.Cos(2*math.Pi*4*t)
		a.Samples[i] = int16(12000 * env * math.Sin(2*math.Pi*f0*t))
	}
	for syl := time.Duration(0); syl < d; syl += 250 * time.Millisecond {
		// An open vowel around each loudness peak, lips closed at each trough.
		a.Phonemes = append(a.Phonemes, Mark{At: syl + 40*time.Millisecond, Name: "a"}, Mark{At: syl + 215*time.Millisecond, Name: "m"})
	}
	return a
}
