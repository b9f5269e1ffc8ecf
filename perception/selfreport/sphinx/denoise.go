package sphinx

import (
	"math"
	"math/cmplx"
)

// A fan or an air conditioner adds steady broadband noise under the answer.
// The acoustic model was trained on close speech, and in the noise its
// phones fit the garbage loop better than the answer's words (pink noise
// 10 dB below the answer: 46 of 165 held-out ratings understood, 116 of
// the rest heard as other talk). The robot listens before the person
// answers, so the quiet before the answer's span is a sample of the room's
// noise alone. Its power spectrum is removed from the answer's short-time
// spectrum before decoding by a Wiener gain G = ξ/(1+ξ) in each bin, whose
// a priori SNR ξ is estimated by Ephraim and Malah's decision-directed
// rule ("Speech enhancement using a minimum mean-square error short-time
// spectral amplitude estimator", IEEE Trans. ASSP 32, 1984): mostly the
// last frame's cleaned power over the noise's, so that ξ, and the gain,
// move smoothly in the noise instead of flickering with each frame's
// draw, which leaves isolated spectral peaks, "musical noise" (Cappé,
// "Elimination of the musical noise phenomenon with the Ephraim and Malah
// noise suppressor", IEEE Trans. SAP 2, 1994). Power spectral subtraction
// (Boll, IEEE Trans. ASSP 27, 1979) with Berouti, Schwartz and Makhoul's
// over-subtraction and floor (ICASSP 1979) understood more in pink noise
// at 10 dB SNR (70 of 165 against the gain's 62) but heard 4 wrong
// ratings against 3 (README, "Words in a room"), so it is kept for
// measurements only. Either is applied only when the answer's span is
// measured to stand less than denoiseBelow above the noise, so a quiet
// room's answer reaches the decoder untouched.
const (
	// denoiseFrame and denoiseHop are the analysis frames: 32 ms
	// periodic-Hann frames every 16 ms, whose overlap-add sums to one.
	denoiseFrame = 512
	denoiseHop   = denoiseFrame / 2
	// minNoiseFrames is the least quiet before the answer the noise is
	// estimated from: 8 frames, 144 ms of audio. With less the answer is
	// decoded as heard.
	minNoiseFrames = 8
)

// The settings, variables for measurements (TestRatingsInRoom's
// KINDRED_ANSWER_DENOISE_ALPHA and _FLOOR).
var (
	// overSubtract is Berouti's α at a frame SNR of 0 dB; it falls by
	// 3/20 a dB of the frame's SNR, from -5 to 20 dB (4.75 to 1).
	overSubtract = 4.0
	// spectralFloor is the least a priori SNR ξ of the Wiener gain (so
	// its least gain is 0.048, -26 dB), and Berouti's β, the least power
	// his rule leaves in a bin as a fraction of the noise's there (he
	// found 0.005 to 0.1 best for listeners in strong noise). Floors keep
	// the residual noise smooth, which the recogniser wants more than
	// small.
	spectralFloor = 0.05
)

// wienerGain chooses the decision-directed Wiener gain; false, Berouti's
// spectral subtraction: for measurements (TestRatingsInRoom's
// KINDRED_ANSWER_DENOISE_WIENER=0).
var wienerGain = true

// ddWeight is the decision-directed rule's weight of the last frame's
// estimate: Ephraim and Malah's 0.98.
const ddWeight = 0.98

// denoiseBelow is the SNR of the answer's span (its mean power over the
// noise's before it) below which the noise is removed; 0 removes none. A
// variable for measurements (TestRatingsInRoom's and TestAnswerSweep's
// KINDRED_ANSWER_DENOISE_BELOW). With a fan 10 dB below the answer (RMS
// over the take, pauses included) the held-out ratings' spans measured
// 9.9 to 15.7 dB; at 20 dB, 19.4 to 25.5, where the decoder already
// understands 120 of 165 as heard; beside a TV 20 dB down, 17.1 and up;
// in a quiet or reverberant room 42 dB and up, or no noise at all (the
// voices' digital silence), and so in the development takes (50.7 dB and
// up). 17 dB takes in the fan at 10 dB and leaves the rest as they were.
var denoiseBelow = 17.0 // dB

// denoised returns window[start:end], the answer's span, with the noise
// measured in window[:start] subtracted, or the span as it is when there
// is too little quiet before it, no noise in it (digital silence), or the
// span stands denoiseBelow or more above it.
func denoised(window []float32, start, end int) []float32 {
	span := window[start:end]
	if denoiseBelow <= 0 {
		return span
	}
	noise, snr, ok := spanSNR(window, start, end)
	if !ok || snr >= denoiseBelow {
		return span
	}
	return subtract(span, noise, hann(denoiseFrame))
}

