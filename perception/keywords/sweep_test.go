package keywords

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// TestKeywordThresholdSweep measures, per phrase and threshold, hits on
// espeak-ng voices saying the phrase and false alarms on ordinary speech
// (LibriVox and espeak-ng sentences, about 40 s). It is a tuning
// measurement: KINDRED_KWS_SWEEP=1 go test -run Sweep -v (several minutes).
func TestKeywordThresholdSweep(t *testing.T) {
	if os.Getenv("KINDRED_KWS_SWEEP") == "" {
		t.Skip("set KINDRED_KWS_SWEEP=1 to measure")
	}
	var neg [][]float32
	files, _ := filepath.Glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")
	for _, f := range files {
		a, _ := wav.DecodeFile(f)
		neg = append(neg, a.Mono16k())
	}
	for _, txt := range []string{"I would like a cup of tea please, and then we can go for a walk in the garden.",
		"The weather is lovely today. Shall we read the newspaper together?",
		"My grandson visited on Sunday and we looked at old photographs.", "Could you open the window a little? It is warm in here."} {
		neg = append(neg, speakV(t, "en", txt))
	}
	sweep := map[string][]float64{"stop": {1e-5, 1e-10, 1e-12, 1e-15}, "it hurts": {1e-20, 1e-30, 1e-40},
		"help": {1e-10, 1e-15, 1e-20, 1e-30}, "go away": {1e-25, 1e-30, 1e-35}, "ouch": {1e-10, 1e-15, 1e-20}}
	for text, ths := range sweep {
		var pos [][]float32
		for _, v := range []string{"en", "en-us", "en+f3", "en-us+m3"} {
			for _, txt := range []string{text + "!", "Oh, " + text + ".", "Please, " + text + "."} {
				pos = append(pos, speakV(t, v, txt))
			}
		}
		for _, th := range ths {
			o := DefaultOpts()
			o.Phrases = []Phrase{{text, th}}
			count := func(x []float32) int {
				s, err := New(o)
				if err != nil {
					t.Skip(err)
				}
				defer s.Close()
				n := 0
				var at time.Duration
				for i := 0; i < len(x); i += 160 {
					kws, _ := s.Spot(x[i:min(i+160, len(x))], at)
					at += 10 * time.Millisecond
					n += len(kws)
				}
				return n
			}
			hits, fas := 0, 0
			for _, x := range pos {
				if count(x) > 0 {
					hits++
				}
			}
			for _, x := range neg {
				fas += count(x)
			}
			t.Logf("%q at %g: hits %d/%d, false %d", text, th, hits, len(pos), fas)
		}
	}
}
