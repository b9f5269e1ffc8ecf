// Package roomsim degrades a clean recording the way a robot's microphone
// hears it in a room: steady noise, reverberation, distance and another
// talker, each made in process from a seeded generator, so a combiner can
// be fitted on several acoustic conditions at once (multi-condition
// training; Hirsch & Pearce 2000, "The Aurora experimental framework for
// the performance evaluation of speech recognition systems under noisy
// conditions", ISCA ITRW ASR2000) without shipping or downloading any
// noise recording. Every function takes and returns 16 kHz mono samples
// and leaves its input unchanged. It is pure Go.
package roomsim

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// RMS is the root mean square of x (0 for no samples).
func RMS(x []float32) float64 {
	if len(x) == 0 {
		return 0
	}
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s / float64(len(x)))
}

// Pink is n samples of pink (1/f) noise with an RMS of 1, by the
// Voss–McCartney method: the sum of 16 random values, the k-th redrawn
// every 2^k samples, plus a white one (Gardner 1978, "White and brown
// music, fractal curves and one-over-f fluctuations", Scientific American
// 238(4)).
func Pink(n int, r *rand.Rand) []float32 {
	const rows = 16
	var held [rows]float64
	var sum float64
	for k := range held {
		held[k] = r.Float64()*2 - 1
		sum += held[k]
	}
	out := make([]float32, n)
	for i := range out {
		// The row whose bit flips from 0 to 1 at i is redrawn: row k
		// once every 2^k samples.
		if i > 0 {
			k := bits.TrailingZeros(uint(i))
			if k < rows {
				sum -= held[k]
				held[k] = r.Float64()*2 - 1
				sum += held[k]
			}
		}
		out[i] = float32(sum + r.Float64()*2 - 1)
	}
	return scaleTo(out, 1)
}

// Mix is clean with noise added at snrDB below it, both measured as the
// RMS over the whole of clean (as scripts/degrade-devset.sh mixes its
// copies). noise is looped from offset when it is shorter than clean; a
// silent clean or noise gives a copy of clean.
func Mix(clean, noise []float32, offset int, snrDB float64) []float32 {
	out := make([]float32, len(clean))
	copy(out, clean)
	if len(noise) == 0 || len(clean) == 0 {
		return out
	}
	seg := make([]float32, len(clean))
	for i := range seg {
		seg[i] = noise[(offset+i)%len(noise)]
	}
	nr, cr := RMS(seg), RMS(clean)
	if nr == 0 {
		return out
	}
	g := cr / nr * math.Pow(10, -snrDB/20)
	for i, v := range seg {
		out[i] += float32(g * float64(v))
	}
	return out
}

// Gain is x scaled by dB.
func Gain(x []float32, dB float64) []float32 {
	g := float32(math.Pow(10, dB/20))
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = v * g
	}
	return out
}

// Room is a simulated room: how long its reverberation takes to fall by
// 60 dB, and how far the reverberant energy lies below the direct sound.
type Room struct {
	RT60  float64 // seconds
	DRRdB float64 // direct-to-reverberant ratio; negative when the tail is louder
}

// Rate is the sample rate every function here works at.
const Rate = 16000

// velvetDensity is the late tail's impulses per second: about 2000 sound
// as smooth as Gaussian noise (Välimäki et al. 2013, "Late reverberation
// synthesis using filtered velvet noise", Interdisciplinary Studies in
// Musicology 13).
const velvetDensity = 2000

// Reverb is x heard in the room: the direct sound plus a late tail of
// velvet noise (sparse ±1 impulses, one at a random place in each
// 0.5 ms cell; Järveläinen & Karjalainen 2007, "Reverberation modeling
// using velvet noise", AES 30th conference) decaying by 60 dB over RT60
// and starting 5 ms after the direct sound, scaled to the room's
// direct-to-reverberant ratio. The result is as long as x: the tail past
// its end is cut, as a recording that stops is.
func Reverb(x []float32, room Room, r *rand.Rand) []float32 {
	out := make([]float32, len(x))
	copy(out, x)
	if room.RT60 <= 0 || len(x) == 0 {
		return out
	}
	cell := Rate / velvetDensity
	start := Rate * 5 / 1000
	n := int(room.RT60 * Rate)
	type tap struct {
		at  int
		amp float64
	}
	var taps []tap
	var energy float64
	for c := 0; c*cell < n; c++ {
		at := c*cell + r.IntN(cell)
		a := math.Exp(-6.908 * float64(at) / (room.RT60 * Rate)) // 60 dB over RT60
		if r.IntN(2) == 0 {
			a = -a
		}
		taps = append(taps, tap{start + at, a})
		energy += a * a
	}
	g := math.Sqrt(math.Pow(10, -room.DRRdB/10) / energy)
	for _, t := range taps {
		a := float32(t.amp * g)
		for i := 0; i+t.at < len(out); i++ {
			out[i+t.at] += a * x[i]
		}
	}
	return out
}

// scaleTo scales x in place to the given RMS.
func scaleTo(x []float32, rms float64) []float32 {
	if r := RMS(x); r > 0 {
		g := float32(rms / r)
		for i := range x {
			x[i] *= g
		}
	}
	return x
}
