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
type HeadAnswers struct{ g headGestures }

// Observe feeds one head pose (observation time, the face's track) and
// returns Yes at the moment a nod is sure, No for a shake, else NoAnswer.
func (h *HeadAnswers) Observe(at time.Duration, track int, pose perception.HeadPose) selfreport.Answer {
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
