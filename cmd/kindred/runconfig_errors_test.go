package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception/face"
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

// sense_stall is how long a live camera or microphone may be silent before
// it is lost: 10 s unless set, within [1s, 10m]; anything else is bad input,
// exit 2 with one line naming the file and the key.
func TestConfigSenseStall(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		yaml string
		want time.Duration // 0: refused
	}{
		{"sense_stall: 30s\n", 30 * time.Second},
		{"sense_stall: 1s\n", time.Second},
		{"sense_stall: 10m\n", 10 * time.Minute},
		{"sense_stall: 0s\n", 0},
		{"sense_stall: -5s\n", 0},
		{"sense_stall: 500ms\n", 0},
		{"sense_stall: 11m\n", 0},
		{"sense_stall: soon\n", 0},
	} {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadRunConfig(path)
		if (err == nil) != (tc.want != 0) || (err == nil && c.SenseStall != tc.want) {
			t.Errorf("%q: stall %v, %v; want %v", tc.yaml, c.SenseStall, err, tc.want)
		}
		if tc.want != 0 {
			continue
		}
		code, _, stderr := runKindred(t, "run", "--config", path, "--console", "off", "--journal", "off")
		if lines := strings.Split(strings.TrimSpace(stderr), "\n"); code != 2 || len(lines) != 1 ||
			!strings.Contains(lines[0], path) || !strings.Contains(lines[0], "sense_stall") {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and one line naming the file and sense_stall", tc.yaml, code, stderr)
		}
	}
	if c, _ := loadRunConfig(""); c.SenseStall != companion.DefaultSenseStall {
		t.Errorf("default stall %v, want %v", c.SenseStall, companion.DefaultSenseStall)
	}
}

// face_mesh_rate bounds the face mesh's passes a second in a live run: 30
// unless set, 0 (every frame) or within [2, 1000]; anything else is bad
// input naming the key.
func TestConfigFaceMeshRate(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		yaml string
		want float64
		ok   bool
	}{
		{"face_mesh_rate: 15\n", 15, true},
		{"face_mesh_rate: 0\n", 0, true},
		{"face_mesh_rate: 1\n", 0, false},
		{"face_mesh_rate: -30\n", 0, false},
		{"face_mesh_rate: .nan\n", 0, false},
		{"face_mesh_rate: 5000\n", 0, false},
	} {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadRunConfig(path)
		if (err == nil) != tc.ok || (tc.ok && c.FaceMeshRate != tc.want) {
			t.Errorf("%q: rate %v, %v; want %v (ok %v)", tc.yaml, c.FaceMeshRate, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "face_mesh_rate") {
			t.Errorf("%q: %v does not name face_mesh_rate", tc.yaml, err)
		}
	}
	if c, _ := loadRunConfig(""); c.FaceMeshRate != devices.DefaultLiveMeshRate {
		t.Errorf("default rate %v, want %v", c.FaceMeshRate, devices.DefaultLiveMeshRate)
	}
}

// face_turned_every sets how often a live run scans turned copies of a
// frame with no face (a person lying in bed): 2 unless set, 0 (never) or
// within [1, 8]; anything else is bad input naming the key.
func TestConfigFaceTurnedEvery(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		yaml string
		want int
		ok   bool
	}{
		{"face_turned_every: 1\n", 1, true},
		{"face_turned_every: 0\n", 0, true},
		{"face_turned_every: 8\n", 8, true},
		{"face_turned_every: 9\n", 0, false},
		{"face_turned_every: -1\n", 0, false},
		{"face_turned_every: often\n", 0, false},
	} {
		path := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(path, []byte(tc.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := loadRunConfig(path)
		if (err == nil) != tc.ok || (tc.ok && c.FaceTurnedEvery != tc.want) {
			t.Errorf("%q: %v, %v; want %v (ok %v)", tc.yaml, c.FaceTurnedEvery, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "face_turned_every") {
			t.Errorf("%q: %v does not name face_turned_every", tc.yaml, err)
		}
	}
	if c, _ := loadRunConfig(""); c.FaceTurnedEvery != face.DefaultTurnedEvery {
		t.Errorf("default %v, want %v", c.FaceTurnedEvery, face.DefaultTurnedEvery)
	}
}
