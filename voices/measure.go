package voices

import (
	"math"
	"slices"
	"time"
)

// Stats summarises a stretch of audio the way tests and `kindred doctor`
// need it: how long, how loud, how much of it is voiced, and at what pitch.
type Stats struct {
	Duration       time.Duration
	RMSdBFS        float64 // over the whole clip, dB re full scale
	PeakdBFS       float64
	VoicedFraction float64 // of 10 ms hops with a clear pitch period
	F0Median       float64 // Hz over voiced hops, 0 when none
}

// Pitch search range: covers low male to high female and child voices.
const (
	minF0 = 60.0
	maxF0 = 500.0
)

// Measure computes Stats. Voicing and F0 come from the normalised
// autocorrelation of 40 ms windows every 10 ms (Boersma's method without
// the window correction); a hop is voiced when it is within 35 dB of the
// loudest hop and its best period correlates above 0.5.
func Measure(a Audio) Stats {
	st := Stats{Duration: a.Duration(), RMSdBFS: math.Inf(-1), PeakdBFS: math.Inf(-1)}
	if len(a.Samples) == 0 || a.SampleRate <= 0 {
		return st
	}
	x := toFloat(a.Samples)
	var sum, peak float64
	for _, v := range x {
		sum += v * v
		peak = max(peak, math.Abs(v))
	}
	st.RMSdBFS = dB(math.Sqrt(sum / float64(len(x))))
	st.PeakdBFS = dB(peak)

	win := a.samplesFor(40 * time.Millisecond)
	env := Envelope(a, 10*time.Millisecond, 40*time.Millisecond)
	loudest := math.Inf(-1)
	for _, e := range env {
		loudest = max(loudest, dB(e))
	}
	var f0s []float64
	for i, e := range env {
		if dB(e) < loudest-35 || dB(e) < -60 {
			continue
		}
		start := a.samplesFor(time.Duration(i)*10*time.Millisecond) - win/2
		if start < 0 || start+win > len(x) {
			continue
		}
		if f0, r := pitchOf(x[start:start+win], a.SampleRate); r > 0.5 {
			f0s = append(f0s, f0)
		}
	}
	if len(env) > 0 {
		st.VoicedFraction = float64(len(f0s)) / float64(len(env))
	}
	if len(f0s) > 0 {
		slices.Sort(f0s)
		st.F0Median = f0s[len(f0s)/2]
	}
	return st
}

// pitchOf returns the frequency of the best period in w and its normalised
// autocorrelation (0..1).
func pitchOf(w []float64, rate int) (f0, r float64) {
	var mean float64
	for _, v := range w {
		mean += v
	}
	mean /= float64(len(w))
	c := make([]float64, len(w))
	pre := make([]float64, len(w)+1) // prefix sums of squares
	for i, v := range w {
		c[i] = v - mean
		pre[i+1] = pre[i] + c[i]*c[i]
	}
	minLag := int(float64(rate) / maxF0)
	maxLag := min(int(float64(rate)/minF0), len(c)/2)
	best, bestLag := 0.0, 0
	corr := make([]float64, maxLag+2)
	for lag := minLag; lag <= maxLag+1 && lag < len(c); lag++ {
		var xy float64
		n := len(c) - lag
		a, b := c[:n], c[lag:lag+n]
		for i := range a {
			xy += a[i] * b[i]
		}
		xx, yy := pre[n], pre[len(c)]-pre[lag]
		if xx > 0 && yy > 0 {
			corr[lag] = xy / math.Sqrt(xx*yy)
		}
	}
	for lag := minLag + 1; lag <= maxLag; lag++ {
		// Local maxima only, and prefer the shortest period within 3 % of the
		// best to avoid octave-down errors.
		if corr[lag] >= corr[lag-1] && corr[lag] >= corr[lag+1] && corr[lag] > best*1.03 {
			best, bestLag = corr[lag], lag
		}
	}
	if bestLag == 0 {
		return 0, 0
	}
	// Parabolic interpolation around the peak for sub-sample precision.
	l, m, rr := corr[bestLag-1], corr[bestLag], corr[bestLag+1]
	shift := 0.0
	if d := l - 2*m + rr; d != 0 {
		shift = 0.5 * (l - rr) / d
	}
	return float64(rate) / (float64(bestLag) + shift), best
}

// Envelope returns the RMS amplitude (0..1 of full scale) of windows of
// length win centred every hop, starting at time 0.
func Envelope(a Audio, hop, win time.Duration) []float64 {
	if a.SampleRate <= 0 || hop <= 0 || len(a.Samples) == 0 {
		return nil
	}
	half := max(1, a.samplesFor(win)/2)
	// Frame i is centred on sample i·hop·rate exactly (rounded down), so a
	// hop that is not a whole number of samples does not drift.
	n := int((a.Duration() + hop - 1) / hop)
	// Prefix sums of squares make every window O(1).
	pre := make([]float64, len(a.Samples)+1)
	for i, s := range a.Samples {
		v := float64(s) / 32768
		pre[i+1] = pre[i] + v*v
	}
	out := make([]float64, n)
	for i := range out {
		c := a.samplesFor(time.Duration(i) * hop)
		lo := max(0, c-half)
		hi := min(len(a.Samples), c+half)
		if hi > lo {
			out[i] = math.Sqrt((pre[hi] - pre[lo]) / float64(hi-lo))
		}
	}
	return out
}

func toFloat(s []int16) []float64 {
	x := make([]float64, len(s))
	for i, v := range s {
		x[i] = float64(v) / 32768
	}
	return x
}

// dB converts an amplitude ratio to decibels; silence is -Inf.
func dB(v float64) float64 {
	if v <= 0 {
		return math.Inf(-1)
	}
	return 20 * math.Log10(v)
}
