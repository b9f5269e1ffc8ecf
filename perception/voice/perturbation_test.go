package voice

import (
	"math"
	"testing"
	"time"
)

// TestPulsesKeepFractionalPeriods checks that the pulse walk does not round
// periods to whole samples: a 330 Hz tone has 48.48-sample periods.
func TestPulsesKeepFractionalPeriods(t *testing.T) {
	x := tone(330, 1, 0.3)
	res := analyse(t, x)
	ps := Pulses(x, res.Hops)
	if len(ps) < 100 {
		t.Fatalf("%d pulses in 1 s of 330 Hz", len(ps))
	}
	period := (ps[len(ps)-1] - ps[0]) / float64(len(ps)-1)
	if want := Rate / 330.0; math.Abs(period-want) > 0.02 {
		t.Errorf("mean period %.3f samples, want %.3f", period, want)
	}
}

// f0At by bisection finds the hop a scan of every hop finds, ties and ends
// included.
func TestF0AtMatchesAScan(t *testing.T) {
	scan := func(hops []HopFeatures, t float64) float64 {
		best, bestD := 0.0, math.Inf(1)
		for _, h := range hops {
			if d := math.Abs(h.At.Seconds()*Rate - t); d < bestD {
				best, bestD = h.F0, d
			}
		}
		return best
	}
	hops := make([]HopFeatures, 300)
	for i := range hops {
		hops[i] = HopFeatures{At: 7*time.Millisecond + time.Duration(i)*10*time.Millisecond, F0: 100 + float64(i)}
	}
	for _, n := range []int{0, 1, 2, 300} {
		for pos := -500.0; pos < 50000; pos += 0.5 { // every half sample: ties fall on hop midpoints
			if got, want := f0At(hops[:n], pos), scan(hops[:n], pos); got != want {
				t.Fatalf("%d hops, position %.1f: %v, scan finds %v", n, pos, got, want)
			}
		}
	}
}
