package voice

import (
	"math"
	"math/bits"
)

// realFFT transforms real frames of n samples (a power of two) through one
// complex FFT of n/2 points, kept as separate real and imaginary arrays with
// a contiguous twiddle table per stage so the inner loop runs without
// bounds checks or complex arithmetic. Buffers are owned, so a transform
// allocates nothing.
type realFFT struct {
	n, half int
	rev     []int
	cos     [][]float64  // per stage of size 8, 16, ...: cos(2πk/size)
	sin     [][]float64  // sin(2πk/size)
	post    []complex128 // e^{-2πik/n}, k <= half
	re, im  []float64
}

func newRealFFT(n int) *realFFT {
	half := n / 2
	f := &realFFT{n: n, half: half, rev: make([]int, half), post: make([]complex128, half+1),
		re: make([]float64, half), im: make([]float64, half)}
	lg := bits.Len(uint(half)) - 1
	for i := range f.rev {
		f.rev[i] = int(bits.Reverse(uint(i)) >> (bits.UintSize - lg))
	}
	for size := 8; size <= half; size <<= 1 {
		c := make([]float64, size/2)
		s := make([]float64, size/2)
		for k := range c {
			s[k], c[k] = math.Sincos(2 * math.Pi * float64(k) / float64(size))
		}
		f.cos = append(f.cos, c)
		f.sin = append(f.sin, s)
	}
	for k := range f.post {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.post[k] = complex(c, s)
	}
	return f
}

// fft transforms re+i·im in place; the forward transform uses e^{-iθ},
// the inverse e^{+iθ} (no 1/n scaling).
func (f *realFFT) fft(inverse bool) {
	re, im := f.re, f.im
	for i, j := range f.rev {
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	n := len(re)
	// Sizes 2 and 4 together: twiddles 1 and ∓i need no multiplication.
	for s := 0; s+3 < n; s += 4 {
		a0r, a0i := re[s]+re[s+1], im[s]+im[s+1]
		a1r, a1i := re[s]-re[s+1], im[s]-im[s+1]
		b0r, b0i := re[s+2]+re[s+3], im[s+2]+im[s+3]
		b1r, b1i := re[s+2]-re[s+3], im[s+2]-im[s+3]
		// b1 times -i (forward) or +i (inverse).
		tr, ti := b1i, -b1r
		if inverse {
			tr, ti = -b1i, b1r
		}
		re[s], im[s] = a0r+b0r, a0i+b0i
		re[s+2], im[s+2] = a0r-b0r, a0i-b0i
		re[s+1], im[s+1] = a1r+tr, a1i+ti
		re[s+3], im[s+3] = a1r-tr, a1i-ti
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for stage, size := 0, 8; size <= n; stage, size = stage+1, size<<1 {
		h := size / 2
		c := f.cos[stage][:h]
		sn := f.sin[stage][:h]
		for start := 0; start < n; start += size {
			lr := re[start : start+h]
			li := im[start : start+h][:len(lr)]
			hr := re[start+h : start+size][:len(lr)]
			hi := im[start+h : start+size][:len(lr)]
			for k := range lr {
				wr, wi := c[k], sign*sn[k]
				xr := hr[k]*wr - hi[k]*wi
				xi := hr[k]*wi + hi[k]*wr
				hr[k], hi[k] = lr[k]-xr, li[k]-xi
				lr[k] += xr
				li[k] += xi
			}
		}
	}
}

// forward fills out[0..n/2] with the spectrum of x (len n).
func (f *realFFT) forward(x []float64, out []complex128) {
	for k := 0; k < f.half; k++ {
		f.re[k], f.im[k] = x[2*k], x[2*k+1]
	}
	f.fft(false)
	for k := 0; k <= f.half; k++ {
		ia, ib := k, f.half-k
		if ia == f.half {
			ia = 0
		}
		if ib == f.half {
			ib = 0
		}
		a := complex(f.re[ia], f.im[ia])
		bc := complex(f.re[ib], -f.im[ib])
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
		a := p[k]
		b := p[f.half-k]
		w := f.post[k]
		// even + i·(a-b)·conj(w), with even and a-b real.
		d := a - b
		f.re[k] = a + b + d*imag(w)
		f.im[k] = d * real(w)
	}
	f.fft(true)
	for k := 0; k < f.half; k++ {
		x[2*k] = f.re[k]
		x[2*k+1] = f.im[k]
	}
}
