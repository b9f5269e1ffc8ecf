package mimicry

import (
	"math"
	"slices"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Head gestures are found from the head-pose history: a nod is a quick
// swing of pitch followed at once by a swing back, with little yaw; a shake
// is the same in yaw with little pitch. Swings are found with hysteresis
// (a turning point counts only once the head has come back by swingMin),
// which keeps landmark jitter from looking like motion.
const (
	swingMin      = 3 * perception.Degree    // how far a swing must go to count
	swingMaxDur   = 700 * time.Millisecond   // a slower swing is looking, not nodding
	swingStill    = 600 * time.Millisecond   // no new extreme for this long ends a swing
	crossAxisFrac = 0.5                      // the other axis may move at most this fraction
	gestureRest   = time.Second              // refractory time after a detection
	boutGap       = 500 * time.Millisecond   // stillness that ends a bout of nodding
	historyLen    = 128                      // pose samples kept for the cross-axis check
	restBand      = 0.75 * perception.Degree // jitter around a resting level
	tempoRatio    = 2.5                      // how unlike two strokes of one cyclic gesture may last
	noiseStrokes  = 5.0                      // a cyclic gesture's least stroke, in SDs of the pose's own jitter
)

// swing is one monotonic excursion of an angle.
type swing struct {
	from, to time.Duration
	amp      perception.Angle // signed: positive when the angle rose
	seen     time.Duration    // when it had gone swingMin from its start, or turned
}

// swingTracker follows one angle and reports swings as they complete.
type swingTracker struct {
	dir         int // +1 rising, -1 falling, 0 not moving
	start       perception.Angle
	startAt     time.Duration
	startSeen   time.Duration // when the swing in progress was found
	ext         perception.Angle
	extAt       time.Duration
	lo, hi      perception.Angle // while not moving: the range since the anchor
	loAt, hiAt  time.Duration
	prev        swing // the last completed swing
	hasPrev     bool
	chain       int              // quick swings back to back, each turning the last, ending with prev
	least       perception.Angle // the smallest of them
	initialised bool
	// A bout is quick swings back to back at any tempo, the newest
	// ending at lastQuick (hadQuick: there was one). boutFrom is when the
	// newest bout began (the last moment at rest, which jitter may put a
	// few frames early), boutSeen when its first swing had gone swingMin,
	// and boutQuiet how long before boutFrom the quick swing before it
	// ended (quickBefore: there was one).
	boutFrom, boutSeen    time.Duration
	boutQuiet             time.Duration
	lastQuick             time.Duration
	hadQuick, quickBefore bool
}

// update feeds one value and returns the swing in progress (from its start
// to the newest extreme) and whether one is in progress.
func (w *swingTracker) update(at time.Duration, v perception.Angle) (swing, bool) {
	if !w.initialised {
		w.initialised = true
		w.anchor(at, v)
		return swing{}, false
	}
	switch w.dir {
	case 0:
		// An end not visited for a while is forgotten, so slow drift never
		// adds up to a swing.
		if at-w.loAt > swingStill {
			w.lo = v
		}
		if at-w.hiAt > swingStill {
			w.hi = v
		}
		w.lo, w.hi = min(w.lo, v), max(w.hi, v)
		// The times are the last moments near each end, so a swing starts
		// when the head leaves its resting level, not when it got there.
		if v <= w.lo+restBand {
			w.loAt = at
		}
		if v >= w.hi-restBand {
			w.hiAt = at
		}
		switch {
		case v-w.lo >= swingMin:
			w.dir, w.start, w.startAt, w.startSeen = 1, w.lo, w.loAt, at
		case w.hi-v >= swingMin:
			w.dir, w.start, w.startAt, w.startSeen = -1, w.hi, w.hiAt, at
		default:
			return swing{}, false
		}
		w.ext, w.extAt = v, at
	default:
		d := float64(w.dir)
		switch {
		case (v-w.ext).Degrees()*d > 0:
			w.ext, w.extAt = v, at
		case (w.ext-v).Degrees()*d >= swingMin.Degrees():
			// Turned: the swing up to the extreme is complete and the
			// next one starts there.
			w.complete(w.current())
			w.dir, w.start, w.startAt, w.startSeen = -w.dir, w.ext, w.extAt, at
			w.ext, w.extAt = v, at
		case at-w.extAt > swingStill:
			w.complete(w.current())
			w.anchor(at, v)
			return swing{}, false
		}
	}
	return w.current(), true
}

// complete records a finished swing, and how many quick swings, each
// reversing the one before without a pause at a like tempo, it ends.
func (w *swingTracker) complete(s swing) {
	switch quick := s.to-s.from <= swingMaxDur; {
	case !quick:
		w.chain = 0
	case w.hasPrev && w.chain > 0 && w.prev.to == s.from && w.prev.amp.Degrees()*s.amp.Degrees() < 0 &&
		steadyTempo(w.prev.to-w.prev.from, s.to-s.from):
		w.chain++
		w.least = min(w.least, perception.Degrees(math.Abs(s.amp.Degrees())))
	default:
		w.chain, w.least = 1, perception.Degrees(math.Abs(s.amp.Degrees()))
	}
	if s.to-s.from <= swingMaxDur {
		if !w.hadQuick || s.from != w.lastQuick {
			w.boutFrom, w.boutSeen, w.quickBefore, w.boutQuiet = s.from, s.seen, w.hadQuick, s.from-w.lastQuick
		}
		w.lastQuick, w.hadQuick = s.to, true
	}
	w.prev, w.hasPrev = s, true
}

// steadyTempo reports whether two back-to-back swings last alike, as the
// strokes of one cyclic movement do: neither more than tempoRatio times
// the other.
func steadyTempo(a, b time.Duration) bool {
	return float64(max(a, b)) <= tempoRatio*float64(max(min(a, b), 1))
}

func (w *swingTracker) anchor(at time.Duration, v perception.Angle) {
	w.dir = 0
	w.lo, w.hi, w.loAt, w.hiAt = v, v, at, at
}

func (w *swingTracker) current() swing {
	return swing{from: w.startAt, to: w.extAt, amp: w.ext - w.start, seen: w.startSeen}
}

// gestureKind is a detected head gesture.
type gestureKind int

const (
	gestureNone gestureKind = iota
	gestureNod
	gestureShake
)

// poseHistory keeps recent head angles for the cross-axis check.
type poseHistory struct {
	at         [historyLen]time.Duration
	pitch, yaw [historyLen]perception.Angle
	next, n    int
}

func (h *poseHistory) add(at time.Duration, pitch, yaw perception.Angle) {
	h.at[h.next], h.pitch[h.next], h.yaw[h.next] = at, pitch, yaw
	h.next = (h.next + 1) % historyLen
	h.n = min(h.n+1, historyLen)
}

// ranges returns the spread of pitch and yaw since from.
func (h *poseHistory) ranges(from time.Duration) (pitch, yaw perception.Angle) {
	inf := perception.Degrees(math.Inf(1))
	pLo, pHi, yLo, yHi := inf, -inf, inf, -inf
	for i := range h.n {
		k := (h.next - 1 - i + historyLen) % historyLen
		if h.at[k] < from {
			break
		}
		pLo, pHi = min(pLo, h.pitch[k]), max(pHi, h.pitch[k])
		yLo, yHi = min(yLo, h.yaw[k]), max(yHi, h.yaw[k])
	}
	if pLo > pHi {
		return 0, 0
	}
	return pHi - pLo, yHi - yLo
}

// noise estimates the SD of the pose's frame-to-frame jitter in pitch and
// yaw from the median absolute step between the samples kept: for white
// noise of SD s a step has SD s·√2 and its median magnitude is 0.674 of
// that, and the median ignores the few large steps of real movement.
func (h *poseHistory) noise() (pitch, yaw perception.Angle) {
	var dp, dy [historyLen]float64
	n := 0
	for i := 1; i < h.n; i++ {
		k, j := (h.next-i+historyLen)%historyLen, (h.next-i-1+historyLen)%historyLen
		dp[n], dy[n] = math.Abs((h.pitch[k] - h.pitch[j]).Degrees()), math.Abs((h.yaw[k] - h.yaw[j]).Degrees())
		n++
	}
	if n == 0 {
		return 0, 0
	}
	const scale = 0.6745 * math.Sqrt2
	return perception.Degrees(median(dp[:n]) / scale), perception.Degrees(median(dy[:n]) / scale)
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}

// headGestures detects nods and shakes in one person's head pose.
type headGestures struct {
	// swings is how many quick back-to-back swings, the last one in
	// progress, make a gesture; below 2 (the zero value) it is 2: one
	// swing and its return.
	swings     int
	pitch, yaw swingTracker
	hist       poseHistory
	quietUntil time.Duration
	track      int
	active     bool
}

func (g *headGestures) reset() { *g = headGestures{swings: g.swings} }

// observe feeds one head pose (observation time) and reports a gesture at
// the moment its return swing is big enough to be sure of it.
func (g *headGestures) observe(at time.Duration, track int, pitch, yaw perception.Angle) gestureKind {
	if g.active && track != g.track {
		g.reset()
	}
	g.active, g.track = true, track
	g.hist.add(at, pitch, yaw)
	p, pOK := g.pitch.update(at, pitch)
	y, yOK := g.yaw.update(at, yaw)
	if at < g.quietUntil {
		// A bout of nodding or shaking is one gesture: while the head
		// keeps swinging, the quiet time goes on.
		if g.pitch.dir != 0 || g.yaw.dir != 0 {
			g.quietUntil = max(g.quietUntil, at+boutGap)
		}
		return gestureNone
	}
	if pOK && g.there(&g.pitch, p) && g.clearOfJitter(&g.pitch, p, 0) {
		pr, yr := g.hist.ranges(g.pitch.prev.from)
		if yr <= crossAxisFrac*pr {
			g.fired(at)
			return gestureNod
		}
	}
	if yOK && g.there(&g.yaw, y) && g.clearOfJitter(&g.yaw, y, 1) {
		pr, yr := g.hist.ranges(g.yaw.prev.from)
		if pr <= crossAxisFrac*yr {
			g.fired(at)
			return gestureShake
		}
	}
	return gestureNone
}

// there reports whether the swing in progress answers the previous one:
// both quick, opposite, back-to-back, the return at least half as big,
// and with it the chain of such swings is g.swings long.
func (g *headGestures) there(w *swingTracker, cur swing) bool {
	if !w.hasPrev {
		return false
	}
	prev := w.prev
	pa, ca := prev.amp.Degrees(), cur.amp.Degrees()
	return w.chain+1 >= g.swings &&
		prev.to == cur.from &&
		pa*ca < 0 &&
		math.Abs(pa) >= (swingMin+perception.Degree).Degrees() &&
		math.Abs(ca) >= max(swingMin.Degrees(), 0.5*math.Abs(pa)) &&
		prev.to-prev.from <= swingMaxDur &&
		cur.to-cur.from <= swingMaxDur
}

// clearOfJitter reports, for a gesture of more than one swing and its
// return, whether none of its swings is under noiseStrokes times the
// angle's own jitter (axis 0 pitch, 1 yaw): chance swings of a noisy fit
// (a dim room, a small face) must not chain into a gesture.
func (g *headGestures) clearOfJitter(w *swingTracker, cur swing, axis int) bool {
	if g.swings <= 2 {
		return true
	}
	pitch, yaw := g.hist.noise()
	noise := []perception.Angle{pitch, yaw}[axis]
	least := min(w.least.Degrees(), math.Abs(cur.amp.Degrees()))
	return least >= noiseStrokes*noise.Degrees()
}

func (g *headGestures) fired(at time.Duration) {
	g.quietUntil = at + gestureRest
	g.pitch.hasPrev, g.yaw.hasPrev = false, false
	g.pitch.chain, g.yaw.chain = 0, 0
}
