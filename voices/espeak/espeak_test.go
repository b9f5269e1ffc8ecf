package espeak

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/voices"
)

func open(t testing.TB) *Engine {
	t.Helper()
	e, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func voice(t testing.TB, lang string, tone behavior.Tone) voices.Voice {
	t.Helper()
	p, err := voices.DefaultPersona(lang)
	if err != nil {
		t.Fatal(err)
	}
	v, err := voices.NewVoice(p, lang, tone)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Every language speaks every intent's first phrase as real speech: long
// enough, loud enough, mostly voiced, with phoneme and word marks in order.
func TestEveryLanguageSpeaks(t *testing.T) {
	e := open(t)
	bank, err := voices.BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range voices.LanguageCodes() {
		t.Run(lang, func(t *testing.T) {
			v := voice(t, lang, behavior.ToneNeutral)
			for _, kind := range []behavior.IntentKind{behavior.IntentGreet, behavior.IntentComfort} {
				text := voices.FillName(bank.Phrases(lang, kind)[0], "")
				a, err := voices.Render(context.Background(), e, text, v)
				if err != nil {
					t.Fatal(err)
				}
				st := voices.Measure(a)
				if a.SampleRate != 22050 {
					t.Errorf("%q: %d Hz", text, a.SampleRate)
				}
				if min := time.Duration(len([]rune(text))) * 25 * time.Millisecond; st.Duration < min || st.Duration > 4*min {
					t.Errorf("%q: %v long for %d characters", text, st.Duration, len([]rune(text)))
				}
				if st.RMSdBFS < -30 || st.PeakdBFS > -0.1 {
					t.Errorf("%q: level %.1f dBFS RMS, %.1f peak", text, st.RMSdBFS, st.PeakdBFS)
				}
				if st.VoicedFraction < 0.4 {
					t.Errorf("%q: voiced fraction %.2f", text, st.VoicedFraction)
				}
				if st.F0Median < 120 || st.F0Median > 350 {
					t.Errorf("%q: F0 %.0f Hz for a female variant", text, st.F0Median)
				}
				checkMarks(t, text, a)
			}
		})
	}
}

func checkMarks(t *testing.T, text string, a voices.Audio) {
	t.Helper()
	if len(a.Phonemes) < len([]rune(text))/4 || len(a.Words) < 2 {
		t.Errorf("%q: %d phonemes, %d words", text, len(a.Phonemes), len(a.Words))
	}
	for _, ms := range [][]voices.Mark{a.Phonemes, a.Words} {
		for i := 1; i < len(ms); i++ {
			if ms[i].At < ms[i-1].At || ms[i].At > a.Duration() {
				t.Errorf("%q: mark %d at %v after %v (audio %v)", text, i, ms[i].At, ms[i-1].At, a.Duration())
			}
		}
	}
	for _, w := range a.Words {
		if w.Name == "" {
			t.Errorf("%q: a word mark without text", text)
		}
	}
}

// The gentle tone is slower and lower than the cheerful one, measured on
// the sound itself: duration, and median F0 by autocorrelation.
func TestGentleIsSlowerAndLowerThanCheerful(t *testing.T) {
	e := open(t)
	for _, lang := range []string{"en", "de", "zh"} {
		bank, _ := voices.BuiltinBank()
		text := voices.FillName(bank.Phrases(lang, behavior.IntentComfort)[0], "")
		gentle, err := voices.Render(context.Background(), e, text, voice(t, lang, behavior.ToneGentle))
		if err != nil {
			t.Fatal(err)
		}
		cheerful, err := voices.Render(context.Background(), e, text, voice(t, lang, behavior.ToneCheerful))
		if err != nil {
			t.Fatal(err)
		}
		g, c := voices.Measure(gentle), voices.Measure(cheerful)
		t.Logf("%s: gentle %v %.0f Hz %.1f dBFS; cheerful %v %.0f Hz %.1f dBFS", lang, g.Duration, g.F0Median, g.RMSdBFS, c.Duration, c.F0Median, c.RMSdBFS)
		if float64(g.Duration) < 1.2*float64(c.Duration) {
			t.Errorf("%s: gentle %v is not clearly slower than cheerful %v", lang, g.Duration, c.Duration)
		}
		if g.F0Median > 0.9*c.F0Median {
			t.Errorf("%s: gentle F0 %.0f Hz is not clearly lower than cheerful %.0f Hz", lang, g.F0Median, c.F0Median)
		}
		if g.RMSdBFS >= c.RMSdBFS {
			t.Errorf("%s: gentle %.1f dBFS is not softer than cheerful %.1f dBFS", lang, g.RMSdBFS, c.RMSdBFS)
		}
	}
}

// The mouth track built from real speech follows its loudness within 50 ms.
func TestMouthFollowsRealSpeech(t *testing.T) {
	e := open(t)
	for _, lang := range voices.LanguageCodes() {
		bank, _ := voices.BuiltinBank()
		text := voices.FillName(bank.Phrases(lang, behavior.IntentBreathingGuide)[0], "")
		a, err := voices.Render(context.Background(), e, text, voice(t, lang, behavior.ToneGentle))
		if err != nil {
			t.Fatal(err)
		}
		tr := voices.NewMouthTrack(a, voices.DefaultMouthOpts(), 0.2)
		jaw := make([]float64, len(tr.Frames))
		for i, f := range tr.Frames {
			jaw[i] = f.Jaw.Degrees()
		}
		if lag := voices.MouthLag(a, jaw); lag < -50*time.Millisecond || lag > 50*time.Millisecond {
			t.Errorf("%s: jaw lags speech by %v", lang, lag)
		}
	}
}

// libespeak-ng crashes when called from several threads at once; the
// engine's mutex must make that safe, with results as if called alone.
func TestConcurrentCallsAreSerialised(t *testing.T) {
	e := open(t)
	v := voice(t, "en", behavior.ToneNeutral).Params
	ref, err := e.Synthesize(context.Background(), "One two three.", v)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				a, err := e.Synthesize(context.Background(), "One two three.", v)
				if err != nil {
					errs <- err
					return
				}
				if d := a.Duration() - ref.Duration(); d < -ref.Duration()/10 || d > ref.Duration()/10 {
					errs <- fmt.Errorf("goroutine %d call %d: %v, alone %v", g, i, a.Duration(), ref.Duration())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestSynthesizeErrors(t *testing.T) {
	e := open(t)
	v := voice(t, "en", behavior.ToneNeutral).Params
	bad := v
	bad.Voice = "no-such-voice"
	if _, err := e.Synthesize(context.Background(), "Hello.", bad); err == nil {
		t.Error("unknown voice: no error")
	}
	if _, err := e.Synthesize(context.Background(), "bad \xff text", v); err == nil {
		t.Error("invalid UTF-8: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Synthesize(ctx, "Hello.", v); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// The engine still works after the failures.
	if a, err := e.Synthesize(context.Background(), "Still here.", v); err != nil || a.Duration() < 300*time.Millisecond {
		t.Errorf("after errors: %v, %v", a.Duration(), err)
	}
}
