package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
)

// End to end (issue 16): the robot asks how much it hurts, a recorded
// answer plays, the rating lands in the journal, and fusion shows it beside
// what it sees. The answer is synthesised at test time with espeak-ng into
// a temporary folder: no recording of a person is kept.
func TestRunAsksAndHearsARecordedAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a scenario with the answer recogniser")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng missing (scripts/deps.sh installs it)")
	}
	if err := sphinx.DefaultOpts().Validate(); err != nil {
		t.Skipf("answer model: %v (scripts/deps.sh installs pocketsphinx-en-us)", err)
	}
	dir := t.TempDir()
	answer := filepath.Join(dir, "three.wav")
	if out, err := exec.Command("espeak-ng", "-v", "en-us", "-s", "150", "-w", answer, "three").CombinedOutput(); err != nil {
		t.Fatalf("espeak-ng: %v: %s", err, out)
	}
	base, err := os.ReadFile("../../perception/scenario/builtin/pain-episode.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(base), "name: pain-episode", "name: asked", 1) +
		"answers:\n  - {question: rating, audio: three.wav}\n"
	scen := filepath.Join(dir, "asked.yaml")
	if err := os.WriteFile(scen, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	jpath := filepath.Join(dir, "j.db")
	code, _, stderr := runKindred(t, "run", "--scenario", scen, "--speed", "20", "--console", "off", "--journal", jpath)
	if code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr)
	}
	_, list, _ := runKindred(t, "sessions", "list", "--journal", jpath)
	lines := strings.Split(strings.TrimSpace(list), "\n")
	if len(lines) != 2 {
		t.Fatalf("sessions: %q, want one", list)
	}
	session := strings.Fields(lines[1])[0]
	_, rows, _ := runKindred(t, "sessions", "export", "--journal", jpath, "--session", session, "--format", "jsonl")
	var asked, rated bool
	var says []string
	for _, line := range strings.Split(strings.TrimSpace(rows), "\n") {
		var ev struct {
			Type     string   `json:"type"`
			Question string   `json:"question"`
			Outcome  string   `json:"outcome"`
			Rating   *int     `json:"rating"`
			Heard    string   `json:"heard"`
			Says     *int     `json:"says"`
			Looks    *float64 `json:"looks"`
			Score    float64  `json:"score"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		switch {
		case ev.Type == "self_report" && ev.Question == "rating" && ev.Outcome == "asked":
			asked = true
		case ev.Type == "self_report" && ev.Outcome == "answered":
			if ev.Rating == nil || *ev.Rating != 3 || ev.Heard != "three" {
				t.Errorf("answer recorded as %s", line)
			}
			rated = true
		case ev.Type == "assessment" && ev.Says != nil:
			if *ev.Says != 3 || ev.Looks == nil || ev.Score < min(3, *ev.Looks) {
				t.Errorf("assessment %s: want says 3 beside looks, the score the higher", line)
			}
			says = append(says, line)
		}
	}
	if !asked || !rated {
		t.Fatalf("asked %v, answered %v: want the rating question asked and answered\n%s", asked, rated, stderr)
	}
	if len(says) == 0 {
		t.Errorf("no assessment shows the rating beside what is seen")
	}
}
