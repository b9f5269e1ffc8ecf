package face

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

func blend(scores map[int]float32) *perception.Blendshapes {
	var b perception.Blendshapes
	for i, v := range scores {
		b[i] = v
	}
	return &b
}

func TestBlendAUs(t *testing.T) {
	geo := perception.AUs{AU01: 4, AU04: 4, AU06: 2.5, AU09: 3.5, AU12: 4, AU25: 1.5, AU43: 1}
	cases := []struct {
		name  string
		b     *perception.Blendshapes
		check func(t *testing.T, a perception.AUs)
	}{
		{"a calm mesh overrules geometry on the blendshape columns", blend(nil), func(t *testing.T, a perception.AUs) {
			if a.AU01 != 0 || a.AU04 != 0 || a.AU12 != 0 {
				t.Errorf("AU01 %.2f AU04 %.2f AU12 %.2f, want 0 from calm blendshapes", a.AU01, a.AU04, a.AU12)
			}
			if a.AU06 != geo.AU06 || a.AU25 != geo.AU25 || a.AU43 != geo.AU43 {
				t.Errorf("AU06 %.2f AU25 %.2f AU43 %.2f: geometry's columns changed", a.AU06, a.AU25, a.AU43)
			}
		}},
		{"geometric AU9 without brow or lip evidence is dropped", blend(nil), func(t *testing.T, a perception.AUs) {
			if a.AU09 != 0 {
				t.Errorf("AU09 %.2f on a face with brows and lip at rest, want 0", a.AU09)
			}
		}},
		{"geometric AU9 stands with the upper lip raised", blend(map[int]float32{bsMouthUpperUpLeft: 0.6, bsMouthUpperUpRight: 0.6}), func(t *testing.T, a perception.AUs) {
			if a.AU09 != geo.AU09 {
				t.Errorf("AU09 %.2f, want geometry's %.2f", a.AU09, geo.AU09)
			}
			if a.AU10 < 4 {
				t.Errorf("AU10 %.2f from mouthUpperUp 0.6, want at least 4", a.AU10)
			}
		}},
		{"geometric AU9 stands with the brows down", blend(map[int]float32{bsBrowDownLeft: 0.8, bsBrowDownRight: 0.8}), func(t *testing.T, a perception.AUs) {
			if a.AU09 != geo.AU09 || a.AU04 != 5 {
				t.Errorf("AU09 %.2f AU04 %.2f, want %.2f and 5", a.AU09, a.AU04, geo.AU09)
			}
		}},
		{"one-sided smile reads half", blend(map[int]float32{bsMouthSmileLeft: 0.7}), func(t *testing.T, a perception.AUs) {
			if a.AU12 < 1 || a.AU12 > 2.5 {
				t.Errorf("AU12 %.2f from a one-sided smile, want 1..2.5", a.AU12)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, BlendAUs(c.b, geo)) })
	}
}
