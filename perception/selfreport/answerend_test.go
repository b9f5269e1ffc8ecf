package selfreport

import (
	"math"
	"testing"
)

// sound is n samples of a 200 Hz tone at amplitude a (RMS a/√2).
func sound(n int, a float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(a * math.Sin(2*math.Pi*200*float64(i)/16000))
	}
	return x
}

func cat(parts ...[]float32) []float32 {
	var x []float32
	for _, p := range parts {
		x = append(x, p...)
	}
	return x
}

func TestAnswerEnd(t *testing.T) {
	const ms = 16 // samples a millisecond
	quiet := func(d int) []float32 { return sound(d*ms, 0.001) }
	loud := func(d int) []float32 { return sound(d*ms, 0.2) }
	for _, tc := range []struct {
		name string
		x    []float32
		want int // samples Cut keeps; len(x) when never over
	}{
		{"a word, then 0.7 s of quiet", cat(quiet(300), loud(400), quiet(1500)), (300 + 400 + 700) * ms},
		{"a pause inside the answer goes on", cat(loud(300), quiet(600), loud(300), quiet(1000)), (300 + 600 + 300 + 700) * ms},
		{"too short a sound is no answer", cat(loud(100), quiet(2000)), 2100 * ms},
		{"quiet only", quiet(3000), 3000 * ms},
		{"a room at -37 dBFS never falls quiet", cat(loud(400), sound(2000*ms, 0.02)), 2400 * ms},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := len(Cut(tc.x, AnswerChunk)); got != tc.want {
				t.Errorf("Cut kept %d samples (%.0f ms), want %d (%.0f ms)", got, float64(got)/ms, tc.want, float64(tc.want)/ms)
			}
		})
	}
}
