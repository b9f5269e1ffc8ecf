package mimicry

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// How often HeadAnswers reads a yes where nobody nodded, within one 8 s
// answer window (self_report.window) at 30 poses a second: a head that
// rocks in pitch (pain's rocking, as the scenarios script it), plus
// frame-to-frame pose jitter in pitch and yaw, 20 seeds each. Synthetic
// poses only: the jitter of a real landmark fit is not measured here.
// Opt-in, as it prints figures rather than holds a bound:
//
//	KINDRED_NOD_MEASURE=1 go test ./mimicry -run NodFalseYesMeasured -v -count=1
func TestNodFalseYesMeasured(t *testing.T) {
	if os.Getenv("KINDRED_NOD_MEASURE") == "" {
		t.Skip("set KINDRED_NOD_MEASURE=1 to measure")
	}
	const seeds = 20
	for _, tc := range []struct {
		name   string
		amp    float64       // pitch rocking, degrees
		period time.Duration // of the rocking
		jitter float64       // SD of per-pose noise, degrees
	}{
		{"still, jitter 0.45°", 0, time.Second, 0.45},
		{"still, jitter 1.5°", 0, time.Second, 1.5},
		{"rocking ±2° every 3 s", 2, 3 * time.Second, 0.45},
		{"rocking ±2° every 2 s", 2, 2 * time.Second, 0.45},
		{"rocking ±4° every 2 s", 4, 2 * time.Second, 0.45},
		{"rocking ±4° every 3 s", 4, 3 * time.Second, 0.45},
	} {
		yes := 0
		for seed := range seeds {
			rng := rand.New(rand.NewPCG(uint64(seed), 1))
			var h HeadAnswers
			got := selfreport.NoAnswer
			for at := time.Duration(0); at < 8*time.Second && got == selfreport.NoAnswer; at += 33 * time.Millisecond {
				pitch := tc.amp*math.Sin(2*math.Pi*float64(at)/float64(tc.period)) + tc.jitter*rng.NormFloat64()
				yaw := tc.jitter * rng.NormFloat64()
				got = h.Observe(at, 1, perception.HeadPose{Pitch: perception.Degrees(pitch), Yaw: perception.Degrees(yaw)})
			}
			if got == selfreport.Yes {
				yes++
			}
		}
		t.Logf("%-24s false yes in %2d of %d windows", tc.name, yes, seeds)
	}
}

// How often HeadAnswers reads true nods, and how often it read them when
// one swing and its return was enough: 20 seeds of each nod with 0.45° (as
// measured on real faces, and a little more) and 1.5° of pose jitter in
// pitch and yaw, 30 poses a second. Opt-in, beside the
// false-yes figures above:
//
//	KINDRED_NOD_MEASURE=1 go test ./mimicry -run NodRecallMeasured -v -count=1
func TestNodRecallMeasured(t *testing.T) {
	if os.Getenv("KINDRED_NOD_MEASURE") == "" {
		t.Skip("set KINDRED_NOD_MEASURE=1 to measure")
	}
	read := func(single bool, jitter float64, n int, period time.Duration, depth float64) (yes int) {
		for seed := range 20 {
			rng := rand.New(rand.NewPCG(uint64(seed), 3))
			h := HeadAnswers{single: single}
			got := selfreport.NoAnswer
			for at := time.Duration(0); at < 6*time.Second && got == selfreport.NoAnswer; at += 33 * time.Millisecond {
				pitch := nodding(at, time.Second, period, n, depth) + perception.Degrees(jitter*rng.NormFloat64())
				got = h.Observe(at, 1, perception.HeadPose{Pitch: pitch, Yaw: perception.Degrees(jitter * rng.NormFloat64())})
			}
			if got == selfreport.Yes {
				yes++
			}
		}
		return yes
	}
	for _, jitter := range []float64{0.45, 1.5} {
		for _, n := range []int{1, 2, 3} {
			for _, period := range []time.Duration{300 * time.Millisecond, 600 * time.Millisecond, time.Second, 1300 * time.Millisecond} {
				line := ""
				for _, depth := range []float64{5, 10, 15} {
					line += fmt.Sprintf("  %2.0f° %2d (was %2d)", depth, read(false, jitter, n, period, depth), read(true, jitter, n, period, depth))
				}
				t.Logf("jitter %.2f°, %d cycle(s) of %-6v yes in 20:%s", jitter, n, period, line)
			}
		}
	}
}