// spanSNR measures the noise's power spectrum in the frames of
// window[:start] and how far window[start:end] stands above it (its mean
// power over the noise's, in dB); ok is false when there are fewer than
// minNoiseFrames before start, or the noise has no power.
func spanSNR(window []float32, start, end int) (noise []float64, snr float64, ok bool) {
	nFrames := (start-denoiseFrame)/denoiseHop + 1 // frames wholly before the span
	if start < denoiseFrame || nFrames < minNoiseFrames {
		return nil, 0, false
	}
	win := hann(denoiseFrame)
	noise = make([]float64, denoiseFrame/2+1)
	buf := make([]complex128, denoiseFrame)
	for f := range nFrames {
		frameSpectrum(buf, window[f*denoiseHop:], win)
		for k := range noise {
			noise[k] += sqAbs(buf[k])
		}
	}
	var noisePow float64
	for k := range noise {
		noise[k] /= float64(nFrames)
		noisePow += noise[k]
	}
	if noisePow == 0 {
		return nil, 0, false
	}
	// The span's mean power in the same units (half the spectrum of each
	// frame, as the noise's).
	var spanPow float64
	spanFrames := 0
	for at := start; at+denoiseFrame <= end; at += denoiseHop {
		frameSpectrum(buf, window[at:], win)
		for k := range noise {
			spanPow += sqAbs(buf[k])
		}
		spanFrames++
	}
	if spanFrames == 0 {
		return nil, 0, false
	}
	return noise, 10 * math.Log10(spanPow/float64(spanFrames)/noisePow), true
}

// subtract removes noise (a power spectrum of denoiseFrame-point frames
// windowed by win) from x, frame by frame, by the decision-directed Wiener
// gain (wienerGain) or Berouti's rule, and resynthesises it by
// overlap-add. x is padded with zeros by a frame on
// each side so that every sample is covered by two frames.
func subtract(x []float32, noise, win []float64) []float32 {
	padded := make([]float32, len(x)+2*denoiseFrame)
	copy(padded[denoiseFrame:], x)
	out := make([]float64, len(padded))
	buf := make([]complex128, denoiseFrame)
	bins := len(noise)
	var noisePow float64
	for _, n := range noise {
		noisePow += n
	}
	prev := make([]float64, bins) // the last frame's cleaned power, for wienerGain
	for at := 0; at+denoiseFrame <= len(padded); at += denoiseHop {
		frameSpectrum(buf, padded[at:], win)
		var pow float64
		for k := 0; k < bins; k++ {
			pow += sqAbs(buf[k])
		}
		alpha := overSubtraction(10 * math.Log10(math.Max(pow-noisePow, 1e-30)/noisePow))
		for k := 0; k < bins; k++ {
			p := sqAbs(buf[k])
			var g float64
			switch {
			case wienerGain && noise[k] > 0:
				post := p / noise[k]
				prio := math.Max(ddWeight*prev[k]/noise[k]+(1-ddWeight)*math.Max(post-1, 0), spectralFloor)
				g = prio / (1 + prio)
				prev[k] = g * g * p
			case p > 0:
				g = math.Sqrt(math.Max(p-alpha*noise[k], spectralFloor*noise[k]) / p)
			}
			buf[k] *= complex(g, 0)
			if k > 0 && k < denoiseFrame/2 {
				buf[denoiseFrame-k] = cmplx.Conj(buf[k])
			}
		}
		fft(buf, true)
		for i, v := range buf {
			out[at+i] += real(v) / denoiseFrame
		}
	}
	y := make([]float32, len(x))
	for i := range y {
		y[i] = float32(out[denoiseFrame+i])
	}
	return y
}

// overSubtraction is Berouti's α for a frame whose SNR (its power above
// the noise's, over the noise's) is snr dB, taken within -5 to 20 dB.
func overSubtraction(snr float64) float64 {
	return overSubtract - min(max(snr, -5), 20)*3/20
}

// hann is the periodic Hann window of n points: at a hop of n/2 its
// shifted copies sum to one, so overlap-add of unchanged frames gives
// back the signal.
func hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	return w
}

// frameSpectrum puts the DFT of x[:len(buf)] windowed by win into buf.
func frameSpectrum(buf []complex128, x []float32, win []float64) {
	for i := range buf {
		buf[i] = complex(float64(x[i])*win[i], 0)
	}
	fft(buf, false)
}

func sqAbs(c complex128) float64 { return real(c)*real(c) + imag(c)*imag(c) }

// fft transforms a (its length a power of two) in place by iterative
// radix-2 decimation in time (Cooley and Tukey, 1965): forward with
// e^{-iθ}, inverse with e^{+iθ} and no 1/n scaling.
func fft(a []complex128, inverse bool) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j |= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	sign := -1.0
	if inverse {
		sign = 1
	}
	for size := 2; size <= n; size <<= 1 {
		step := cmplx.Rect(1, sign*2*math.Pi/float64(size))
		for s := 0; s < n; s += size {
			w := complex(1, 0)
			for k := 0; k < size/2; k++ {
				u, v := a[s+k], a[s+k+size/2]*w
				a[s+k], a[s+k+size/2] = u+v, u-v
				w *= step
			}
		}
	}
}
