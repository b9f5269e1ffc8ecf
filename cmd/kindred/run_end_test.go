package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A run says at its end which session it was and whether a carer was
// alerted; `sessions list` then shows the session time it covered (60 s at
// 40x speed is a minute of session, not the 1.5 s it took), and the summary
// is readable by its user alone.
func TestRunEndsWithOneLineAndListsSessionTime(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	jpath, summary := filepath.Join(dir, "j.db"), filepath.Join(dir, "s.json")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--for", "60s",
		"--console", "off", "--journal", jpath, "--summary", summary)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^kindred: run ended, session (\S+) \((\S+) of session time\); (no alerts|1 alert|\d+ alerts) went out; summary in (.+)$`).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q", last)
	}
	if m[4] != summary {
		t.Errorf("summary path %q, want %q", m[4], summary)
	}
	var s struct{ Alerts int }
	data, err := os.ReadFile(summary)
	if err != nil || json.Unmarshal(data, &s) != nil {
		t.Fatalf("summary: %v", err)
	}
	if want := map[bool]string{true: "no alerts", false: "alert"}[s.Alerts == 0]; !strings.Contains(m[3], want) {
		t.Errorf("last line says %q, summary counts %d alerts", m[3], s.Alerts)
	}
	if st, err := os.Stat(summary); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("summary mode %v, %v; want 0600", st.Mode().Perm(), err)
	}

	code, out, stderr := runKindred(t, "sessions", "list", "--journal", jpath)
	if code != 0 {
		t.Fatalf("sessions list: exit %d: %s", code, stderr)
	}
	row := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, m[1]) {
			row = l
		}
	}
	// The column is session time, the time of the last record, not wall
	// time (2 s here). The run's records reach the minute (a shorter time
	// would mean records lost at the end), and the pose samples the
	// session clock stamps while the run stops go a little past it: how
	// far is the machine's speed, not correctness, since every wall
	// millisecond of stopping is 40 of session. Measured at 40x: 60.1 to
	// 61.3 s beside 4 busy loops, 60.5 to 62.3 s beside 12, shown as 1m2s
	// in 4 runs of 6, which the old bound of 59s to 1m1s failed. Up to
	// 70 s is still a minute of session and nowhere near the wall time.
	if !strings.Contains(out, "SESSION TIME") {
		t.Fatalf("sessions list has no SESSION TIME column:\n%s", out)
	}
	if st, ok := sessionTimeColumn(row); !ok || st < 59*time.Second || st > 70*time.Second {
		t.Errorf("sessions list shows %v (%v), not about a minute of session time:\n%s", st, ok, out)
	}
}

// sessionTimeColumn is the first duration in a `sessions list` row, which
// is its SESSION TIME (WALL follows it).
func sessionTimeColumn(row string) (time.Duration, bool) {
	for _, f := range strings.Fields(row) {
		if !regexp.MustCompile(`^(\d+m)?\d+s$`).MatchString(f) {
			continue
		}
		d, err := time.ParseDuration(f)
		return d, err == nil
	}
	return 0, false
}
