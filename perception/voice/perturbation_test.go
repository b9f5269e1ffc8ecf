package voice

import (
	"math"
	"testing"
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
