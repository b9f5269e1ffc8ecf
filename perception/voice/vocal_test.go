package voice

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// soundRecipes make reproducible test sounds with sox and espeak-ng: each
// is a command line writing 16 kHz mono to OUT. sox's -R seeds its noise
// and dither generators with a fixed number (sox(1), "repeatable mode"):
// without it every run hears a different scream, and one CI run in many
// read that scream's noise as a cry.
var soundRecipes = map[string][]string{
	// A sustained low voiced tone with slow pitch wobble and amplitude tremor.
	"moan": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "2.0", "sawtooth", "120", "gain", "-10",
		"bend", "0.2,60,0.4", "0.2,-80,0.5", "0.2,50,0.4", "tremolo", "5", "30", "lowpass", "1200", "pad", "0.5", "0.5"},
	// Two rising-falling wails.
	"cry": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "1.1", "sawtooth", "380", "gain", "-8",
		"bend", "0.05,500,0.5", "0,-600,0.5", "lowpass", "3500", "pad", "0.5", "0.3", "repeat", "1"},
	// A high, loud, harsh (noisy) voice.
	"scream": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "1.2", "sawtooth", "500", "synth", "1.2", "whitenoise", "mix",
		"gain", "-4", "bend", "0.1,200,0.3", "0.2,-200,0.4", "lowpass", "6000", "pad", "0.5", "0.5"},
	// One breathy burst fading out.
	"sigh": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "1.2", "pinknoise", "lowpass", "2500",
		"fade", "q", "0.25", "1.2", "0.8", "gain", "-12", "pad", "0.5", "0.5"},
	// Background only: hiss and rumble.
	"hiss":   {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "4", "pinknoise", "gain", "-30"},
	"rumble": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "4", "brownnoise", "gain", "-20"},
	// Seven short breathy bursts, 2.4 a second.
	"pant": {"sox", "-R", "-n", "-r", "16000", "-b", "16", "-c", "1", "OUT", "synth", "0.22", "pinknoise", "lowpass", "3000",
		"fade", "q", "0.04", "0.22", "0.1", "gain", "-10", "pad", "0", "0.2", "repeat", "6", "pad", "0.5", "0.5"},
}

func makeSound(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, name+".wav")
	if name == "speech" {
		raw := filepath.Join(dir, "raw.wav")
		if err := exec.Command("espeak-ng", "-w", raw, "I would like a cup of tea please, and then we can go for a walk in the garden.").Run(); err != nil {
			t.Skipf("espeak-ng: %v", err)
		}
		return raw
	}
	args := append([]string(nil), soundRecipes[name]...)
	for i, a := range args {
		if a == "OUT" {
			args[i] = out
		}
	}
	if b, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		t.Skipf("sox: %v: %s", err, b)
	}
	return out
}

// classify reports the most frequent non-silent class of a file and the
// highest distress seen.
func classify(t *testing.T, file string) (perception.VocalClass, float64, map[perception.VocalClass]int) {
	t.Helper()
	a, err := wav.DecodeFile(file)
	if err != nil {
		t.Fatal(err)
	}
	res, err := AnalyzeSamples(context.Background(), a.Mono16k(), DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	counts := map[perception.VocalClass]int{}
	var top float64
	for _, o := range res.Obs {
		counts[o.Vocalisation.Class]++
		top = max(top, o.Vocalisation.Distress)
	}
	best, bestN := perception.VocalSilence, 0
	for c, n := range counts {
		if c != perception.VocalSilence && n > bestN {
			best, bestN = c, n
		}
	}
	return best, top, counts
}

func TestVocalisations(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed")
	}
	tests := []struct {
		sound            string
		want             perception.VocalClass
		minDist, maxDist float64
	}{
		{"speech", perception.VocalSpeech, 0, 0.35},
		{"moan", perception.VocalMoan, 0.5, 0.9},
		{"cry", perception.VocalCry, 0.7, 1},
		{"scream", perception.VocalScream, 0.85, 1},
		{"sigh", perception.VocalSigh, 0.25, 0.6},
		{"pant", perception.VocalPant, 0.35, 0.7},
	}
	for _, tc := range tests {
		t.Run(tc.sound, func(t *testing.T) {
			got, dist, counts := classify(t, makeSound(t, tc.sound))
			if got != tc.want {
				t.Errorf("classified %s, want %s (hops per class %v)", got, tc.want, counts)
			}
			if dist < tc.minDist || dist > tc.maxDist {
				t.Errorf("peak distress %.2f, want %.2f..%.2f", dist, tc.minDist, tc.maxDist)
			}
		})
	}
}

