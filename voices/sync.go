package voices

import (
	"math"
	"time"
)

// MouthLag estimates how far a jaw trajectory (degrees every 10 ms from the
// start of the audio) trails the audio's loudness: the lag of the best
// normalised cross-correlation with the RMS envelope within ±200 ms.
// Positive means the jaw is late. Tests and `kindred bench` use it to hold
// mouth movement within 50 ms of the sound.
func MouthLag(a Audio, jaw []float64) time.Duration {
	env := Envelope(a, mouthStep, mouthWindow)
	n := min(len(env), len(jaw))
	if n == 0 {
		return 0
	}
	e, j := standardise(env[:n]), standardise(jaw[:n])
	const maxLag = 20 // × 10 ms
	best, bestLag := math.Inf(-1), 0
	for lag := -maxLag; lag <= maxLag; lag++ {
		var sum float64
		for i := range n {
			if k := i + lag; k >= 0 && k < n {
				sum += e[i] * j[k]
			}
		}
		if sum > best {
			best, bestLag = sum, lag
		}
	}
	return time.Duration(bestLag) * mouthStep
}

func standardise(x []float64) []float64 {
	var mean, sd float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	sd = math.Sqrt(sd / float64(len(x)))
	out := make([]float64, len(x))
	for i, v := range x {
		if sd > 0 {
			out[i] = (v - mean) / sd
		}
	}
	return out
}
