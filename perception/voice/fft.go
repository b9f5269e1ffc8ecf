package voice

import (
	"math"
	"math/bits"
)

// realFFT transforms real frames of n samples (a power of two) through one
// complex FFT of n/2 points. Buffers are owned so a transform allocates
// nothing.
type realFFT struct {
	n     int
	half  int
	rev   []int
	tw    []complex128 // e^{-2πik/half}, k < half/2
	twInv []complex128 // conjugates of tw
	post  []complex128 // e^{-2πik/n}, k <= half
	z     []complex128
	shift uint
}

func newRealFFT(n int) *realFFT {
	half := n / 2
	f := &realFFT{n: n, half: half, rev: make([]int, half), tw: make([]complex128, half/2),
		post: make([]complex128, half+1), z: make([]complex128, half), twInv: make([]complex128, half/2)}
	lg := bits.Len(uint(half)) - 1
	for i := range f.rev {
		f.rev[i] = int(bits.Reverse(uint(i)) >> (bits.UintSize - lg))
	}
	for k := range f.tw {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(half))
		f.tw[k] = complex(c, s)
		f.twInv[k] = complex(c, -s)
	}
	for k := range f.post {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.post[k] = complex(c, s)
	}
	return f
}

// fft is an in-place iterative radix-2 transform of f.z; inverse conjugates
// the twiddles (no 1/n scaling).
func (f *realFFT) fft(inverse bool) {
	z := f.z
	for i, j := range f.rev {
		if i < j {
			z[i], z[j] = z[j], z[i]
		}
	}
	n := len(z)
	tw := f.tw
	if inverse {
		tw = f.twInv
	}
	// First stage: butterflies with twiddle 1.
	for i := 0; i+1 < n; i += 2 {
		a, b := z[i], z[i+1]
		z[i], z[i+1] = a+b, a-b
	}
	for size := 4; size <= n; size <<= 1 {
		halfSize := size >> 1
		step := n / size
		for start := 0; start < n; start += size {
			lo := z[start : start+halfSize]
			hi := z[start+halfSize : start+size]
			for k := range lo {
				b := hi[k] * tw[k*step]
				a := lo[k]
				lo[k] = a + b
				hi[k] = a - b
			}
		}
	}
}

// forward fills out[0..n/2] with the spectrum of x (len n).
func (f *realFFT) forward(x []float64, out []complex128) {
	for k := 0; k < f.half; k++ {
		f.z[k] = complex(x[2*k], x[2*k+1])
	}
	f.fft(false)
	z := f.z
	for k := 0; k <= f.half; k++ {
		ia, ib := k, f.half-k
		if ia == f.half {
			ia = 0
		}
		if ib == f.half {
			ib = 0
		}
		a, b := z[ia], z[ib]
		bc := complex(real(b), -imag(b))
		even := (a + bc) * 0.5
		odd := (a - bc) * complex(0, -0.5)
		out[k] = even + f.post[k]*odd
	}
}

// inversePower writes into x (len n) the inverse transform of a real,
// even spectrum given by its n/2+1 non-negative bins (a power spectrum), so
// x is the circular autocorrelation times n.
func (f *realFFT) inversePower(p []float64, x []float64) {
	for k := 0; k < f.half; k++ {
		a := complex(p[k], 0)
		b := complex(p[f.half-k], 0)
		even := a + b
		w := f.post[k]
		odd := (a - b) * complex(real(w), -imag(w))
		f.z[k] = even + complex(0, 1)*odd
	}
	f.fft(true)
	for k := 0; k < f.half; k++ {
		x[2*k] = real(f.z[k])
		x[2*k+1] = imag(f.z[k])
	}
}
