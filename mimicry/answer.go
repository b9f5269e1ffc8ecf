package mimicry

import (
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// HeadAnswers reads a yes or a no from one person's head: a nod is yes, a
// head-shake no. It is the detector the Mirror uses to nod back, for the
// self-report dialogue in a language without an answer model (the robot
// asks "Nod for yes, or shake your head for no"). The zero value is ready;
// one goroutine uses it.
type HeadAnswers struct {
	g      headGestures
	single bool          // read one swing and its return as an answer (the Mirror's rule), for tests
	settle time.Duration // AnswerSettle unless set, for the measurements
	// asked is when the question's words ended (Asked), and deliberate
	// whether Asked was called since the last Reset.
	asked      time.Duration
	deliberate bool
	// seenFrom is when the head has been in view since, without a gap:
	// stillness is only known where the head was seen.
	seenFrom, seenLast time.Duration
	seen               bool
}

// answerSwings is how many quick back-to-back swings an answer takes: two
// down-up cycles. Listeners signal yes and no with symmetrical, cyclic head
// movements (Hadar, Steiner and Rose, "Head movement during listening turns
// in conversation", J Nonverbal Behav 9(4), 1985), whereas on real faces
// the landmark fit's pose makes one swing and its return of 5-7° when the
// expression changes (a grin ending, the mouth closing), which read as a
// yes nobody gave in 10 of 21 answer windows with one swing and its
// return enough (README, "An unclear answer is asked again by nod"). A
// single nod is therefore not an answer; the Mirror still nods back to it.
const answerSwings = 4

// AnswerSettle is how long a head must have been seen still, no quick
// swing in pitch, before a nod that answers a question asked with Asked.
// A deliberate answer is a response to the question, the head going from
// still to a nod once it is put, whereas a head that nods along to talk,
// rocks, bobs with laughter or shakes with a tremor is already swinging
// when the question comes. While a head swings at any tempo that could
// chain into a nod (swings of at most swingMaxDur, 700 ms) there is no
// gap between its quick swings. Between bouts there is: on synthetic
// heads moving through a question (TestNodFalseYesMeasured, 100 seeds
// each), bouts of laughter (4° every 400 ms for 1.2 s, pauses of 0.5-2 s)
// read a yes after Asked in 71 windows with 1 s of stillness, 18 with
// 1.5 s and none with 2 s; two-nod bouts of nodding along with pauses of
// 0.5-3 s in 84, 77 and 57 (1 with 3 s); read afresh from the window's
// opening, as before Asked, both in all 100. Longer would refuse more of the
// people who moved shortly before answering on purpose; a head still
// while the question is said passes at any of these, as the answer desk
// keeps its poses from before the question.
const AnswerSettle = 2 * time.Second

// answerGap is a break in the head's poses after which it is taken as not
// seen before: its stillness meanwhile is unknown.
const answerGap = 500 * time.Millisecond

// Asked says the question's words ended at session time at (its answer
// window opened): from then on a nod answers yes only if its first swing
// was found (had gone 3°) after at, and the head was seen, with no quick
// swing in pitch, for AnswerSettle before that swing began. A nod that fails this answers nothing; a
// head-shake still answers no. Feed the poses from before the question
// (its words, and the AnswerSettle before them) so that a head already
// nodding is known to be; until Asked, Observe reads answers as ever.
func (h *HeadAnswers) Asked(at time.Duration) { h.asked, h.deliberate = at, true }

// fromStill reports whether the nod just read began after Asked's moment,
// from a head seen still for the settle time before it. The nod began
// with its bout: the quick pitch swings back to back, at any tempo, that
// end with it (a nod's first stroke may be quicker than the rest, and
// chain on with them only from the second). It began after Asked's
// moment if its first swing was found (had gone swingMin) after it: the
// last moment at rest before it may be put a few frames early by jitter.
func (h *HeadAnswers) fromStill() bool {
	settle := h.settle
	if settle == 0 {
		settle = AnswerSettle
	}
	p := &h.g.pitch
	return p.boutSeen >= h.asked && p.boutFrom-h.seenFrom >= settle &&
		(!p.quickBefore || p.boutQuiet >= settle)
}

// Observe feeds one head pose (observation time, the face's track) and
// returns Yes at the moment a nod is sure, No for a shake, else NoAnswer.
func (h *HeadAnswers) Observe(at time.Duration, track int, pose perception.HeadPose) selfreport.Answer {
	h.g.swings = answerSwings
	if h.single {
		h.g.swings = 2
	}
	if !h.seen || at-h.seenLast > answerGap || (h.g.active && track != h.g.track) {
		h.seenFrom, h.seen = at, true
	}
	h.seenLast = at
	switch h.g.observe(at, track, pose.Pitch, pose.Yaw) {
	case gestureNod:
		if h.deliberate && !h.fromStill() {
			return selfreport.NoAnswer
		}
		return selfreport.Yes
	case gestureShake:
		return selfreport.No
	}
	return selfreport.NoAnswer
}

// Reset forgets the head's history and Asked, for the next question.
func (h *HeadAnswers) Reset() {
	*h = HeadAnswers{g: h.g, single: h.single, settle: h.settle}
	h.g.reset()
}
