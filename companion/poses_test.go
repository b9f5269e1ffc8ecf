package companion

import (
	"testing"
	"time"
)

// The journal keeps the same poses of a run at any speed: the body writes
// every 20 ms of session time (every 40 ms above --speed 20, where the
// limiter's tick is held at 1 ms of wall time), and the journal's 5 Hz of
// session time is what survives its own downsampling.
func TestPoseSamplerKeepsTheJournalsRateAtAnySpeed(t *testing.T) {
	const journalEvery = 200 * time.Millisecond
	for _, speed := range []float64{1, 4, 20, 40, 100} {
		p := PoseSampler{WallEvery: 50 * time.Millisecond, SessionEvery: journalEvery}
		step := 20 * time.Millisecond
		if speed > 20 {
			step = time.Duration(float64(time.Millisecond) * speed)
		}
		origin := time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
		kept, last, any := 0, time.Duration(0), false
		for at := time.Duration(0); at < 10*time.Second; at += step {
			wall := origin.Add(time.Duration(float64(at) / speed))
			if !p.Take(wall, at) {
				continue
			}
			if !any || at-last >= journalEvery { // the journal writer's downsampling
				kept, last, any = kept+1, at, true
			}
		}
		if kept != 50 {
			t.Errorf("speed %g: the journal kept %d poses of 10 s, want 50 (one every 200 ms)", speed, kept)
		}
	}
}
