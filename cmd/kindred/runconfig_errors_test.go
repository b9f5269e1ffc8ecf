package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/companion"
)

// A config mistake is told as file, line, field and what was expected;
// never in the decoder's Go type names.
func TestConfigErrorsNameFileLineAndField(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ yaml, want string }{
		{"robot:\n  nmae: kiri\n", "line 2: nmae: unknown field"},
		{"speed: fast\n", `line 1: speed: "fast" is not a number`},
		{"behavior:\n  pain:\n    concern: high\n", `line 3: concern: "high" is not a number`},
		{"behavior:\n  alert:\n    cooldown: 5\n", `line 3: cooldown: "5" is not a duration`},
	} {
		path := filepath.Join(dir, "robot.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := loadRunConfig(path)
		if err == nil {
			t.Errorf("%q loaded", tc.yaml)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: %s\nwant the file and %q", tc.yaml, msg, tc.want)
		}
		for _, leak := range []string{"float64", "time.Duration", "struct {", "!!", "unmarshal"} {
			if strings.Contains(msg, leak) {
				t.Errorf("%q: %q leaks %q", tc.yaml, msg, leak)
			}
		}
	}
}

func TestConfigReturnGap(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		yaml string
		ok   bool
	}{
		{"return_gap: 3s\n", true},
		{"return_gap: 20m\n", false},
		{"return_gap: -1s\n", false},
	} {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadRunConfig(path)
		if (err == nil) != tc.ok {
			t.Errorf("%q: %v", tc.yaml, err)
		}
		if tc.ok && c.ReturnGap.Seconds() != 3 {
			t.Errorf("%q: gap %v", tc.yaml, c.ReturnGap)
		}
	}
	if c, _ := loadRunConfig(""); c.ReturnGap != companion.DefaultReturnGap {
		t.Errorf("default gap %v, want %v", c.ReturnGap, companion.DefaultReturnGap)
	}
}
