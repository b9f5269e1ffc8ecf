package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/journal"
)

// A lab's run records what shaped it before its first record: the build,
// the seed, the condition, every config key with the flags over it, and the
// scenario file with its SHA-256; never the residents' ids. Before, the
// journal kept only the condition's name and the seed in the session row,
// which an export does not carry, so an exported run could not be
// reproduced or reported from the export alone.
func TestRunRecordsItsSettingsFirst(t *testing.T) {
	dir := t.TempDir()
	scen, err := os.ReadFile(filepath.Join("..", "..", "testdata", "flicker.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	scenPath := filepath.Join(dir, "flicker.yaml")
	cfg := filepath.Join(dir, "lab.yaml")
	db := filepath.Join(dir, "j.db")
	if err := os.WriteFile(scenPath, scen, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(`robot: {name: pepper-lab-2}
persons: [ada-lovelace]
behavior:
  preset: lab
  seed: 42
  condition: {name: delayed-mirror, mimicry: delayed, delay: 600ms}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := filepath.Join(dir, "s.json")
	code, _, stderr := runKindred(t, "run", "--config", cfg, "--scenario", scenPath, "--for", "2s", "--speed", "20",
		"--console", "off", "--journal", db, "--summary", sum)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	session, recs := onlySession(t, db)
	// The summary names the build and the session whose export holds the rest.
	if s := readSummary(t, sum); s.Session != session.ID || !strings.HasPrefix(s.Version, "kindred ") {
		t.Errorf("summary session %q version %q; want %q and the build", s.Session, s.Version, session.ID)
	}
	got := map[string]journal.Setting{}
	first := true
	for _, r := range recs {
		s, ok := r.(journal.Setting)
		if ok && !first {
			t.Errorf("setting %s after the run's first record", s.Key)
		}
		if !ok {
			first = false
			continue
		}
		got[s.Key] = s
	}
	hash := sha256.Sum256(scen)
	for key, want := range map[string]string{
		"behavior.seed": "42", "behavior.preset": "lab", "behavior.condition.name": "delayed-mirror",
		"behavior.condition.mimicry": "delayed", "behavior.condition.delay": "600ms", "behavior.condition.gain": "0.4",
		"behavior.pain.severe": "7", "speed": "20", "for": "2s", "robot.name": "pepper-lab-2",
		"input.scenario": scenPath, "input.scenario.sha256": hex.EncodeToString(hash[:]),
	} {
		if got[key].Value != want {
			t.Errorf("setting %s = %q, want %q", key, got[key].Value, want)
		}
	}
	if v := got["version"]; !strings.HasPrefix(v.Value, "kindred ") || v.Source != journal.SettingFromBuild {
		t.Errorf("version setting %+v", v)
	}
	for key := range got {
		if strings.HasPrefix(key, "persons") || strings.HasPrefix(key, "primary") {
			t.Errorf("setting %s names a resident", key)
		}
	}
}
