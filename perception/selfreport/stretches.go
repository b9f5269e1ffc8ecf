package selfreport

import (
	"math"
	"slices"
	"time"
)

// Stretch is a span of a recording, in samples.
type Stretch struct{ Start, End int }

// Stretches cuts a recording (rate samples a second) into the stretches of
// speech a short answer is looked for in: 10 ms frames louder than the
// recording's quiet (its 10th-percentile frame energy) by more than 15 dB,
// joined across pauses shorter than gap and widened by pad either side.
// Stretches longer than longest are left out: an answer is short, and a
// long stretch of talk is not one.
func Stretches(x []float32, rate int, gap, pad, longest time.Duration) []Stretch {
	frame := rate / 100
	loud := LoudFrames(x, rate)
	if loud == nil {
		return nil
	}
	toFrames := func(d time.Duration) int { return int(d.Seconds() * 100) }
	var out []Stretch
	start, last := -1, -1
	flush := func() {
		if start < 0 {
			return
		}
		s := max(0, (start-toFrames(pad))*frame)
		e := min(len(x), (last+1+toFrames(pad))*frame)
		if time.Duration(e-s)*time.Second/time.Duration(rate) <= longest {
			out = append(out, Stretch{s, e})
		}
		start = -1
	}
	for i, l := range loud {
		if !l {
			continue
		}
		if start >= 0 && i-last > toFrames(gap) {
			flush()
		}
		if start < 0 {
			start = i
		}
		last = i
	}
	flush()
	return out
}

// LoudFrames marks the 10 ms frames of x (rate samples a second) that are
// speech by Stretches' rule: louder than the recording's quiet (its
// 10th-percentile frame energy, never below -75 dBFS, digital silence) by
// 15 dB or more. Nil when x is shorter than a frame.
func LoudFrames(x []float32, rate int) []bool { return LoudLevels(FrameLevels(x, rate)) }

// FrameLevels are the energies of x's 10 ms frames (rate samples a
// second) in dBFS. Nil when x is shorter than a frame.
func FrameLevels(x []float32, rate int) []float64 {
	frame := rate / 100
	if frame <= 0 || len(x) < frame {
		return nil
	}
	n := len(x) / frame
	db := make([]float64, n)
	for i := range n {
		var e float64
		for _, v := range x[i*frame : (i+1)*frame] {
			e += float64(v) * float64(v)
		}
		db[i] = 10 * math.Log10(e/float64(frame)+1e-12)
	}
	return db
}

// LoudLevels marks the frames of FrameLevels that LoudFrames takes for
// speech.
func LoudLevels(db []float64) []bool {
	n := len(db)
	if n == 0 {
		return nil
	}
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	floor := max(sorted[n/10], -75)
	out := make([]bool, n)
	for i, v := range db {
		out[i] = v >= floor+15
	}
	return out
}
