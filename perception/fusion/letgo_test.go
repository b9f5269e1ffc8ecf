package fusion

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// Fusion lets go: once every pain cue stops (face calm, voice back to
// speech, movement and breathing settled, at once), the score is mild
// within a few seconds and none soon after. A wrong band held for 10 s is
// what this guards against.
func TestScoreLetsGoWhenPainStops(t *testing.T) {
	s, err := scenario.Parse("let-go", []byte(`
person: {id: ada, name: Ada}
phases:
  - name: calm
    duration: 10s
    face: {expression: neutral}
    voice: {class: speech, f0: 190, intensity: 57, distress: 0.05, on: 2500ms, off: 2s}
    posture: {amplitude: 0.2, speed: 0.2, jerk: 0.1, restlessness: 0.1, breathing: 14}
  - name: pain
    duration: 30s
    ramp: 2s
    face:
      expression: pain
      au: {AU04: 3.5, AU06: 2.5, AU07: 3, AU09: 1.5, AU10: 2.5, AU43: 1, AU25: 1}
    voice: {class: moan, f0: 150, intensity: 64, hnr: 8, distress: 0.8, on: 2s, off: 1500ms}
    posture: {amplitude: 0.45, speed: 0.35, jerk: 0.6, rocking: 0.7, restlessness: 0.6, guarding: 0.6, breathing: 26}
  - name: stopped
    duration: 40s
    face: {expression: neutral}
    voice: {class: speech, f0: 190, intensity: 57, distress: 0.05, on: 2500ms, off: 2s}
    posture: {amplitude: 0.2, speed: 0.2, jerk: 0.1, restlessness: 0.1, breathing: 14}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := play(t, s, 80*time.Second, false, nil)
	const stop = 40 * time.Second
	if peak := r.at(stop - time.Second); peak.Band != perception.BandSevere && peak.Band != perception.BandModerate {
		t.Fatalf("before the stop: %.1f (%s); the test needs real pain to let go of", peak.Score, peak.Band)
	}
	first := func(below float64) time.Duration {
		for _, a := range r.assessments {
			if a.At >= stop && a.Score < below {
				return a.At - stop
			}
		}
		return -1
	}
	mild, none := first(4), first(1)
	t.Logf("after the pain stopped: mild or less in %v, none in %v", mild, none)
	if mild < 0 || mild > 5*time.Second {
		t.Errorf("score took %v to fall below moderate, want at most 5 s", mild)
	}
	if none < 0 || none > 15*time.Second {
		t.Errorf("score took %v to fall to none, want at most 15 s", none)
	}
	for _, a := range r.assessments {
		if a.At >= stop+10*time.Second && a.Band != perception.BandNone && a.Band != perception.BandMild {
			t.Fatalf("%v after the pain stopped the band is still %s (%.1f)", a.At-stop, a.Band, a.Score)
		}
	}
}
