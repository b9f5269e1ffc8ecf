package yamnet

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/kindred-hri/kindred/perception/soundevents"
)

// synthetic is the snapshot signal (scripts/yamnet_reference.py makes the
// same): 1 s of a 220 Hz tone with five harmonics, then 1 s of LCG noise.
func synthetic() []float32 {
	out := make([]float32, 2*soundevents.Rate)
	x := uint64(12345)
	for i := range out {
		var v float64
		if i < soundevents.Rate {
			t := float64(i) / soundevents.Rate
			for k := 1; k <= 5; k++ {
				v += 0.3 / float64(k) * math.Sin(2*math.Pi*220*float64(k)*t)
			}
		} else {
			x = (x*1103515245 + 12345) % (1 << 31)
			v = (float64(x)/(1<<31) - 0.5) * 0.2
		}
		out[i] = float32(v)
	}
	return out
}

// The scores of Debian's python3-opencv running the same model on the same
// windows (testdata/synthetic_scores.json, from
// `/usr/bin/python3 scripts/yamnet_reference.py --synthetic`) are a
// regression snapshot: framing, padding or input layout gone wrong moves
// them far beyond the tolerance.
func TestScoresMatchPythonSnapshot(t *testing.T) {
	raw, err := os.ReadFile("testdata/synthetic_scores.json")
	if err != nil {
		t.Fatal(err)
	}
	var want [][]float64
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	net, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	ws, err := soundevents.ScoreAll(context.Background(), net, synthetic())()
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != len(want) {
		t.Fatalf("%d windows, snapshot has %d", len(ws), len(want))
	}
	var worst float64
	for i, w := range ws {
		for c, v := range w.Scores {
			worst = max(worst, math.Abs(float64(v)-want[i][c]))
		}
	}
	t.Logf("largest difference from the python3-opencv snapshot: %.2g", worst)
	if worst > 1e-4 {
		t.Errorf("largest difference from the snapshot %.2g, want at most 1e-4", worst)
	}
}

func TestScoreRejectsAndCloses(t *testing.T) {
	net, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Score(make([]float32, 100)); err == nil {
		t.Error("a short window was scored")
	}
	if err := net.Close(); err != nil {
		t.Fatal(err)
	}
	if err := net.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := net.Score(make([]float32, soundevents.WindowSamples)); err != ErrClosed {
		t.Errorf("Score after Close: %v, want ErrClosed", err)
	}
}
