package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// The smile trap on real media: a smiling face (astronaut.png, whose PSPI is
// raised by the smile) with calm read speech (LibriVox) must score none or
// mild, never moderate pain.
func TestAnalyzeSmileWithCalmSpeechIsNotPain(t *testing.T) {
	img := testmedia.Path(t, "astronaut.png")
	speech := "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
	if _, err := os.Stat(speech); err != nil {
		t.Skipf("%s missing (make test installs pocketsphinx-testdata)", speech)
	}
	out := filepath.Join(t.TempDir(), "a.csv")
	code, stdout, stderr := runKindred(t, "analyze", "--video", img, "--audio", speech, "--out", out, "--summary")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var sum struct {
		Video struct {
			FramesWithFace int `json:"frames_with_face"`
			PSPI           struct {
				Max float64 `json:"max"`
			} `json:"pspi"`
		} `json:"video"`
		Pain struct {
			Max  float64         `json:"max"`
			Band perception.Band `json:"band"`
		} `json:"pain"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("summary %q: %v", stdout, err)
	}
	if sum.Video.FramesWithFace == 0 {
		t.Fatalf("no face found in astronaut.png")
	}
	if sum.Pain.Band != perception.BandNone && sum.Pain.Band != perception.BandMild {
		t.Errorf("smiling face with calm speech scored %.2f (%s), want none or mild (PSPI %.1f)",
			sum.Pain.Max, sum.Pain.Band, sum.Video.PSPI.Max)
	}
	t.Logf("PSPI %.1f, pain max %.2f (%s)", sum.Video.PSPI.Max, sum.Pain.Max, sum.Pain.Band)
}
