package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/calibration"
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
