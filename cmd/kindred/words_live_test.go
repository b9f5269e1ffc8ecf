package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/evaluate"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// TestWordsLiveSlice is `kindred eval --only words-live` on half a minute
// (the hour takes one run per side of the corpus, half an hour each):
// someone in view says "Ow! Ouch! It hurts." and then reads on (LibriVox), so
// the robot asks how much it hurts and hears the reading as the answer.
// It must ask, and must understand no rating, yes/no or place.
func TestWordsLiveSlice(t *testing.T) {
	if testing.Short() {
		t.Skip("plays half a minute to kindred run in real time")
	}
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite missing (scripts/deps.sh installs it)")
	}
	if err := sphinx.DefaultOpts().Validate(); err != nil {
		t.Skipf("answer model: %v (scripts/deps.sh installs pocketsphinx-en-us)", err)
	}
	face := filepath.Join("../../../shared/devset", "faces/pexels-via-max__neutral.jpeg")
	if _, err := os.Stat(face); err != nil {
		t.Skipf("dev set face: %v", err)
	}
	reading, _ := filepath.Glob("/usr/share/pocketsphinx/test/data/librivox/*.wav")
	if len(reading) == 0 {
		t.Skip("no LibriVox recordings (pocketsphinx-testdata)")
	}
	dir := t.TempDir()
	ouch := filepath.Join(dir, "ouch.wav")
	if out, err := exec.Command("flite", "-voice", "slt", "-t", "Ow! Ouch! It hurts.", "-o", ouch).CombinedOutput(); err != nil {
		t.Fatalf("flite: %v: %s", err, out)
	}
	// A first reading, so the greeting is over and the robot may speak
	// again, then the call of pain, then the rest of the reading.
	var clips []speechcorpus.Clip
	for i, f := range append([]string{reading[0], ouch}, reading[1:]...) {
		a, err := wav.DefaultOpts().DecodeFileMono16k(f)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			a.Samples = append(a.Samples, make([]float32, 3*speechcorpus.Rate)...)
		}
		clips = append(clips, speechcorpus.Clip{Name: filepath.Base(f), X: a.Samples})
	}
	var stderr strings.Builder
	run := func(ctx context.Context, args []string) error {
		return cmdRun(ctx, env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}, args)
	}
	rep, err := evaluate.MeasureLive(t.Context(), clips, evaluate.LiveOpts{Run: run, Face: face, Dir: dir})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if len(rep.Parts) != 1 {
		t.Fatalf("%d parts, want the real one", len(rep.Parts))
	}
	p := rep.Parts[0]
	t.Logf("%.0f s of audio, %.0f s of session; asked %s (%s), repeats %d; unclear %d, nothing heard %d, late %d",
		p.Seconds, p.Session, p.Asked, p.Why, p.Repeats, p.Unclear, p.NoAnswer, p.Late)
	if p.Asked["rating"] == 0 {
		var events []string
		for _, l := range strings.Split(onlySessionJSONL(t, filepath.Join(dir, "real.db")), "\n") {
			if !strings.Contains(l, `"pose"`) && !strings.Contains(l, `"assessment"`) {
				events = append(events, l)
			}
		}
		t.Errorf("the robot never asked how much it hurts (asked %s)\n%s\n%s", p.Asked, stderr.String(), strings.Join(events, "\n"))
	}
	if p.Ratings+p.YesNo+p.Places > 0 {
		t.Errorf("understood answers nobody gave: %+v", p.Answers)
	}
	if p.Session < p.Seconds-2 {
		t.Errorf("the session covered %.0f s of %.0f s of audio", p.Session, p.Seconds)
	}
}
