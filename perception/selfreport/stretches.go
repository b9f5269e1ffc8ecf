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
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	floor := max(sorted[n/10], -75) // digital silence: a floor of −75 dBFS
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
	for i, v := range db {
		if v < floor+15 {
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
