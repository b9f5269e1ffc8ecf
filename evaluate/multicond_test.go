package evaluate

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/voices"
)

// recordingTalker is a fake synthesiser: it records what it was asked to
// say and answers with a second of a gliding tone at 22050 Hz.
type recordingTalker struct{ asked []string }

func (r *recordingTalker) Synthesize(_ context.Context, text string, v voices.VoiceParams) (voices.Audio, error) {
	r.asked = append(r.asked, v.Voice+": "+text)
	a := voices.Audio{SampleRate: 22050, Samples: make([]int16, 22050)}
	for i := range a.Samples {
		f := 120 + 80*float64(i)/22050
		a.Samples[i] = int16(8000 * math.Sin(2*math.Pi*f*float64(i)/22050))
	}
	return a, nil
}

// writeClip writes a 1.5 s hummed vowel-like tone at f0 Hz as a 16 kHz WAV.
func writeClip(t *testing.T, path string, f0 float64) {
	t.Helper()
	a := voices.Audio{SampleRate: 16000, Samples: make([]int16, 24000)}
	for i := range a.Samples {
		x := 0.0
		for h := 1.0; h <= 8; h++ {
			x += math.Sin(2*math.Pi*f0*h*float64(i)/16000) / h
		}
		a.Samples[i] = int16(6000 * x * math.Sin(math.Pi*float64(i)/24000))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := voices.WriteWAV(f, a); err != nil {
		t.Fatal(err)
	}
}

// Multi-condition copies keep their clip's speaker and label, so a
// held-out speaker's copies never join another fold's fit, and a clip's
// copies together weigh what the clip itself weighs (1 whole + 1 shared
// by its contexts), so the clean clips keep half the say; the talker reads
// every line in every voice.
func TestMultiConditionSamplesKeepSpeakerAndWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("runs YAMNet")
	}
	dir := t.TempDir()
	writeClip(t, filepath.Join(dir, "vocalisations/moaning/a.wav"), 180)
	writeClip(t, filepath.Join(dir, "vocalisations/throat-clearing/b.wav"), 110)
	labels := "file,class,speaker\nvocalisations/moaning/a.wav,moaning,S1\nvocalisations/throat-clearing/b.wav,throat-clearing,S2\n"
	if err := os.WriteFile(filepath.Join(dir, "vocalisations/labels.csv"), []byte(labels), 0o644); err != nil {
		t.Fatal(err)
	}
	clf, err := analysis.OpenClipClassifier()
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	talker := &recordingTalker{}
	samples, err := multiConditionSamples(context.Background(), clf, dir, talker)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(talkerLines) * len(talkerVoices); len(talker.asked) != want {
		t.Errorf("the talker read %d lines, want %d", len(talker.asked), want)
	}
	wantLabel := map[string]string{"S1": "moan", "S2": "other/throat-clearing"}
	weight := map[string]float64{}
	wholes := map[string]int{}
	for _, s := range samples {
		want, ok := wantLabel[s.Speaker]
		if !ok {
			t.Fatalf("a copy under speaker %q, not its clip's", s.Speaker)
		}
		if s.Label != want {
			t.Errorf("%s: a copy labelled %q, want %q", s.Speaker, s.Label, want)
		}
		weight[s.Speaker] += s.Weight
		if s.Weight == 1/float64(len(trainingRooms)) {
			wholes[s.Speaker]++
		}
	}
	for sp := range wantLabel {
		if math.Abs(weight[sp]-2) > 1e-9 {
			t.Errorf("%s: the copies weigh %.3f together, want 2 (one clip whole and its contexts)", sp, weight[sp])
		}
		if wholes[sp] != len(trainingRooms) {
			t.Errorf("%s: %d whole copies, want one per training room (%d)", sp, wholes[sp], len(trainingRooms))
		}
	}
}
