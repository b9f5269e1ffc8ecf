package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A grimace from the first frame reads pain, on a real face: the dev set's
// posed pain-like grimace (pexels angry.jpg) shown as a 20-image
// recording, every frame the grimace. Analyze finds no calm frame to take
// as the person's neutral (none reads calm against the population), so
// every frame stays pain. (Letting NeutralOf take the least expressive of
// these frames, the population check off, made the grimace the neutral:
// PSPI 0 and "neutral" on every frame, and this test failed.)
func TestAnalyzeGrimaceFromFirstFrameIsPain(t *testing.T) {
	src, err := filepath.Abs(filepath.Join(devsetDir, "faces", "pexels-via-max__angry.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(src); err != nil {
		t.Skipf("dev set absent (%v)", err)
	}
	dir := t.TempDir()
	for i := range 20 {
		if err := os.Symlink(src, filepath.Join(dir, fmt.Sprintf("f%02d.jpg", i))); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "grimace.csv")
	if code, _, stderr := runKindred(t, "analyze", "--video", dir, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 21 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	pain := 0
	for _, r := range rows[1:] {
		if r[col["expression"]] == "pain" {
			pain++
		}
	}
	t.Logf("20 frames of a grimace from the first: %d read pain, PSPI %s", pain, rows[20][col["pspi"]])
	if pain != 20 {
		t.Errorf("%d of 20 grimace frames read pain, want all", pain)
	}
}
