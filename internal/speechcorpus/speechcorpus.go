package speechcorpus

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/perception/voice/wav"
)

const (
	librivoxGlob = "/usr/share/pocketsphinx/test/data/librivox/*.wav"
	alsaGlob     = "/usr/share/sounds/alsa/[FRS]*_*.wav"
)

// Clip is one recording, mono at 16 kHz, or several joined.
type Clip struct {
	Name string
	X    []float32
	// Synthetic marks speech a synthesiser made; figures on it are kept
	// apart from those on real speech.
	Synthetic bool
	// Parts are the recordings or utterances the clip joins, in order
	// (none when it is one recording).
	Parts []Part
}

// Ordinary loads the LibriVox recordings, alsa-utils' voice and the clips
// listed in devset/speech/labels.csv, less those whose file name leaveOut
// reports (nil leaves none out). It skips the test when none is there.
func Ordinary(t testing.TB, devset string, leaveOut func(name string) bool) []Clip {
	t.Helper()
	files, _ := filepath.Glob(librivoxGlob)
	alsa, _ := filepath.Glob(alsaGlob)
	files = append(files, alsa...)
	if f, err := os.Open(filepath.Join(devset, "speech", "labels.csv")); err == nil {
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("dev set speech labels: %v", err)
		}
		for _, r := range rows[1:] {
			if leaveOut == nil || !leaveOut(r[0]) {
				files = append(files, filepath.Join(devset, r[0]))
			}
		}
	}
	if len(files) == 0 {
		t.Skip("no real speech: install pocketsphinx-testdata or put the dev set beside the repository")
	}
	var clips []Clip
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		clips = append(clips, Clip{Name: filepath.Base(f), X: a.Mono16k()})
	}
	return clips
}
