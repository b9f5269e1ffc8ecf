package perception

import (
	"math"
	"testing"
)

func TestAngleUnits(t *testing.T) {
	tests := []struct {
		a        Angle
		deg, rad float64
	}{
		{Degrees(0), 0, 0},
		{Degrees(180), 180, math.Pi},
		{Radians(math.Pi / 2), 90, math.Pi / 2},
		{-30 * Degree, -30, -math.Pi / 6},
	}
	for _, tt := range tests {
		if math.Abs(tt.a.Degrees()-tt.deg) > 1e-12 || math.Abs(tt.a.Radians()-tt.rad) > 1e-12 {
			t.Errorf("%v: %g° %g rad, want %g° %g rad", tt.a, tt.a.Degrees(), tt.a.Radians(), tt.deg, tt.rad)
		}
	}
	if s := Degrees(12.34).String(); s != "12.3°" {
		t.Errorf("String %q", s)
	}
}
