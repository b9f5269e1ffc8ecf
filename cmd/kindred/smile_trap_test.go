package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The smile trap on real video: a person's broad grin must not be read as
// pain. On the dev set's posed grin (liveportrait d0, 0.45-2.45 s,
// labelled smiling) the fused score stays under 1 (0.00 measured) and at
// least 80 % of its frames read happy (43 of 50). It guards analyze's
// robust neutral: the grin fills 64 % of the clip, and with the plain
// median of all frames as the neutral the grin became "neutral" (0 of 50
// frames happy) and this test failed. Since AU10 counts only the upper
// lip's centre raised beyond the corners (FACS: not when due to AU12), the
// grin's mean PSPI is 1.8 (4.9 before), so the fused bound here no longer
// exercises fusion's smile gate; analysis's TestStillIsHeldBeforeTheRobot does, on
// the dev set's smiling portraits (PSPI above 5).
func TestAnalyzeGrinOnRealVideoIsNotPain(t *testing.T) {
	video := filepath.Join(devsetDir, "faces", "liveportrait__d0.mp4")
	if _, err := os.Stat(devsetDir); err != nil {
		t.Skipf("dev set absent (%v)", err)
	}
	out := filepath.Join(t.TempDir(), "d0.csv")
	if code, _, stderr := runKindred(t, "analyze", "--video", video, "--out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %d rows, %v", len(rows), err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var frames, happy int
	var maxScore, sumPSPI float64
	for _, r := range rows[1:] {
		at, _ := strconv.ParseFloat(r[col["time_s"]], 64)
		if at < 0.45 || at > 2.45 || r[col["pain_score"]] == "" || r[col["pspi"]] == "" {
			continue
		}
		frames++
		s, _ := strconv.ParseFloat(r[col["pain_score"]], 64)
		p, _ := strconv.ParseFloat(r[col["pspi"]], 64)
		maxScore, sumPSPI = max(maxScore, s), sumPSPI+p
		if r[col["expression"]] == "happy" {
			happy++
		}
	}
	if frames < 30 {
		t.Fatalf("%d frames with a face in the grin", frames)
	}
	t.Logf("grin: %d frames, %d read happy, mean PSPI %.1f, max fused score %.2f", frames, happy, sumPSPI/float64(frames), maxScore)
	if maxScore >= 1 {
		t.Errorf("a grin was fused to %.2f, want under 1 (none)", maxScore)
	}
	if happy*10 < frames*8 {
		t.Errorf("%d of %d grin frames read happy, want at least 80 %% (was the grin learnt as neutral?)", happy, frames)
	}
}
