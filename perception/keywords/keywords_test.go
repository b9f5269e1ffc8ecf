package keywords

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

func newSpotter(t *testing.T) *Spotter {
	t.Helper()
	s, err := New(DefaultOpts())
	if errors.Is(err, ErrNoModel) {
		t.Skip("pocketsphinx-en-us not installed")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func speak(t *testing.T, text string) []float32 {
	t.Helper()
	p := filepath.Join(t.TempDir(), "say.wav")
	if err := exec.Command("espeak-ng", "-w", p, text).Run(); err != nil {
		t.Skipf("espeak-ng: %v", err)
	}
	a, err := wav.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// Half a second of silence either side, as in a room.
	pad := make([]float32, voice.Rate/2)
	return append(append(append([]float32(nil), pad...), a.Mono16k()...), pad...)
}

// spot feeds x in 10 ms pieces, as the live run does.
func spot(t *testing.T, s *Spotter, x []float32) []voice.Keyword {
	t.Helper()
	var all []voice.Keyword
	for i := 0; i < len(x); i += voice.HopSamples {
		kws, err := s.Spot(x[i:min(i+voice.HopSamples, len(x))], time.Duration(i)*time.Second/voice.Rate)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, kws...)
	}
	return all
}

func TestSpotsStop(t *testing.T) {
	s := newSpotter(t)
	x := speak(t, "Stop!")
	kws := spot(t, s, x)
	found := false
	for _, k := range kws {
		if k.Text == "stop" {
			found = true
			if k.At < 400*time.Millisecond || k.At > time.Duration(len(x))*time.Second/voice.Rate {
				t.Errorf("stop at %v, outside the spoken word", k.At)
			}
		}
	}
	if !found {
		t.Fatalf("no stop in %v", kws)
	}
}

func TestOrdinarySentencesDoNotStop(t *testing.T) {
	for _, text := range []string{
		"I would like a cup of tea please, and then we can go for a walk in the garden.",
		"The weather is lovely today. Shall we read the newspaper together?",
		"Could you open the window a little? It is warm in here.",
	} {
		for _, k := range spot(t, newSpotter(t), speak(t, text)) {
			if k.Text == "stop" {
				t.Errorf("%q: false stop at %v", text, k.At)
			}
		}
	}
	files, _ := filepath.Glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range spot(t, newSpotter(t), a.Mono16k()) {
			if k.Text == "stop" {
				t.Errorf("%s: false stop at %v", filepath.Base(f), k.At)
			}
		}
	}
}

