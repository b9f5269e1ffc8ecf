package voice

import "math"

// Perturbation holds Praat's local jitter and shimmer, in percent.
type Perturbation struct {
	JitterLocal  float64
	ShimmerLocal float64
	Pulses       int
}

// Praat's defaults for jitter and shimmer: periods outside 0.1..20 ms and
// neighbours differing by more than 1.3× (period) or 1.6× (amplitude) are
// left out.
const (
	shortestPeriod      = 0.0001
	longestPeriod       = 0.02
	maxPeriodFactor     = 1.3
	maxAmplitudeFactor  = 1.6
	minPulseCorrelation = 0.3
)

// Pulses finds glottal pulses (sample positions) in the voiced stretches of
// hops the way Praat's "To PointProcess (periodic, cc)" does: start at the
// absolute extremum in the middle of each stretch, then walk left and right
// one period at a time to the position whose period best cross-correlates
// with the last one. x is the 16 kHz signal the hops were measured on, with
// hop times relative to x[0].
func Pulses(x []float32, hops []HopFeatures) []float64 {
	var pulses []float64
	var globalPeak float64
	for _, v := range x {
		globalPeak = math.Max(globalPeak, math.Abs(float64(v)))
	}
	for i := 0; i < len(hops); {
		if !hops[i].Voiced {
			i++
			continue
		}
		j := i
		for j < len(hops) && hops[j].Voiced {
			j++
		}
		left := hops[i].At.Seconds()*Rate - HopSamples/2
		right := hops[j-1].At.Seconds()*Rate + HopSamples/2
		pulses = append(pulses, stretchPulses(x, hops[i:j], math.Max(left, 0), math.Min(right, float64(len(x)-1)), globalPeak)...)
		i = j
	}
	return pulses
}

// f0At is the pitch of the voiced hop nearest to sample position t.
func f0At(hops []HopFeatures, t float64) float64 {
	best, bestD := 0.0, math.Inf(1)
	for _, h := range hops {
		if d := math.Abs(h.At.Seconds()*Rate - t); d < bestD {
			best, bestD = h.F0, d
		}
	}
	return best
}

func stretchPulses(x []float32, hops []HopFeatures, left, right, globalPeak float64) []float64 {
	mid := (left + right) / 2
	period := Rate / f0At(hops, mid)
	// The absolute extremum within half a period of the middle.
	lo, hi := int(mid-period/2), int(mid+period/2)
	lo, hi = max(lo, 0), min(hi, len(x)-1)
	if hi <= lo {
		return nil
	}
	start := lo
	for k := lo; k <= hi; k++ {
		if math.Abs(float64(x[k])) > math.Abs(float64(x[start])) {
			start = k
		}
	}
	var before, after []float64
	for dir := -1; dir <= 1; dir += 2 {
		t := float64(start)
		for {
			period := Rate / f0At(hops, t)
			next, r := bestCorrelation(x, t, period, dir)
			if r < minPulseCorrelation || next < left || next > right {
				break
			}
			if peak := math.Abs(float64(x[int(next+0.5)])); peak < 0.01*globalPeak {
				break
			}
			if dir < 0 {
				before = append(before, next)
			} else {
				after = append(after, next)
			}
			t = next
		}
	}
	out := make([]float64, 0, len(before)+1+len(after))
	for k := len(before) - 1; k >= 0; k-- {
		out = append(out, before[k])
	}
	out = append(out, float64(start))
	return append(out, after...)
}

// bestCorrelation searches 0.8..1.2 periods from t in direction dir for the
// position whose one-period neighbourhood correlates best with t's.
func bestCorrelation(x []float32, t, period float64, dir int) (float64, float64) {
	n := int(period + 0.5)
	half := n / 2
	ref := int(t+0.5) - half
	if ref < 0 || ref+n > len(x) {
		return 0, -1
	}
	lo, hi := int(0.8*period), int(1.2*period+0.5)
	corr := func(lag int) float64 {
		c := ref + dir*lag
		if c < 0 || c+n > len(x) {
			return -1
		}
		var xy, xx, yy float64
		for k := 0; k < n; k++ {
			a, b := float64(x[ref+k]), float64(x[c+k])
			xy += a * b
			xx += a * a
			yy += b * b
		}
		if xx == 0 || yy == 0 {
			return 0
		}
		return xy / math.Sqrt(xx*yy)
	}
	bestLag, best := -1, -1.0
	prev, cur := corr(lo-1), corr(lo)
	var bestPrev, bestNext float64
	for lag := lo; lag <= hi; lag++ {
		next := corr(lag + 1)
		if cur > best {
			bestLag, best, bestPrev, bestNext = lag, cur, prev, next
		}
		prev, cur = cur, next
	}
	if bestLag < 0 {
		return 0, -1
	}
	d := 0.0
	if den := bestPrev - 2*best + bestNext; den < 0 && bestPrev > -1 && bestNext > -1 {
		d = 0.5 * (bestPrev - bestNext) / den
	}
	return float64(int(t+0.5)) + float64(dir)*(float64(bestLag)+d), best
}

// Perturb computes local jitter and shimmer from the pulses.
func Perturb(x []float32, pulses []float64) Perturbation {
	p := Perturbation{Pulses: len(pulses)}
	if len(pulses) < 3 {
		return p
	}
	periods := make([]float64, len(pulses)-1)
	amps := make([]float64, len(pulses)-1)
	for i := range periods {
		periods[i] = (pulses[i+1] - pulses[i]) / Rate
		var a float64
		for k := int(pulses[i]); k <= int(pulses[i+1]) && k < len(x); k++ {
			a = math.Max(a, math.Abs(float64(x[k])))
		}
		amps[i] = a
	}
	valid := func(t float64) bool { return t >= shortestPeriod && t <= longestPeriod }
	var sumT, nT, sumDT, nDT float64
	var sumA, nA, sumDA, nDA float64
	for i, t := range periods {
		if !valid(t) {
			continue
		}
		sumT += t
		nT++
		sumA += amps[i]
		nA++
		if i == 0 || !valid(periods[i-1]) {
			continue
		}
		prev := periods[i-1]
		if math.Max(t, prev)/math.Min(t, prev) <= maxPeriodFactor {
			sumDT += math.Abs(t - prev)
			nDT++
			a, b := amps[i], amps[i-1]
			if math.Min(a, b) > 0 && math.Max(a, b)/math.Min(a, b) <= maxAmplitudeFactor {
				sumDA += math.Abs(a - b)
				nDA++
			}
		}
	}
	if nT > 0 && nDT > 0 {
		p.JitterLocal = 100 * (sumDT / nDT) / (sumT / nT)
	}
	if nA > 0 && nDA > 0 && sumA > 0 {
		p.ShimmerLocal = 100 * (sumDA / nDA) / (sumA / nA)
	}
	return p
}
