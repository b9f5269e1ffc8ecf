package voice

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

func TestPacedRunsAtSpeed(t *testing.T) {
	for _, speed := range []float64{1, 20} {
		synctest.Test(t, func(t *testing.T) {
			clock, err := sessiontime.New(speed)
			if err != nil {
				t.Fatal(err)
			}
			src := NewPaced(NewSliceSource(tone(200, 2, 0.2)), clock)
			a, _ := NewAnalyzer(DefaultOpts())
			start := time.Now()
			var hops int
			if err := a.Run(t.Context(), src, func(perception.VoiceObs) { hops++ }, nil); err != nil {
				t.Fatal(err)
			}
			// The stream ends when its 2 s of audio have played out.
			want := time.Duration(float64(2*time.Second) / speed)
			if got := time.Since(start); got != want {
				t.Errorf("speed %g: took %v, want %v", speed, got, want)
			}
			if hops != 200 {
				t.Errorf("speed %g: %d hops", speed, hops)
			}
		})
	}
}
