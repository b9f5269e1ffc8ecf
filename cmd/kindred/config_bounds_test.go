package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A config value that would hold alerts back is bad input: kindred run
// stops at start, exit 2, with one line naming the file, the key, the value
// and the range, before any device is opened.
func TestRunRefusesConfigThatWouldSilenceAlerts(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ yaml, want string }{
		{"behavior:\n  pain:\n    smoothing: 1000h\n", "pain.smoothing: 1000h0m0s is outside 0 (exclusive)..30s"},
		{"behavior:\n  pain:\n    severe_dwell: 1000h\n", "pain.severe_dwell: 1000h0m0s is outside 0s..30s"},
		{"behavior:\n  alert:\n    relief_timeout: 1000h\n", "alert.relief_timeout: 1000h0m0s is outside 0 (exclusive)..10m0s"},
		{"behavior:\n  pain:\n    min_confidence: 1\n", "pain.min_confidence: 1 is outside 0..0.4"},
		{"behavior:\n  pain:\n    min_confidence: .nan\n", "pain.min_confidence: NaN is outside 0..0.4"},
		{"behavior:\n  alert:\n    cooldown: 2h\n", "alert.cooldown: 2h0m0s is outside 1m0s..30m0s"},
		{"behavior:\n  alert:\n    words: []\n", "alert.words: needs at least one word"},
	} {
		path := filepath.Join(dir, "session.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		code, stdout, stderr := runKindred(t, "run", "--config", path, "--console", "off", "--journal", "off", "--for", "1s")
		if code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr:\n%s", tc.yaml, code, stderr)
			continue
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], path) || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%q: stderr %q, want one line naming %s and %q", tc.yaml, stderr, path, tc.want)
		}
		if stdout != "" {
			t.Errorf("%q: stdout %q", tc.yaml, stdout)
		}
	}
}
