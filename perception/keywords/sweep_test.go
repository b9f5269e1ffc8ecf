package keywords

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// TestStopThresholdSweep measures hits and false alarms of "stop" at
// several thresholds on espeak-ng voices and ordinary speech; it is a
// measurement for tuning, run with KINDRED_KWS_SWEEP=1 -v.
func TestStopThresholdSweep(t *testing.T) {
	if os.Getenv("KINDRED_KWS_SWEEP") == "" {
		t.Skip("set KINDRED_KWS_SWEEP=1 to measure")
	}
	var stops [][]float32
	for _, v := range []string{"en", "en-us", "en+f3", "en-us+m3"} {
		for _, txt := range []string{"Stop!", "Please stop.", "Stop it, stop that now.", "No, stop!"} {
			stops = append(stops, speakV(t, v, txt))
		}
	}
	var neg [][]float32
	files, _ := filepath.Glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")
	for _, f := range files {
		a, _ := wav.DecodeFile(f)
		neg = append(neg, a.Mono16k())
	}
	for _, txt := range []string{"I would like a cup of tea please, and then we can go for a walk in the garden.",
		"The weather is lovely today. Shall we read the newspaper together?",
		"My grandson visited on Sunday and we looked at old photographs.", "The bus stopped at the top of the hill."} {
		neg = append(neg, speakV(t, "en", txt))
	}
	for _, th := range []float64{1e-5, 1e-10, 1e-12, 1e-15, 1e-20} {
		o := DefaultOpts()
		o.Phrases = []Phrase{{"stop", th}}
		hits, fas := 0, 0
		s, err := New(o)
		if err != nil {
			t.Skip(err)
		}
		var at time.Duration
		feed := func(x []float32) int {
			n := 0
			for i := 0; i < len(x); i += 160 {
				kws, _ := s.Spot(x[i:min(i+160, len(x))], at)
				at += time.Duration(len(x[i:min(i+160, len(x))])) * time.Second / voice.Rate
				n += len(kws)
			}
			return n
		}
		for _, x := range stops {
			if feed(x) > 0 {
				hits++
			}
		}
		for i, x := range neg {
			if n := feed(x); n > 0 {
				fas += n
				t.Logf("  false alarm in stream %d", i)
			}
		}
		s.Close()
		t.Logf("threshold %g: hits %d/%d, false alarms %d", th, hits, len(stops), fas)
	}
}
