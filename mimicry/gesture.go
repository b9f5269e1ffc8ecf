package mimicry

import (
	"math"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

// answerNod is the small nod the robot gives back to a nod or a shake: an
// acknowledgement that it saw, not a copy.
const (
	answerNodDepth = 4.0 // degrees down
	answerNodDur   = 700 * time.Millisecond
)

// nodOffset is the head tilt of an answer nod started at start: one smooth
// dip and back.
func nodOffset(at, start time.Duration) (float64, bool) {
	t := at - start
	if t < 0 || t >= answerNodDur {
		return 0, false
	}
	return -answerNodDepth * math.Sin(math.Pi*float64(t)/float64(answerNodDur)), true
}

// armGesture is a pose of the arms (fractions of travel, positive shoulder
// raising the arm forward, positive elbow bending it) with its timing.
type armGesture struct {
	shoulder, elbow float64
	in, hold, out   time.Duration
}

var (
	// openPalms: forearms raised a little, hands open towards the person.
	openPalms = armGesture{shoulder: 0.25, elbow: 0.4, in: 800 * time.Millisecond,
		hold: 1500 * time.Millisecond, out: 1 * time.Second}
	// gentleReach: arms slowly forward and nearly straight, as if offering
	// a hand; slow in, long hold, slow back.
	gentleReach = armGesture{shoulder: 0.4, elbow: -0.2, in: 1500 * time.Millisecond,
		hold: 3 * time.Second, out: 2 * time.Second}
)

// gestureFor picks the arm gesture an intent calls for.
func gestureFor(k behavior.IntentKind) (armGesture, bool) {
	switch k {
	case behavior.IntentComfort:
		return gentleReach, true
	case behavior.IntentGreet, behavior.IntentCheckIn, behavior.IntentReassure,
		behavior.IntentOptInAck, behavior.IntentGoodbye:
		return openPalms, true
	}
	return armGesture{}, false
}

// weight is how far into the gesture the arms are at time t since its
// start, 0..1, with raised-cosine ramps so it starts and ends at rest speed.
// A gentle tone stretches the timing.
func (g armGesture) weight(t time.Duration, stretch float64) (float64, bool) {
	in := time.Duration(float64(g.in) * stretch)
	hold := time.Duration(float64(g.hold) * stretch)
	out := time.Duration(float64(g.out) * stretch)
	switch {
	case t < 0 || t >= in+hold+out:
		return 0, false
	case t < in:
		return ease(float64(t) / float64(in)), true
	case t < in+hold:
		return 1, true
	default:
		return 1 - ease(float64(t-in-hold)/float64(out)), true
	}
}

func ease(x float64) float64 { return 0.5 - 0.5*math.Cos(math.Pi*x) }

// toneStretch slows motion for a gentle tone and quickens it a little for
// a cheerful one.
func toneStretch(t behavior.Tone) float64 {
	switch t {
	case behavior.ToneGentle:
		return 1.3
	case behavior.ToneCheerful:
		return 0.85
	}
	return 1
}

// concernFor is the concern an intent asks for without a pain face in view:
// comforting someone shows some concern even when their face is turned away.
func concernFor(k behavior.IntentKind) float64 {
	switch k {
	case behavior.IntentComfort, behavior.IntentBreathingGuide, behavior.IntentReassure,
		behavior.IntentAlertNotice:
		return 0.5
	}
	return 0
}
