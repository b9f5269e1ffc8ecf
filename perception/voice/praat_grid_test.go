package voice

import (
	"math"
	"testing"
)

// TestPraatPhase checks that AnalyzeSamples' hops fall on the frame times
// Praat's To Pitch uses: as many 40 ms frames as fit, centred in the file.
func TestPraatPhase(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		want    int     // samples skipped
		firstAt float64 // s, centre of Praat's first frame
	}{
		{"LibriVox 0890, 5.3 s", 84800, 80, 0.020},
		{"alsa Front_Center, 1.428 s", 22848, 144, 0.024},
		{"1.005 s: frames start at 22.5 ms", 16080, 120, 0.0225},
		{"shorter than a window", 300, 0, 0},
	}
	for _, c := range cases {
		got := praatPhase(c.n, 75)
		if got != c.want {
			t.Errorf("%s: skip %d samples, want %d", c.name, got, c.want)
		}
		if c.firstAt == 0 {
			continue
		}
		// Hop centres skip+80+160k must include Praat's first frame.
		centre := c.firstAt * Rate
		if k := (centre - float64(got) - HopSamples/2) / HopSamples; math.Abs(k-math.Round(k)) > 0.51/HopSamples {
			t.Errorf("%s: hops centred at %d+160k miss Praat's frame at %.4f s", c.name, got+HopSamples/2, c.firstAt)
		}
	}
}
