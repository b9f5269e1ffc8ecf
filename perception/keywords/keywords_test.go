package keywords

import (
	"errors"
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
		"zero threshold": func(o *Opts) { o.Phrases = []Phrase{{"stop", 0}} },
		"huge threshold": func(o *Opts) { o.Phrases = []Phrase{{"stop", 1e31}} },
		"slash":          func(o *Opts) { o.Phrases = []Phrase{{"st/op", 1e-5}} },
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
	o.Phrases = []Phrase{{"zzqxv", 1e-5}}
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
