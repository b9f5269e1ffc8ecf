package sphinx

import "math/rand/v2"

// ditherSeed seeds the dither's generator; measurements vary it to see
// how much of a difference the dither makes is its one draw of noise.
var ditherSeed uint64 = 0x6b696e64

// lsb is one step of 16-bit audio in the −1…1 scale the decoder takes.
const lsb = 1.0 / 32767

// dithered returns x with triangular noise of peak amp steps of 16-bit
// audio added (the sum of two uniform draws: Lipshitz, Wannamaker & Vanderkooy,
// JAES 1992, "Quantization and dither: a theoretical survey"), or x
// itself when amp is 0. The noise comes from a generator seeded the same
// way for every answer, so that the same answer always gives the same
// reply, whatever was decoded before.
func dithered(x []float32, amp float64) []float32 {
	if amp == 0 {
		return x
	}
	rng := rand.New(rand.NewPCG(ditherSeed, 0x72656421))
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = v + float32(amp*lsb*(rng.Float64()-rng.Float64()))
	}
	return out
}
