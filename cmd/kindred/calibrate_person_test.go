package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/journal"
)

func TestCalibratePersonFromScenario(t *testing.T) {
	dir := t.TempDir()
	pained := filepath.Join(dir, "pained.yaml")
	if err := os.WriteFile(pained, []byte("phases:\n  - duration: 30s\n    face: {expression: pain, au: {AU04: 3, AU07: 3}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"calm visit", []string{"--name", "Harold Smith", "--scenario", "visit"}, 0, "saved Harold Smith (harold-smith)", ""},
		{"no name", []string{"--scenario", "visit"}, 2, "", "--name"},
		{"unknown scenario", []string{"--name", "A", "--scenario", "nosuch"}, 2, "", "nosuch"},
		{"two sources", []string{"--name", "A", "--scenario", "visit", "--video", "x.avi"}, 2, "", "only one"},
		{"nothing to observe", []string{"--name", "A"}, 2, "", "say what to observe"},
		{"in pain", []string{"--name", "A", "--scenario", pained}, 2, "", "did not look calm"},
		{"missing audio", []string{"--name", "A", "--audio", filepath.Join(dir, "none.wav")}, 2, "", "none.wav"},
		{"seconds", []string{"--name", "A", "--scenario", "visit", "--seconds", "0.5"}, 2, "", "--seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			args := append([]string{"calibrate", "person", "--dir", dir}, tt.args...)
			code := dispatch(context.Background(), env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, args)
			if code != tt.code || !strings.Contains(out.String(), tt.stdout) || !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errb.String(), tt.code, tt.stdout, tt.stderr)
			}
			if code == 2 && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("bad input should be one line: %q", errb.String())
			}
		})
	}
	p, err := calibration.NewPersonStore(dir).Load("harold-smith")
	if err != nil || p.Source != "scenario visit" || p.Voice.Hops == 0 || p.Face.Frames == 0 {
		t.Errorf("stored profile %+v, %v", p, err)
	}
}

// A stored calibration that cannot be read is a recorded fault, not a
// silent fall back: the run goes on with the population baseline, the status
// line says the calibration is unreadable, and the journal's fault names
// the person and the file.
func TestRunUnreadablePersonCalibrationIsAFault(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	persons := filepath.Join(home, "kindred", "persons")
	if err := os.MkdirAll(persons, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(persons, "ada.yaml")
	if err := os.WriteFile(file, []byte("id: ada\nprofile: {face: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(home, "j.db")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--for", "5s",
		"--console", "off", "--journal", db, "--person", "ada")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "kindred: assuming ada is the person here: population baseline (calibration unreadable") {
		t.Errorf("stderr does not say the calibration is unreadable:\n%s", stderr)
	}
	_, recs := onlySession(t, db)
	var faults []string
	for _, r := range recs {
		if f, ok := r.(journal.Fault); ok && f.Component == "calibration" {
			faults = append(faults, f.Message)
		}
	}
	if len(faults) != 1 || !strings.HasPrefix(faults[0], "person ada: "+file+": ") ||
		!strings.HasSuffix(faults[0], "; the population baseline stands in") {
		t.Errorf("calibration faults %q: want one naming ada, %s and the population baseline", faults, file)
	}
}

// Without a config directory (no $HOME, as under a service manager) no
// person's calibration can be read: the run goes on on the population
// baseline, and says so as a calibration fault rather than passing it over.
func TestRunWithoutAConfigDirectoryIsACalibrationFault(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "")
	t.Setenv("HOME", "")
	db := filepath.Join(t.TempDir(), "j.db")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--for", "5s",
		"--console", "off", "--journal", db)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, recs := onlySession(t, db)
	var faults []string
	for _, r := range recs {
		if f, ok := r.(journal.Fault); ok && f.Component == "calibration" {
			faults = append(faults, f.Message)
		}
	}
	if len(faults) != 1 || !strings.HasPrefix(faults[0], "no config directory for person profiles: ") ||
		!strings.HasSuffix(faults[0], "; the population baseline stands in for everyone") {
		t.Errorf("calibration faults %q: want one saying no calibration can be read", faults)
	}
}
