package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/bench"

	"github.com/kindred-hri/kindred/analysis"

	"github.com/kindred-hri/kindred/internal/staged"
)

// batchFolder is a lab's folder: two real recordings (the same clip under
// two names), a file that only looks like a video, and a note.
func batchFolder(t *testing.T) string {
	t.Helper()
	clip, err := os.ReadFile(filepath.Join(bench.VideoDir, "Megamind.avi"))
	if err != nil {
		t.Skipf("Megamind.avi missing (apt-get install opencv-doc): %v", err)
	}
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"a.avi":      clip,
		"b.avi":      clip,
		"broken.avi": []byte("not a video at all\n"),
		"notes.txt":  []byte("session notes\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestAnalyzeBatchFolderGoesOnPastAFailure(t *testing.T) {
	needModel(t)
	dir := batchFolder(t)
	out := filepath.Join(t.TempDir(), "results")
	code, stdout, stderr := analyze(t, "--video", dir, "--out-dir", out, "--jobs", "2")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one recording failed): %s", code, stderr)
	}
	if !strings.Contains(stderr, "broken.avi: failed:") {
		t.Errorf("stderr %q: want broken.avi reported as failed", stderr)
	}
	if strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "analysed 2 of 3 recordings") ||
		!strings.Contains(stdout, "1 failed") || !strings.Contains(stdout, "1 other files skipped") {
		t.Errorf("tally %q: want one line, 2 of 3 analysed, 1 failed, 1 skipped", stdout)
	}
	if got, want := listDir(t, out), []string{"a.csv", "a.summary.json", "b.csv", "b.summary.json"}; !slices.Equal(got, want) {
		t.Fatalf("out-dir holds %v, want %v (nothing for the broken file, no temporary files)", got, want)
	}
	a, err := os.ReadFile(filepath.Join(out, "a.csv"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "b.csv"))
	if err != nil {
		t.Fatal(err)
	}
	// The same clip analysed at the same time by two jobs: nothing shared.
	if !bytes.Equal(a, b) {
		t.Errorf("a.csv and b.csv differ for the same clip analysed by two jobs")
	}
	lines := strings.Split(strings.TrimSpace(string(a)), "\n")
	if lines[0] != analysis.FrameCSVHeader {
		t.Errorf("header %q, want the contract's", lines[0])
	}
	var sum struct {
		Video struct {
			File           string `json:"file"`
			Frames         int    `json:"frames"`
			FramesWithFace int    `json:"frames_with_face"`
		} `json:"video"`
	}
	data, err := os.ReadFile(filepath.Join(out, "a.summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &sum); err != nil {
		t.Fatalf("a.summary.json: %v", err)
	}
	if sum.Video.File != filepath.Join(dir, "a.avi") || sum.Video.Frames != len(lines)-1 || sum.Video.FramesWithFace == 0 {
		t.Errorf("summary %+v: want a.avi, one frame per CSV row (%d), faces found", sum.Video, len(lines)-1)
	}
	for _, name := range listDir(t, out) {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Mode().Perm() != staged.Mode {
			t.Errorf("%s: mode %v (%v), want %v", name, st.Mode().Perm(), err, os.FileMode(staged.Mode))
		}
	}
}

func TestAnalyzeBatchGlobAllGoodExits0(t *testing.T) {
	needModel(t)
	dir := batchFolder(t)
	out := t.TempDir()
	code, stdout, stderr := analyze(t, "--video", filepath.Join(dir, "a.*"), "--out-dir", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "analysed 1 of 1 recordings") || strings.Contains(stdout, "failed") {
		t.Errorf("tally %q", stdout)
	}
	if got := listDir(t, out); !slices.Equal(got, []string{"a.csv", "a.summary.json"}) {
		t.Errorf("out-dir holds %v", got)
	}
}

func TestAnalyzeBatchBadUsageExits2(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	twins := filepath.Join(dir, "twins")
	for _, d := range []string{empty, filepath.Join(twins, "x"), filepath.Join(twins, "y")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(twins, "x", "s1.avi"), filepath.Join(twins, "y", "s1.avi"), filepath.Join(dir, "file")} {
		if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	cases := []struct {
		args []string
		name string // what the one line must mention
	}{
		{[]string{"--video", twins, "--out-dir", out, "--jobs", "0"}, "--jobs"},
		{[]string{"--out-dir", out}, "--video"},
		{[]string{"--video", twins, "--out-dir", out, "--audio", "a.wav"}, "--audio"},
		{[]string{"--video", twins, "--out-dir", out, "--report", "r.html"}, "--report"},
		{[]string{"--video", empty, "--out-dir", out}, empty},
		{[]string{"--video", filepath.Join(dir, "*.mp4"), "--out-dir", out}, "*.mp4"},
		{[]string{"--video", filepath.Join(twins, "*", "*.avi")}, "--out-dir"},
		{[]string{"--video", filepath.Join(twins, "*", "*.avi"), "--out-dir", out}, "s1.csv"},
		{[]string{"--video", filepath.Join(twins, "x", "*.avi"), "--out-dir", filepath.Join(dir, "file")}, "not a directory"},
	}
	for _, c := range cases {
		code, _, stderr := analyze(t, c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c.args, code, stderr)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.name) {
			t.Errorf("%v: stderr %q, want one line naming %s", c.args, stderr, c.name)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("bad usage created %s", out)
	}
}
