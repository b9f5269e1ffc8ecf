package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// make deps installs everything doctor calls required, so on a machine set up
// by the README those checks pass; the optional ones (camera, speaker,
// microphone) depend on the machine and only have to be reported.
func TestDoctorReportsEveryCheck(t *testing.T) {
	_, out, stderr := runKindred(t, "doctor")
	for _, name := range []string{"opencv", "face model", "speech", "keywords", "answers"} {
		line := lineStarting(out, name)
		if !strings.HasPrefix(line, "ok") {
			t.Errorf("%s: %q, want ok (stderr %s)", name, line, stderr)
		}
	}
	for _, name := range []string{"speaker", "microphone", "camera"} {
		line := lineStarting(out, name)
		if line == "" {
			t.Errorf("no %s line in:\n%s", name, out)
			continue
		}
		if !strings.HasPrefix(line, "ok") && !strings.Contains(out, "fix:") {
			t.Errorf("%s missing without a fix: %s", name, out)
		}
	}
}

func TestDoctorChecksTheProfilesBoard(t *testing.T) {
	code, out, _ := runKindred(t, "doctor", "--robot", "tabletop-pca9685")
	line := lineStarting(out, "servo board")
	if line == "" {
		t.Fatalf("no servo board line:\n%s", out)
	}
	// No I²C bus on a test machine: the board is required, so doctor fails.
	if !strings.HasPrefix(line, "FAIL") || code != 1 {
		t.Errorf("exit %d, line %q; want FAIL and exit 1 without /dev/i2c-1", code, line)
	}
}

func TestDoctorBadProfileExitsTwo(t *testing.T) {
	code, _, stderr := runKindred(t, "doctor", "--robot", "/nonexistent/profile.yaml")
	if code != 2 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// lineStarting returns the report line whose check name is name.
func lineStarting(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && strings.HasPrefix(strings.Join(f[1:], " "), name) {
			return l
		}
	}
	return ""
}

func TestDoctorLiveRequiresTheDevicesAndChecksTheJournal(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_RUNTIME_DIR", "")
	t.Setenv("PULSE_SERVER", "")
	code, out, _ := runKindred(t, "doctor", "--live", "--journal", filepath.Join(dir, "sub", "j.db"))
	if line := lineStarting(out, "journal"); !strings.HasPrefix(line, "ok") {
		t.Errorf("journal in a writable place: %q", line)
	}
	cam := lineStarting(out, "camera")
	if _, err := os.Stat("/dev/video0"); err != nil && (!strings.HasPrefix(cam, "FAIL") || code != 1) {
		t.Errorf("--live without a camera: exit %d, %q; want FAIL and exit 1", code, cam)
	}
	code, out, _ = runKindred(t, "doctor", "--journal", "/proc/nope/j.db")
	if line := lineStarting(out, "journal"); !strings.HasPrefix(line, "FAIL") || code != 1 {
		t.Errorf("journal where none can be made: exit %d, %q", code, line)
	}
}

// doctor --config with a broker says when the broker account
// (KINDRED_MQTT_USER) is not the config's robot name, the set-up whose
// alerts a care home's broker drops unseen; before, it said ok.
func TestDoctorSaysTheBrokerAccountIsNotTheRobotsName(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "c.yaml")
	if err := os.WriteFile(cfg, []byte("robot:\n  name: kindred\nmqtt: tcp://127.0.0.1:1883\njournal: off\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KINDRED_MQTT_USER", "kiri")
	_, out, stderr := runKindred(t, "doctor", "--config", cfg)
	if line := lineStarting(out, "mqtt account"); !strings.HasPrefix(line, "missing") ||
		!strings.Contains(line, `the broker account "kiri" is not the robot's name "kindred"`) {
		t.Errorf("mqtt account: %q, want it missing, naming both (stderr %s)\n%s", line, stderr, out)
	}
}
