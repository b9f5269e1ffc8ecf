package voice

import (
	"math"
	"math/cmplx"
	"testing"
)

func TestRealFFTMatchesDFT(t *testing.T) {
	const n = 64
	f := newRealFFT(n)
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Sin(float64(i)*0.7) + 0.3*math.Cos(float64(i*i)*0.01) + 0.1
	}
	out := make([]complex128, n/2+1)
	f.forward(x, out)
	for k := 0; k <= n/2; k++ {
		var want complex128
		for i, v := range x {
			want += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*i)/n))
		}
		if cmplx.Abs(out[k]-want) > 1e-9 {
			t.Fatalf("bin %d = %v, want %v", k, out[k], want)
		}
	}
	// The inverse of the power spectrum is n times the circular autocorrelation.
	p := make([]float64, n/2+1)
	for k := range p {
		p[k] = real(out[k])*real(out[k]) + imag(out[k])*imag(out[k])
	}
	ac := make([]float64, n)
	f.inversePower(p, ac)
	for lag := 0; lag < n; lag++ {
		var want float64
		for i := range x {
			want += x[i] * x[(i+lag)%n]
		}
		if math.Abs(ac[lag]/n-want) > 1e-9 {
			t.Fatalf("lag %d = %v, want %v", lag, ac[lag]/n, want)
		}
	}
}
