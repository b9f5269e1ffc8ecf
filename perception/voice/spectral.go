package voice

import "math"

// melBank is a triangular mel filterbank over the power spectrum bins.
type melBank struct {
	start   []int
	weights [][]float64
	dct     [numMFCC][numMel]float64
}

func hzToMel(f float64) float64 { return 2595 * math.Log10(1+f/700) }
func melToHz(m float64) float64 { return 700 * (math.Pow(10, m/2595) - 1) }

func newMelBank(fftN, bands int, lo, hi float64) *melBank {
	b := &melBank{start: make([]int, bands), weights: make([][]float64, bands)}
	binHz := float64(Rate) / float64(fftN)
	mlo, mhi := hzToMel(lo), hzToMel(hi)
	edge := func(i int) float64 { return melToHz(mlo + (mhi-mlo)*float64(i)/float64(bands+1)) }
	for m := 0; m < bands; m++ {
		l, c, r := edge(m), edge(m+1), edge(m+2)
		first := int(math.Ceil(l / binHz))
		last := int(math.Floor(r / binHz))
		b.start[m] = first
		for k := first; k <= last; k++ {
			f := float64(k) * binHz
			w := 0.0
			if f <= c {
				w = (f - l) / (c - l)
			} else {
				w = (r - f) / (r - c)
			}
			b.weights[m] = append(b.weights[m], math.Max(w, 0))
		}
	}
	for c := 0; c < numMFCC; c++ {
		scale := math.Sqrt(2 / float64(bands))
		if c == 0 {
			scale = math.Sqrt(1 / float64(bands))
		}
		for m := 0; m < bands; m++ {
			b.dct[c][m] = scale * math.Cos(math.Pi*float64(c)*(float64(m)+0.5)/float64(bands))
		}
	}
	return b
}

// spectral fills the MFCCs, centroid, flux and flatness from the
// noise-reduced power spectrum.
func (a *Analyzer) spectral(h *HopFeatures) {
	p := a.clean
	for m, w := range a.mel.weights {
		s := 1e-12
		start := a.mel.start[m]
		for i, wi := range w {
			s += wi * p[start+i]
		}
		a.logMel[m] = math.Log(s)
	}
	for c := 0; c < numMFCC; c++ {
		var s float64
		for m, v := range a.logMel {
			s += a.mel.dct[c][m] * v
		}
		h.MFCC[c] = s
	}
	if a.havePrev {
		var d float64
		for m, v := range a.logMel {
			e := v - a.prevMel[m]
			d += e * e
		}
		h.Flux = math.Sqrt(d / numMel)
	}
	a.prevMel, a.havePrev = a.logMel, true

	binHz := float64(Rate) / float64(a.fftN)
	var num, den float64
	for k := 1; k < len(p); k++ {
		num += float64(k) * binHz * p[k]
		den += p[k]
	}
	if den > 0 {
		h.Centroid = num / den
	}
	lo, hi := int(300/binHz), int(6000/binHz)
	// The geometric mean through mantissas and exponents: one Frexp per bin
	// instead of one Log keeps this cheap.
	var sum float64
	prod, exp := 1.0, 0
	for k := lo; k < hi; k++ {
		v := p[k] + 1e-20
		sum += v
		prod *= v
		if k%8 == 7 {
			m, e := math.Frexp(prod)
			prod, exp = m, exp+e
		}
	}
	m, e := math.Frexp(prod)
	logSum := math.Log(m) + float64(exp+e)*math.Ln2
	n := float64(hi - lo)
	h.Flatness = math.Exp(logSum/n) / (sum / n)
}
