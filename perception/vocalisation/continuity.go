package vocalisation

import (
	"math"

	"github.com/kindred-hri/kindred/perception/voice"
)

// Pitch continuity: added for issue 19 (throat-clearing called a moan
// across a room) and in the shipped feature set since ten fresh speaker
// shuffles confirmed it (MODEL_CARD.md, "Pitch continuity"). A moan or cry is sustained phonation whose F0 is steady or
// glides; a throat-clearing or cough is a short burst whose voicing, when
// there is any, is irregular (Korpáš et al. 1996, "Analysis of the cough
// sound: an overview", Pulmonary Pharmacology 9). A larynx cannot move its
// pitch by a semitone in 10 ms on purpose: the fastest measured pitch
// changes take about 100 ms for a few semitones (Xu & Sun 2002, "Maximum
// speed of pitch change and how it may relate to speech", JASA 111), so a
// jump that large between neighbouring voiced hops is a break in
// phonation (creak, a glottal burst, a pitch-tracking break on aperiodic
// voicing), not intonation.
const f0BreakST = 1

// Continuity feature names: the share of neighbouring voiced hops whose
// F0 breaks, and the longest stretch of voiced hops without a break (s).
const (
	featF0Breaks  = "a_f0_breaks"
	featStableRun = "a_stable_f0_run"
)

// continuity measures pitch continuity over hops (the foreground of what
// is judged).
func continuity(hops []voice.HopFeatures) (breaks, stableRun float64) {
	var pairs, broken float64
	run, best := 0, 0
	for i, h := range hops {
		if !h.Voiced || h.F0 <= 0 {
			run = 0
			continue
		}
		if i > 0 && hops[i-1].Voiced && hops[i-1].F0 > 0 {
			pairs++
			if math.Abs(12*math.Log2(h.F0/hops[i-1].F0)) > f0BreakST {
				broken++
				run = 1
			} else {
				run++
			}
		} else {
			run = 1
		}
		best = max(best, run)
	}
	if pairs > 0 {
		breaks = broken / pairs
	}
	return breaks, float64(best) * voice.Hop.Seconds()
}