func TestOptsValidate(t *testing.T) {
	tests := map[string]func(*Opts){
		"no phrases":     func(o *Opts) { o.Phrases = nil },
		"zero threshold": func(o *Opts) { o.Phrases = []Phrase{{Text: "stop", Threshold: 0}} },
		"huge threshold": func(o *Opts) { o.Phrases = []Phrase{{Text: "stop", Threshold: 1e31}} },
		"slash":          func(o *Opts) { o.Phrases = []Phrase{{Text: "st/op", Threshold: 1e-5}} },
		"missing model":  func(o *Opts) { o.HMM = "/nonexistent" },
		"short restart":  func(o *Opts) { o.Restart = time.Millisecond },
	}
	for name, mutate := range tests {
		o := DefaultOpts()
		mutate(&o)
		if err := o.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	o := DefaultOpts()
	o.HMM = "/nonexistent"
	if _, err := New(o); !errors.Is(err, ErrNoModel) {
		t.Errorf("New with no model = %v, want ErrNoModel", err)
	}
}

func TestUnknownWordIsAnError(t *testing.T) {
	o := DefaultOpts()
	o.Phrases = []Phrase{{Text: "zzqxv", Threshold: 1e-5}}
	if _, err := New(o); err == nil {
		t.Fatal("no error for a word missing from the dictionary")
	}
}

func speakV(t *testing.T, v, text string) []float32 {
	t.Helper()
	p := filepath.Join(t.TempDir(), "say.wav")
	if err := exec.Command("espeak-ng", "-v", v, "-w", p, text).Run(); err != nil {
		t.Skipf("espeak-ng: %v", err)
	}
	a, err := wav.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	pad := make([]float32, voice.Rate/2)
	return append(append(append([]float32(nil), pad...), a.Mono16k()...), pad...)
}

// BenchmarkSpot measures keyword spotting on read speech; x_realtime is
// seconds of audio per second of CPU.
func BenchmarkSpot(b *testing.B) {
	a, err := wav.DecodeFile("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav")
	if err != nil {
		b.Skip("LibriVox test data not installed")
	}
	x := a.Mono16k()
	s, err := New(DefaultOpts())
	if err != nil {
		b.Skip(err)
	}
	defer s.Close()
	b.ResetTimer()
	var at time.Duration
	var ru0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	for i := 0; i < b.N; i++ {
		for j := 0; j < len(x); j += 2 * voice.HopSamples {
			if _, err := s.Spot(x[j:min(j+2*voice.HopSamples, len(x))], at); err != nil {
				b.Fatal(err)
			}
			at += 20 * time.Millisecond
		}
	}
	b.ReportMetric(float64(len(x))/voice.Rate*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
	// The process's CPU time per second of audio: what an idle machine
	// would spend, whatever else a shared one runs.
	var ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano() + ru1.Stime.Nano() - ru0.Utime.Nano() - ru0.Stime.Nano())
	b.ReportMetric(cpu.Seconds()*1000/(float64(len(x))/voice.Rate*float64(b.N)), "cpu_ms/audio_s")
}

// fixedVerifier accepts every spot or none, and records what it was given.
type fixedVerifier struct {
	accept bool
	asked  *[]int // each window's length
	closed *bool
}

func (f fixedVerifier) Verify(x []float32, at int) (bool, error) {
	if at < 0 || at > len(x) {
		return false, fmt.Errorf("spot at %d outside the window of %d", at, len(x))
	}
	*f.asked = append(*f.asked, len(x))
	return f.accept, nil
}

func (f fixedVerifier) Close() error { *f.closed = true; return nil }

// TestVerifiedPhraseWaitsForItsVerdict: a spot of a phrase marked Verify
// is reported only if the verifier accepts it, after the audio that
// follows it (or at Flush), and the verifier is closed with the spotter.
func TestVerifiedPhraseWaitsForItsVerdict(t *testing.T) {
	x := speak(t, "Help!")
	x = append(x, make([]float32, voice.Rate)...) // a second of quiet after it
	for _, accept := range []bool{true, false} {
		var asked []int
		closed := false
		o := DefaultOpts()
		o.Phrases = []Phrase{{Text: "stop", Threshold: 1e-10}, {Text: "help", Threshold: 1e-20, Verify: true}}
		o.NewVerifier = func() (Verifier, error) { return fixedVerifier{accept, &asked, &closed}, nil }
		s, err := New(o)
		if errors.Is(err, ErrNoModel) {
			t.Skip("pocketsphinx-en-us not installed")
		}
		if err != nil {
			t.Fatal(err)
		}
		kws := spot(t, s, x)
		if len(asked) != 1 {
			t.Fatalf("accept %v: verifier asked %d times, want once", accept, len(asked))
		}
		// The stream began less than VerifyBefore before the spot: the
		// window is filled out with the quiet before it.
		if want := int((o.VerifyBefore + o.VerifyAfter).Seconds() * voice.Rate); asked[0] != want {
			t.Errorf("accept %v: window of %d samples, want %d (the audio before and after the spot)", accept, asked[0], want)
		}
		if got := len(kws) == 1 && kws[0].Text == "help"; got != accept {
			t.Errorf("accept %v: reported %v", accept, kws)
		}
		if len(kws) == 1 && (kws[0].At < 400*time.Millisecond || kws[0].At > time.Duration(len(x)-voice.Rate)*time.Second/voice.Rate) {
			t.Errorf("help stamped %v, outside the spoken word", kws[0].At)
		}
		s.Close()
		if !closed {
			t.Errorf("accept %v: verifier not closed", accept)
		}
	}
	// Cut short after the word, the spot waits for Flush.
	var asked []int
	closed := false
	o := DefaultOpts()
	o.Phrases = []Phrase{{Text: "help", Threshold: 1e-20, Verify: true}}
	o.NewVerifier = func() (Verifier, error) { return fixedVerifier{true, &asked, &closed}, nil }
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	short := speak(t, "Help!")
	if kws := spot(t, s, short); len(kws) != 0 {
		t.Fatalf("reported %v before the audio after it came", kws)
	}
	kws, err := s.Flush()
	if err != nil || len(kws) != 1 {
		t.Fatalf("Flush = %v, %v; want the held help", kws, err)
	}
	// The end of the recording ends the call: the window after it is
	// filled out with quiet too.
	if want := int((o.VerifyBefore + o.VerifyAfter).Seconds() * voice.Rate); len(asked) != 1 || asked[0] != want {
		t.Errorf("Flush gave the verifier windows %v, want one of %d samples", asked, want)
	}
}

func TestVerifiedPhraseNeedsVerifier(t *testing.T) {
	o := DefaultOpts()
	o.NewVerifier = nil
	if err := o.Validate(); err == nil {
		t.Fatal("no error for a phrase to be verified without a verifier")
	}
}