// TestBackgroundIsSilence checks that steady noise alone never counts as a
// vocalisation, and that speech over it is still speech.
func TestBackgroundIsSilence(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed")
	}
	for _, name := range []string{"hiss", "rumble"} {
		if got, _, counts := classify(t, makeSound(t, name)); got != perception.VocalSilence {
			t.Errorf("%s: %s (%v)", name, got, counts)
		}
	}
	speech, err := wav.DecodeFile(makeSound(t, "speech"))
	if err != nil {
		t.Fatal(err)
	}
	hiss, err := wav.DecodeFile(makeSound(t, "hiss"))
	if err != nil {
		t.Fatal(err)
	}
	x := speech.Mono16k()
	for i, v := range hiss.Mono16k() {
		if i < len(x) {
			x[i] += v
		}
	}
	res, err := AnalyzeSamples(context.Background(), x, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, o := range res.Obs {
		if o.Vocalisation.Class == perception.VocalSpeech {
			n++
		}
	}
	if n < len(res.Obs)*3/4 {
		t.Errorf("speech in hiss: only %d of %d hops speech", n, len(res.Obs))
	}
}

func TestRealSpeechIsSpeech(t *testing.T) {
	for _, file := range realSpeech(t) {
		if _, err := os.Stat(file); err != nil {
			continue
		}
		got, dist, counts := classify(t, file)
		if got != perception.VocalSpeech || dist > 0.55 {
			t.Errorf("%s: %s with peak distress %.2f (%v)", filepath.Base(file), got, dist, counts)
		}
	}
}

func TestClassifyTable(t *testing.T) {
	tests := []struct {
		name string
		f    SegmentFeatures
		want perception.VocalClass
	}{
		{"nothing active", SegmentFeatures{}, perception.VocalSilence},
		{"long low steady voice", SegmentFeatures{Duration: 2, ActiveFraction: 1, VoicedFraction: 0.95, MeanVoicedRun: 1.9, MaxVoicedRun: 1.9,
			Bursts: 1, MeanBurst: 1.9, F0Median: 130, F0RangeST: 1, HNR: 20, Flatness: 0.03, Centroid: 500, Flux: 0.3}, perception.VocalMoan},
		{"train of breathy bursts", SegmentFeatures{Duration: 2.5, ActiveFraction: 0.9, Bursts: 6, MeanBurst: 0.25,
			Flatness: 0.35, Centroid: 1800, Flux: 1}, perception.VocalPant},
	}
	for _, tc := range tests {
		if got := Classify(&tc.f); got.Class != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got.Class, tc.want)
		}
	}
}

func TestClipFeaturesSpanTheWholeActivity(t *testing.T) {
	hops := func(quiet, active int) []HopFeatures {
		var hs []HopFeatures
		for i := 0; i < quiet+active+quiet; i++ {
			h := HopFeatures{IntensityDB: 30}
			if i >= quiet && i < quiet+active {
				// The first 60 % at 150 Hz, the rest at 300 Hz: the median
				// is 150 Hz only if every hop is read.
				f0 := 150.0
				if i >= quiet+active*6/10 {
					f0 = 300
				}
				h = HopFeatures{Active: true, Voiced: true, F0: f0, HNR: 15, HasHNR: true, IntensityDB: 70, SNRDB: 30}
			}
			hs = append(hs, h)
		}
		return hs
	}
	for _, tc := range []struct {
		name          string
		quiet, active int
		wantDur       float64
	}{
		{"2 s between pauses", 100, 200, 2.0},
		{"longer than the live tracker's 3 s", 50, 500, 5.0},
		{"silence", 100, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := ClipFeatures(hops(tc.quiet, tc.active))
			if math.Abs(f.Duration-tc.wantDur) > 1e-9 {
				t.Errorf("duration %v, want %v", f.Duration, tc.wantDur)
			}
			if tc.active > 0 && (f.VoicedFraction != 1 || math.Abs(f.F0Median-150) > 1e-6) {
				t.Errorf("voiced fraction %v, F0 %v; want 1 and 150 Hz", f.VoicedFraction, f.F0Median)
			}
		})
	}
}
