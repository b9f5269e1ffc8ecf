package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoadRunConfig: whatever a --config file holds, loadRunConfig returns
// a configuration that validates or a bad-input error (exit 2) of one line
// naming the file, never a panic.
func FuzzLoadRunConfig(f *testing.F) {
	for _, s := range []string{
		"", "robot:\n  name: kiri\n  profile: sim\nspeed: 20\nconsole: off\njournal: off\n",
		"robot:\n  name: kiri\nlang: de\npersona: calm\nscenario: visit\nretain_days: 30\nmqtt: tcp://127.0.0.1:1883\n",
		"behavior:\n  seed: 7\n", "speed: -1\n", "speed: .nan\n", "robot: [1, 2]\n", "speeed: 3\n",
		"retain_days: 99999999999999999999\n", "robot:\n  name: \"\"\n", "{{{", "- a\n- b\n", "a: &x [*x]\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "config.yaml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadRunConfig(path)
		if err != nil {
			var ue *usageError
			if !errors.As(err, &ue) {
				t.Fatalf("not a bad-input error: %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, path) || strings.Contains(msg, "\n") {
				t.Fatalf("want one line naming the file, got %q", msg)
			}
			return
		}
		if err := c.validate(); err != nil {
			t.Fatalf("loaded a configuration that does not validate: %v", err)
		}
	})
}
