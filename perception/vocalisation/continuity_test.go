package vocalisation

import (
	"math"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception/voice"
)

// pitch makes hops from F0 values, 0 meaning an unvoiced hop.
func pitch(f0 ...float64) []voice.HopFeatures {
	hops := make([]voice.HopFeatures, len(f0))
	for i, f := range f0 {
		hops[i] = voice.HopFeatures{Active: true, Voiced: f > 0, F0: f}
	}
	return hops
}

func TestContinuity(t *testing.T) {
	semitone := math.Pow(2, 1.0/12)
	for _, tc := range []struct {
		name         string
		hops         []voice.HopFeatures
		breaks, runS float64
	}{
		{"steady moan", pitch(200, 200, 201, 200, 199), 0, 0.05},
		// A glide of half a semitone per hop is fast intonation, not a
		// break: a moan's rise or fall stays one run.
		{"glide", pitch(200, 200*math.Sqrt(semitone), 200*semitone, 200*semitone*math.Sqrt(semitone)), 0, 0.04},
		// Two semitones in 10 ms is a break in phonation.
		{"break", pitch(100, 100, 100, 100*semitone*semitone, 100*semitone*semitone), 0.25, 0.03},
		// An unvoiced hop ends a run without counting as a break.
		{"pause", pitch(200, 200, 0, 200, 200, 200), 0, 0.03},
		{"unvoiced", pitch(0, 0, 0), 0, 0},
		{"one voiced hop", pitch(0, 150, 0), 0, 0.01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			breaks, run := continuity(tc.hops)
			if math.Abs(breaks-tc.breaks) > 1e-9 || math.Abs(run-tc.runS) > 1e-9 {
				t.Errorf("continuity = %.3f breaks, %.2f s run; want %.3f, %.2f s", breaks, run, tc.breaks, tc.runS)
			}
		})
	}
}

// The continuity measures are in the shipped feature set (ClipFeatures
// gives them: TestClipFeaturesJudgeTheForeground), and a fit on them
// alone works.
func TestContinuityIsShipped(t *testing.T) {
	samples := []Sample{
		{Features: map[string]float64{featF0Breaks: 0, featStableRun: 0.5}, Label: "moan"},
		{Features: map[string]float64{featF0Breaks: 0.2, featStableRun: 0.1}, Label: "other/throat-clearing"},
	}
	if _, err := Fit(samples, []string{featF0Breaks, featStableRun}, FitOpts{Lambda: 0.01, Iterations: 10, Step: 0.5}); err != nil {
		t.Fatalf("fit on the continuity measures: %v", err)
	}
	for _, f := range []string{featF0Breaks, featStableRun} {
		if !slices.Contains(AllFeatures, f) {
			t.Errorf("%s is not in the shipped feature set", f)
		}
	}
}
