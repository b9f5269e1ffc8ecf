package wav

import "math"

// AnalysisRate is the rate the voice analyser works at.
const AnalysisRate = 16000

// Mono mixes the channels down by averaging them.
func (a *Audio) Mono() []float32 {
	if a.Channels <= 1 {
		return a.Samples
	}
	n := len(a.Samples) / a.Channels
	out := make([]float32, n)
	inv := 1 / float32(a.Channels)
	for i := range out {
		var s float32
		for c := 0; c < a.Channels; c++ {
			s += a.Samples[i*a.Channels+c]
		}
		out[i] = s * inv
	}
	return out
}

// Mono16k returns the sound as 16 kHz mono, the voice analyser's input.
func (a *Audio) Mono16k() []float32 {
	return Resample(a.Mono(), a.Rate, AnalysisRate)
}

// Resample converts x from rate from to rate to with a windowed-sinc
// low-pass (Blackman window, 16 zero crossings each side), which keeps pitch
// and harmonic structure intact for the voice measures. The kernel is
// tabulated once per phase (to/gcd(from, to) phases), so long files resample
// quickly.
func Resample(x []float32, from, to int) []float32 {
	if from == to || len(x) == 0 || from <= 0 || to <= 0 {
		return x
	}
	g := gcd(from, to)
	up, down := to/g, from/g // output i sits at input position i*down/up
	n := int(int64(len(x)) * int64(up) / int64(down))
	out := make([]float32, n)
	cutoff := math.Min(1, float64(up)/float64(down)) * 0.97 // of the input Nyquist
	const zeros = 16
	half := float64(zeros) / cutoff
	taps := 2*int(math.Ceil(half)) + 1
	// Odd rate pairs would need many phases; beyond maxPhases the nearest
	// of maxPhases tabulated phases is used (under 0.1 % of a sample off).
	phases := min(up, maxPhases)
	table := make([]float32, phases*taps)
	for p := 0; p < phases; p++ {
		frac := float64(p) / float64(phases)
		lo := -int(math.Ceil(half))
		var sum float64
		row := table[p*taps : (p+1)*taps]
		for k := range row {
			d := float64(lo+k) - frac
			if math.Abs(d) > half {
				continue
			}
			arg := d * cutoff
			s := 1.0
			if arg != 0 {
				s = math.Sin(math.Pi*arg) / (math.Pi * arg)
			}
			w := 0.42 + 0.5*math.Cos(math.Pi*d/half) + 0.08*math.Cos(2*math.Pi*d/half)
			row[k] = float32(s * w)
			sum += s * w
		}
		for k := range row { // unit gain at DC
			row[k] = float32(float64(row[k]) / sum)
		}
	}
	lo := -int(math.Ceil(half))
	for i := range out {
		pos := int64(i) * int64(down)
		base := int(pos / int64(up))
		p := int(pos % int64(up))
		if phases != up {
			p = int((int64(p)*int64(phases) + int64(up)/2) / int64(up))
			if p == phases {
				p, base = 0, base+1
			}
		}
		row := table[p*taps : (p+1)*taps]
		var acc float32
		start := base + lo
		for k, c := range row {
			j := start + k
			if j >= 0 && j < len(x) {
				acc += x[j] * c
			}
		}
		out[i] = acc
	}
	return out
}

const maxPhases = 1024

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
