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
	single bool // read one swing and its return as an answer (the Mirror's rule), for tests
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

// Observe feeds one head pose (observation time, the face's track) and
// returns Yes at the moment a nod is sure, No for a shake, else NoAnswer.
func (h *HeadAnswers) Observe(at time.Duration, track int, pose perception.HeadPose) selfreport.Answer {
	h.g.swings = answerSwings
	if h.single {
		h.g.swings = 2
	}
	switch h.g.observe(at, track, pose.Pitch, pose.Yaw) {
	case gestureNod:
		return selfreport.Yes
	case gestureShake:
		return selfreport.No
	}
	return selfreport.NoAnswer
}

// Reset forgets the head's history, for the next question.
func (h *HeadAnswers) Reset() { h.g.reset() }
