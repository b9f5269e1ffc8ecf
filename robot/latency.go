package robot

import (
	"slices"
	"time"
)

// latencyWindow keeps the most recent latencies (a fixed ring) and the
// maximum ever seen, so memory stays bounded however long a session runs.
type latencyWindow struct {
	ring [4096]float64 // milliseconds
	n    int           // samples ever added
	max  float64
}

func (w *latencyWindow) add(d time.Duration) {
	ms := float64(d) / float64(time.Millisecond)
	if ms < 0 {
		ms = 0
	}
	w.ring[w.n%len(w.ring)] = ms
	w.n++
	if ms > w.max {
		w.max = ms
	}
}

// summary computes percentiles over the window (nearest rank).
func (w *latencyWindow) summary() LatencyMS {
	k := min(w.n, len(w.ring))
	if k == 0 {
		return LatencyMS{}
	}
	s := slices.Clone(w.ring[:k])
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(p*float64(k)+0.999999) - 1
		return s[max(0, min(k-1, i))]
	}
	return LatencyMS{P50: rank(0.50), P95: rank(0.95), Max: w.max, N: w.n}
}
