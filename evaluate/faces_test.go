package evaluate

import "testing"

// ratioOf meets the 2x target only when the grimace is at least
// twice the smiles and above 0; a smile mean of 0 has no ratio (null, not
// infinity, which JSON cannot carry).
func TestRatioOf(t *testing.T) {
	for _, tc := range []struct {
		grimace, smile float64
		ratio          float64 // 0: none
		met            bool
	}{
		{5.96, 4.07, 1.464, false},
		{2.73, 0.04, 68.25, true},
		{4, 2, 2, true},
		{3.9, 2, 1.95, false},
		{2.73, 0, 0, true},
		{0, 0, 0, false},
	} {
		r := ratioOf(tc.grimace, tc.smile)
		if r.Met != tc.met || (r.Ratio == nil) != (tc.ratio == 0) || r.Ratio != nil && *r.Ratio != tc.ratio {
			t.Errorf("ratioOf(%g, %g) = %+v (ratio %v), want ratio %g, met %v", tc.grimace, tc.smile, r, r.Ratio, tc.ratio, tc.met)
		}
	}
}
