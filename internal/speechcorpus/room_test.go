package speechcorpus

import (
	"math"
	"os/exec"
	"testing"

	"github.com/kindred-hri/kindred/perception/voice/roomsim"
)

// tone is a second of a 440 Hz tone with a second of silence after it.
func tone() []float32 {
	x := make([]float32, 2*Rate)
	for i := range Rate {
		x[i] = float32(0.3 * math.Sin(2*math.Pi*440*float64(i)/Rate))
	}
	return x
}

func TestRoomNoiseIsAtItsSNR(t *testing.T) {
	for _, c := range []Condition{Pink20, Pink10, TV20, TV10} {
		r, err := NewRoom(c)
		if err != nil {
			t.Skip(err)
		}
		x := tone()
		y, err := r.Hear(t.Context(), x, 3)
		if err != nil {
			t.Fatal(err)
		}
		n := make([]float32, len(x))
		for i := range x {
			n[i] = y[i] - x[i]
		}
		if got := 20 * math.Log10(roomsim.RMS(x)/roomsim.RMS(n)); math.Abs(got-snrOf(c)) > 0.01 {
			t.Errorf("%s: SNR %.2f dB, want %g", c, got, snrOf(c))
		}
		// The quiet second is no longer silent: the noise fills it.
		if roomsim.RMS(y[Rate:]) == 0 {
			t.Errorf("%s: the pause stayed silent", c)
		}
		again, _ := r.Hear(t.Context(), x, 3)
		for i := range y {
			if y[i] != again[i] {
				t.Fatalf("%s: clip 3 heard twice differs at sample %d", c, i)
			}
		}
	}
}

// TestPinkNoiseFallsThreeDBAnOctave compares the noise's power in two
// octave bands a decade apart: 1/f noise has the same power in each.
func TestPinkNoiseFallsThreeDBAnOctave(t *testing.T) {
	x := pinkNoise(4*Rate, 1)
	band := func(lo float64) float64 { // power in [lo, 2lo), 20 DFT bins of 1 s blocks
		var p float64
		for b := 0; b < 4; b++ {
			blk := x[b*Rate : (b+1)*Rate]
			for f := lo; f < 2*lo; f += lo / 20 {
				var re, im float64
				for i, v := range blk {
					a := 2 * math.Pi * f * float64(i) / Rate
					re += float64(v) * math.Cos(a)
					im -= float64(v) * math.Sin(a)
				}
				p += (re*re + im*im) * lo / 20 // each bin stands for lo/20 Hz
			}
		}
		return p
	}
	if d := 10 * math.Log10(band(100)/band(1000)); math.Abs(d) > 1.5 {
		t.Errorf("octave 100-200 Hz vs 1000-2000 Hz: %.1f dB apart, want about 0 (pink)", d)
	}
}

func TestRoomReverbKeepsLengthAndSpreads(t *testing.T) {
	if _, err := exec.LookPath("sox"); err != nil {
		t.Skip("sox not installed")
	}
	for _, c := range []Condition{Reverb50, Reverb90, Far} {
		r, err := NewRoom(c)
		if err != nil {
			t.Fatal(err)
		}
		x := tone()
		y, err := r.Hear(t.Context(), x, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(y) != len(x) {
			t.Fatalf("%s: %d samples out of %d", c, len(y), len(x))
		}
		// The room rings on after the tone stops.
		if roomsim.RMS(y[Rate:Rate+Rate/10]) == 0 {
			t.Errorf("%s: no reverberation after the tone", c)
		}
	}
	if _, err := ParseConditions("pink10,kitchen"); err == nil {
		t.Error("ParseConditions took an unknown condition")
	}
}
