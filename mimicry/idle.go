package mimicry

import (
	"math"
	"math/rand/v2"
	"time"
)

// Idle liveliness: a still robot looks dead, so it blinks, breathes and
// now and then shifts its gaze. The schedule comes from seeded generators,
// one per kind of motion, drawn only when an event falls due, so the same
// seed gives the same motion whatever the step times.
const (
	blinkClose    = 70 * time.Millisecond
	blinkOpen     = 110 * time.Millisecond
	blinkMinGap   = 2500 * time.Millisecond
	blinkMaxGap   = 6 * time.Second
	doubleBlinkP  = 0.15
	doubleBlinkAt = 280 * time.Millisecond

	breathPeriod      = 4 * time.Second  // ~15 breaths a minute, at rest
	guidedBreath      = 10 * time.Second // 6 a minute, when guiding breathing
	breathTilt        = 0.7              // degrees of head tilt at rest
	guidedBreathTilt  = 2.5
	breathShoulder    = 0.03 // fraction of shoulder travel at rest
	guidedBreathShldr = 0.1

	gazeMinGap = 1500 * time.Millisecond
	gazeMaxGap = 4500 * time.Millisecond
	gazePan    = 8.0 // degrees either side
	gazeTilt   = 4.0
)

type idle struct {
	blinkRNG, gazeRNG *rand.Rand
	nextBlink         time.Duration // start of the current or next blink
	gazeAt            time.Duration
	gazePan, gazeTilt float64
	started           bool
}

func newIdle(seed uint64) idle {
	return idle{
		blinkRNG: rand.New(rand.NewPCG(seed, 0x626c696e6b)), // "blink"
		gazeRNG:  rand.New(rand.NewPCG(seed, 0x67617a65)),   // "gaze"
	}
}

// restart begins a fresh schedule at session time at (first start, or
// coming back from still).
func (i *idle) restart(at time.Duration) {
	i.started = true
	i.nextBlink = at + between(i.blinkRNG, blinkMinGap/2, blinkMaxGap/2)
	i.gazeAt = at + between(i.gazeRNG, gazeMinGap, gazeMaxGap)
	i.gazePan, i.gazeTilt = 0, 0
}

// blink returns how far the lids are closed at time at, 0..1.
func (i *idle) blink(at time.Duration) float64 {
	for at >= i.nextBlink+blinkClose+blinkOpen {
		gap := between(i.blinkRNG, blinkMinGap, blinkMaxGap)
		if i.blinkRNG.Float64() < doubleBlinkP {
			gap = doubleBlinkAt
		}
		i.nextBlink += gap
	}
	t := at - i.nextBlink
	if t < 0 {
		return 0
	}
	if t < blinkClose {
		return float64(t) / float64(blinkClose)
	}
	return 1 - float64(t-blinkClose)/float64(blinkOpen)
}

// gaze returns the current small gaze offset (pan, tilt degrees).
func (i *idle) gaze(at time.Duration) (pan, tilt float64) {
	for at >= i.gazeAt {
		i.gazePan = (2*i.gazeRNG.Float64() - 1) * gazePan
		i.gazeTilt = (2*i.gazeRNG.Float64() - 1) * gazeTilt
		i.gazeAt += between(i.gazeRNG, gazeMinGap, gazeMaxGap)
	}
	return i.gazePan, i.gazeTilt
}

// breath returns the breathing phase value at time at, -1..1, for a given
// period: a smooth in-breath and a longer out-breath, like a person at rest.
func breath(at, period time.Duration) float64 {
	ph := math.Mod(float64(at), float64(period)) / float64(period)
	const in = 0.4 // in-breath share of the cycle
	if ph < in {
		return -math.Cos(math.Pi * ph / in)
	}
	return math.Cos(math.Pi * (ph - in) / (1 - in))
}

func between(r *rand.Rand, lo, hi time.Duration) time.Duration {
	return lo + time.Duration(r.Int64N(int64(hi-lo)))
}
