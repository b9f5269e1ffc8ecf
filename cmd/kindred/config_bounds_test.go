package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
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

// The README's table of the alerting keys gives each key's default and
// range as the code has them.
func TestREADMEListsAlertingRanges(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	short := func(d time.Duration) string { // 1m0s reads 1m
		s := d.String()
		if strings.HasSuffix(s, "m0s") {
			s = strings.TrimSuffix(s, "0s")
		}
		return s
	}
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	c := behavior.DefaultConfig()
	p, a := c.Pain, c.Alert
	for _, row := range [][3]string{
		{"pain.min_confidence", num(p.MinConfidence), "0 to " + num(behavior.MaxMinConfidence)},
		{"pain.smoothing", short(p.Smoothing), "over 0 to " + short(behavior.MaxSmoothing)},
		{"pain.stale_after", short(p.StaleAfter), short(behavior.MinStaleAfter) + " to " + short(behavior.MaxStaleAfter)},
		{"pain.concern", num(p.Concern), "over 0 to " + num(behavior.MaxConcern)},
		{"pain.severe", num(p.Severe), "over 0 to " + num(behavior.MaxSevere)},
		{"pain.concern_dwell", short(p.ConcernDwell), "0 to " + short(behavior.MaxConcernDwell)},
		{"pain.comfort_dwell", short(p.ComfortDwell), "0 to " + short(behavior.MaxComfortDwell)},
		{"pain.persist_for", short(p.PersistFor), "`comfort_dwell` to " + short(behavior.MaxPersistFor)},
		{"pain.severe_dwell", short(p.SevereDwell), "0 to " + short(behavior.MaxSevereDwell)},
		{"pain.ease_dwell", short(p.EaseDwell), "0 to " + short(behavior.MaxEaseDwell)},
		{"presence.arrive_after", short(c.Presence.ArriveAfter), "0 to " + short(behavior.MaxArriveAfter)},
		{"presence.leave_after", short(c.Presence.LeaveAfter), short(behavior.MinLeaveAfter) + " to " + short(behavior.MaxLeaveAfter)},
		{"alert.relief_timeout", short(a.ReliefTimeout), "over 0 to " + short(behavior.MaxReliefTimeout)},
		{"alert.cooldown", short(a.Cooldown), short(behavior.MinCooldown) + " to " + short(behavior.MaxCooldown)},
		{"alert.corroborate", short(a.Corroborate), "over 0 to " + short(behavior.MaxCorroborate)},
		{"alert.sense_lost", short(a.SenseLost), "over 0 to " + short(behavior.MaxSenseLost)},
		{"alert.unseen_after", short(a.UnseenAfter), short(behavior.MinUnseenAfter) + " to " + short(behavior.MaxUnseenAfter)},
		{"alert.words", "`[" + strings.Join(a.Words, ", ") + "]`", "at least one word"},
	} {
		want := fmt.Sprintf("| `%s` | %s | %s |", row[0], row[1], row[2])
		if !strings.Contains(string(readme), want) {
			t.Errorf("README has no row %q", want)
		}
	}
}
