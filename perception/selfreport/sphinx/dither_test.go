package sphinx

import (
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception/sphinx"
)

// TestDitherFillsDigitalSilence: exact zeros, as espeak-ng writes in a
// stop's closure, become a noise floor of a step or so of 16-bit audio
// (about a quarter of the samples non-zero, as pocketsphinx's own
// -dither), the same for the same answer; no dither leaves them zero.
func TestDitherFillsDigitalSilence(t *testing.T) {
	silence := make([]float32, Rate)
	tests := []struct {
		amp          float64
		minNZ, maxNZ float64 // share of non-zero 16-bit samples
		maxStep      int16
	}{
		{0, 0, 0, 0},
		{1, 0.15, 0.35, 1},
		{4, 0.7, 0.95, 4},
	}
	for _, tc := range tests {
		x := dithered(silence, tc.amp)
		if !slices.Equal(x, dithered(silence, tc.amp)) {
			t.Errorf("dither %g: differs between two calls on the same answer", tc.amp)
		}
		nz := 0
		for _, v := range x {
			s := sphinx.ToInt16(v)
			if s != 0 {
				nz++
			}
			if s > tc.maxStep || s < -tc.maxStep {
				t.Fatalf("dither %g: sample %d, want at most %d steps", tc.amp, s, tc.maxStep)
			}
		}
		if f := float64(nz) / float64(len(x)); f < tc.minNZ || f > tc.maxNZ {
			t.Errorf("dither %g: %.2f of samples non-zero, want %.2f to %.2f", tc.amp, f, tc.minNZ, tc.maxNZ)
		}
	}
}
