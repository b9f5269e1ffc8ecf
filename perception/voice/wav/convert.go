package wav

import "math"

// AnalysisRate is the rate the voice analyser works at.
const AnalysisRate = 16000

// Mono mixes the channels down by averaging them.
func (a *Audio) Mono() []float32 {
	if a.Channels <= 1 {
		return a.Samples
	}
	return mixDown(make([]float32, len(a.Samples)/a.Channels), a.Samples, a.Channels)
}

// mixDown averages the channels of interleaved frames into out (which must
// hold len(frames)/channels samples) and returns it, or frames itself when
// there is one channel.
func mixDown(out, frames []float32, channels int) []float32 {
	if channels <= 1 {
		return frames
	}
	out = out[:len(frames)/channels]
	inv := 1 / float32(channels)
	for i := range out {
		var s float32
		for c := 0; c < channels; c++ {
			s += frames[i*channels+c]
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
// and harmonic structure intact for the voice measures. It gives
// len(x)*to/from samples, exactly what a resampler fed x in pieces gives.
func Resample(x []float32, from, to int) []float32 {
	if from == to || len(x) == 0 || from <= 0 || to <= 0 {
		return x
	}
	r := newResampler(from, to)
	out := make([]float32, 0, int(int64(len(x))*r.up/r.down))
	return r.flush(r.push(x, out))
}

// resampler is the streaming form of Resample: it keeps only the input its
// next outputs still need (one kernel's width), so a stream of any length
// resamples in constant memory. The kernel is tabulated once per phase
// (to/gcd(from, to) phases), so long files resample quickly.
type resampler struct {
	up, down int64 // output i sits at input position i*down/up
	phases   int
	taps     int
	lo       int64 // first tap's offset from the output's position
	table    []float32
	hist     []float32 // input samples from index off on
	off      int64
	in       int64 // input samples pushed so far
	next     int64 // next output to compute
}

const maxPhases = 1024

func newResampler(from, to int) *resampler {
	g := gcd(from, to)
	r := &resampler{up: int64(to / g), down: int64(from / g)}
	cutoff := math.Min(1, float64(r.up)/float64(r.down)) * 0.97 // of the input Nyquist
	const zeros = 16
	half := float64(zeros) / cutoff
	r.taps = 2*int(math.Ceil(half)) + 1
	r.lo = -int64(math.Ceil(half))
	// Odd rate pairs would need many phases; beyond maxPhases the nearest
	// of maxPhases tabulated phases is used (under 0.1 % of a sample off).
	r.phases = int(min(r.up, maxPhases))
	r.table = make([]float32, r.phases*r.taps)
	for p := 0; p < r.phases; p++ {
		frac := float64(p) / float64(r.phases)
		var sum float64
		row := r.table[p*r.taps : (p+1)*r.taps]
		for k := range row {
			d := float64(r.lo+int64(k)) - frac
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
	return r
}

// window is output i's kernel row and the input index of its first tap.
func (r *resampler) window(i int64) ([]float32, int64) {
	pos := i * r.down
	base := pos / r.up
	p := pos % r.up
	if int64(r.phases) != r.up {
		p = (p*int64(r.phases) + r.up/2) / r.up
		if p == int64(r.phases) {
			p, base = 0, base+1
		}
	}
	return r.table[int(p)*r.taps : (int(p)+1)*r.taps], base + r.lo
}

// at computes output i from the input held; taps outside the input seen
// (before the start, past the end) count as silence.
func (r *resampler) at(i int64) float32 {
	row, start := r.window(i)
	var acc float32
	for k, c := range row {
		j := start + int64(k)
		if j >= r.off && j < r.in {
			acc += r.hist[j-r.off] * c
		}
	}
	return acc
}

// push feeds x and appends to out every output whose taps have all
// arrived.
func (r *resampler) push(x []float32, out []float32) []float32 {
	r.hist = append(r.hist, x...)
	r.in += int64(len(x))
	sure := r.in * r.up / r.down // outputs a stream this long has at least
	for r.next < sure {
		if _, start := r.window(r.next); start+int64(r.taps) > r.in {
			break
		}
		out = append(out, r.at(r.next))
		r.next++
	}
	// Forget the input no later output reaches (windows only move on).
	_, start := r.window(r.next)
	if drop := min(start-r.off, int64(len(r.hist))); drop > 0 {
		r.hist = r.hist[:copy(r.hist, r.hist[drop:])]
		r.off += drop
	}
	return out
}

// flush appends the outputs still owed once the input has ended.
func (r *resampler) flush(out []float32) []float32 {
	for total := r.in * r.up / r.down; r.next < total; r.next++ {
		out = append(out, r.at(r.next))
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
