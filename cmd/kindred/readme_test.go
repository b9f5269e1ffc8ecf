package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The configuration shown in the README loads as it is written, so a user
// who copies it gets what it says.
func TestREADMEConfigLoads(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\n")
	if !ok {
		t.Fatal("README has no yaml example")
	}
	body, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README's yaml example is not closed")
	}
	path := filepath.Join(t.TempDir(), "session.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadRunConfig(path)
	if err != nil {
		t.Fatalf("README config: %v", err)
	}
	if cfg.Behavior.Seed != 42 || cfg.Behavior.Condition.Delay.Milliseconds() != 600 || cfg.Lang != "de" {
		t.Errorf("README config read as %+v", cfg)
	}
}
