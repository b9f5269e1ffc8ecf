package roomsim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func tone(n int, amp float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*220*float64(i)/Rate))
	}
	return x
}

func db(a, b float64) float64 { return 20 * math.Log10(a/b) }

// The noise is added at the asked SNR against the whole clip, looped from
// the offset, and the clean input is left as it was.
func TestMixSNR(t *testing.T) {
	clean := tone(Rate, 0.3)
	keep := slices.Clone(clean)
	noise := Pink(Rate/3, rand.New(rand.NewPCG(1, 2)))
	for _, snr := range []float64{5, 12, 20} {
		out := Mix(clean, noise, 1000, snr)
		added := make([]float32, len(out))
		for i := range out {
			added[i] = out[i] - clean[i]
		}
		if got := db(RMS(clean), RMS(added)); math.Abs(got-snr) > 0.01 {
			t.Errorf("SNR %.0f dB: got %.2f dB", snr, got)
		}
		if want := noise[(1000+5)%len(noise)]; math.Abs(float64(added[5]/want)-float64(added[6]/noise[(1000+6)%len(noise)])) > 1e-4 {
			t.Errorf("SNR %.0f dB: the noise is not the track from the offset", snr)
		}
	}
	if !slices.Equal(clean, keep) {
		t.Error("Mix changed its input")
	}
	if out := Mix(make([]float32, 100), noise, 0, 10); RMS(out) != 0 {
		t.Error("a silent clip got noise: the SNR of silence is undefined")
	}
	if out := Mix(clean, make([]float32, 50), 0, 10); !slices.Equal(out, clean) {
		t.Error("silent noise changed the clip")
	}
}

// Pink noise has an RMS of 1 and about 3 dB less power per octave up:
// the band 2-4 kHz is some 12 dB below 125-250 Hz (four octaves).
func TestPinkSlope(t *testing.T) {
	x := Pink(1<<16, rand.New(rand.NewPCG(3, 4)))
	if r := RMS(x); math.Abs(r-1) > 1e-6 {
		t.Errorf("RMS %.4f, want 1", r)
	}
	low, high := bandPower(x, 125, 250), bandPower(x, 2000, 4000)
	// Power per octave falls 3 dB an octave; summed over each octave
	// band it stays the same, so compare the power per hertz.
	perHz := 10 * math.Log10((low/125)/(high/2000))
	if perHz < 9 || perHz > 15 {
		t.Errorf("power density 125-250 Hz is %.1f dB above 2-4 kHz; pink noise has 12", perHz)
	}
	if !slices.Equal(x, Pink(1<<16, rand.New(rand.NewPCG(3, 4)))) {
		t.Error("the same seed gave other noise")
	}
}

// bandPower sums the power of x between lo and hi Hz by a plain DFT over
// a few blocks.
func bandPower(x []float32, lo, hi float64) float64 {
	const n = 1024
	var p float64
	for b := 0; b+n <= len(x) && b < 16*n; b += n {
		for k := int(lo * n / Rate); k < int(hi*n/Rate); k++ {
			var re, im float64
			for i := range n {
				a := 2 * math.Pi * float64(k*i) / n
				re += float64(x[b+i]) * math.Cos(a)
				im -= float64(x[b+i]) * math.Sin(a)
			}
			p += re*re + im*im
		}
	}
	return p
}

// The room's tail carries the asked share of energy, decays by about
// 60 dB over RT60, and starts after the direct sound.
func TestReverbTail(t *testing.T) {
	imp := make([]float32, 2*Rate)
	imp[0] = 1
	for _, room := range []Room{{RT60: 0.5, DRRdB: 0}, {RT60: 0.8, DRRdB: -6}} {
		h := Reverb(imp, room, rand.New(rand.NewPCG(5, 6)))
		if h[0] != 1 {
			t.Errorf("%+v: direct sound %.3f, want 1", room, h[0])
		}
		var tail, early, late float64
		for i, v := range h[1:] {
			e := float64(v) * float64(v)
			tail += e
			switch at := float64(i+1) / Rate; {
			case at < 0.1:
				early += e
			case at >= room.RT60/2 && at < room.RT60/2+0.1:
				late += e
			}
		}
		if got := 10 * math.Log10(1/tail); math.Abs(got-room.DRRdB) > 0.01 {
			t.Errorf("%+v: direct-to-reverberant %.2f dB", room, got)
		}
		// Half of RT60 later the tail is 30 dB down.
		if drop := 10 * math.Log10(early/late); drop < 25 || drop > 35 {
			t.Errorf("%+v: the tail fell %.1f dB over RT60/2, want about 30", room, drop)
		}
		for i := 1; i < Rate*5/1000; i++ {
			if h[i] != 0 {
				t.Fatalf("%+v: tail at %d samples, before its 5 ms pre-delay", room, i)
			}
		}
		if len(h) != len(imp) {
			t.Errorf("%+v: %d samples out of %d", room, len(h), len(imp))
		}
	}
	if x := tone(100, 0.1); !slices.Equal(Reverb(x, Room{}, rand.New(rand.NewPCG(1, 1))), x) {
		t.Error("a room without reverberation changed the sound")
	}
}

func TestGain(t *testing.T) {
	x := tone(Rate, 0.4)
	if got := db(RMS(Gain(x, -12)), RMS(x)); math.Abs(got+12) > 1e-3 {
		t.Errorf("-12 dB gave %.3f dB", got)
	}
}
