package main

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/voices"
)

// A live run hears laughter by name: the running classifier (YAMNet and
// the combiner, on its own goroutine) labels the hops, and fusion takes
// the laugh as evidence against pain. The hand-set per-hop classifier it
// replaced never said "laugh" on these clips. Three of the dev set's
// laughing clips are joined in a temporary file (never kept).
func TestRunHearsLaughterAsNotPain(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(devsetDir, "vocalisations", "laughing", "*.wav"))
	if len(files) < 3 {
		t.Skip("dev set absent")
	}
	slices.Sort(files)
	var joined []float32
	for _, f := range files[:3] {
		a, err := wav.DecodeFile(f)
		if err != nil {
			t.Fatal(err)
		}
		joined = append(joined, a.Mono16k()...)
	}
	dir := t.TempDir()
	audio := filepath.Join(dir, "laughs.wav")
	pcm := make([]int16, len(joined))
	for i, v := range joined {
		pcm[i] = int16(max(-32768, min(32767, math.Round(float64(v)*32767))))
	}
	f, err := os.Create(audio)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(voices.WriteWAV(f, voices.Audio{SampleRate: voice.Rate, Samples: pcm}), f.Close()); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "j.db")
	if code, _, stderr := runKindred(t, "run", "--audio", audio, "--speed", "4", "--console", "off",
		"--journal", journal); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	rows := onlySessionJSONL(t, journal)
	if n := strings.Count(rows, "laughing (not pain)"); n < 3 {
		t.Errorf("%d assessments name the laughter, want several over %.0f s of laughing", n, float64(len(joined))/voice.Rate)
	}
	if strings.Contains(rows, `"faults":1`) || strings.Contains(rows, "sound events") {
		t.Errorf("the run recorded a sound-event fault")
	}
}
