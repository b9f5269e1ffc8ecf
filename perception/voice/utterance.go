package voice

import (
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Utterance is one stretch of voice activity, summarised when it ends:
// Praat's jitter, shimmer and HNR, the eGeMAPS-style functionals, and its
// most frequent vocalisation with the highest distress heard in it.
type Utterance struct {
	Start, End   time.Duration // media time
	Vocalisation perception.Vocalisation
	Summary      Summary
}

const (
	maxUtterance   = 10 * Rate // longer stretches are summarised in pieces
	utterancePad   = HopSamples * 5
	utteranceSlack = segmentGap // quiet hops that end an utterance
)

// utterances cuts the stream into utterances for Opts.OnUtterance. It keeps
// the recent samples itself because the analyser's history is only a few
// windows long.
type utterances struct {
	ring     []float32 // the last len(ring) samples
	total    int64     // samples seen
	origin   time.Duration
	hops     []HopFeatures
	active   bool
	lastAct  int // index in hops of the last active hop
	classes  map[perception.VocalClass]int
	distress float64
	deliver  func(Utterance)
}

func newUtterances(deliver func(Utterance)) *utterances {
	return &utterances{ring: make([]float32, maxUtterance+4*utterancePad), deliver: deliver,
		classes: map[perception.VocalClass]int{}}
}

func (u *utterances) samples(x []float32) {
	for _, v := range x {
		u.ring[u.total%int64(len(u.ring))] = v
		u.total++
	}
}

// hop takes one finished hop and its observation.
func (u *utterances) hop(h HopFeatures, o perception.VoiceObs) {
	if !u.active {
		if !h.Active {
			return
		}
		u.active = true
		u.hops = u.hops[:0]
		clear(u.classes)
		u.distress = 0
	}
	u.hops = append(u.hops, h)
	if h.Active {
		u.lastAct = len(u.hops) - 1
	}
	if o.Vocalisation.Class != perception.VocalSilence {
		u.classes[o.Vocalisation.Class]++
		u.distress = max(u.distress, o.Vocalisation.Distress)
	}
	span := u.hops[len(u.hops)-1].At - u.hops[0].At
	if len(u.hops)-1-u.lastAct > utteranceSlack || span >= time.Duration(maxUtterance)*time.Second/Rate {
		u.finish()
	}
}

// finish summarises the active part of the current utterance.
func (u *utterances) finish() {
	if !u.active {
		return
	}
	u.active = false
	hops := u.hops[:u.lastAct+1]
	first := hops[0].At - Hop/2
	last := hops[len(hops)-1].At + Hop/2
	from := int64((first-u.origin)*Rate/time.Second) - utterancePad
	to := int64((last-u.origin)*Rate/time.Second) + utterancePad
	from = max(from, u.total-int64(len(u.ring)), 0)
	to = min(to, u.total)
	if to-from < HopSamples*4 {
		return
	}
	x := make([]float32, to-from)
	for i := range x {
		x[i] = u.ring[(from+int64(i))%int64(len(u.ring))]
	}
	// Hop times relative to x[0], as Summarize expects.
	base := u.origin + time.Duration(from)*time.Second/Rate
	rel := make([]HopFeatures, len(hops))
	for i, h := range hops {
		h.At -= base
		rel[i] = h
	}
	best, bestN := perception.VocalSilence, 0
	for c, n := range u.classes {
		if n > bestN || (n == bestN && c < best) {
			best, bestN = c, n
		}
	}
	u.deliver(Utterance{Start: first, End: last, Vocalisation: perception.Vocalisation{Class: best, Distress: u.distress},
		Summary: Summarize(x, rel)})
}
