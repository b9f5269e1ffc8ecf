package behavior

import (
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
)

// The breathing offer. Slow paced breathing can ease pain (Zautra et al.,
// Pain 2010: slow breathing lowered ratings of painful heat), but an exercise is something to invite a
// person to, not something to run at them: person-centred care asks
// first. So before guided breathing starts the robot asks "Would you like
// to breathe with me?". A yes, spoken or nodded, starts the paced cues it
// always gave; a no, or no answer after asking once more, leaves the
// exercise out, and the robot stays with the person quietly: its later
// comfort in the episode is shown, not said. The offer follows the
// question rules (mayAsk), and a person asked within
// SelfReportPolicy.MinInterval is not asked again: the last answer stands.

// BreathingMode says how guided breathing starts.
type BreathingMode string

const (
	// BreathingOffer asks first; yes starts the exercise.
	BreathingOffer BreathingMode = "offer"
	// BreathingAlways starts it unasked.
	BreathingAlways BreathingMode = "always"
)

// breathOffer is where the breathing offer of an episode stands.
type breathOffer struct {
	state     breathState
	dueAt     time.Duration // when the offer may be put (a breathing cycle into comforting)
	asked     bool          // an offer was ever put
	askedAt   time.Duration // when the last offer was first put
	lastState breathState   // how the last offer was answered: breathAccepted or breathDeclined
}

type breathState int

const (
	breathNone     breathState = iota // no offer in this episode
	breathDue                         // to be asked when it may
	breathAsked                       // the question is open
	breathAccepted                    // yes: the cues run
	breathDeclined                    // no, or no answer: quiet presence
)

// offersBreathing says whether breathing is offered rather than started:
// the configuration asks for it and the robot asks questions at all. With
// questions off (self_report.ask, comfort speech off) breathing starts as
// it did before the offer existed.
func (e *Engine) offersBreathing() bool {
	c := e.cfg
	return c.Comfort.Breathing == BreathingOffer && c.SelfReport.Ask && c.Condition.ComfortSpeech &&
		!c.Condition.PresenceOnly
}

// planBreathing is comforting's start: the exercise starts a breathing
// cycle from now, or is offered then; with no exercise configured the
// robot comforts again after Comfort.Repeat.
func (e *Engine) planBreathing() {
	c := e.cfg.Comfort
	b := &e.dlg.breath
	b.state = breathNone
	if c.BreathingCycles == 0 {
		e.comfort.comfortAt(e.now + e.jitter(c.Repeat))
		return
	}
	if !e.offersBreathing() {
		e.startBreathing(e.now + c.BreathingCycle)
		return
	}
	e.comfort.comfortAt(e.now + e.jitter(c.Repeat))
	if b.asked && e.now-b.askedAt < e.cfg.SelfReport.MinInterval {
		// Asked a short while ago: the robot does not nag, the answer stands.
		b.state = b.lastState
		if b.state == breathAccepted {
			e.startBreathing(e.now + c.BreathingCycle)
		}
		return
	}
	b.state, b.dueAt = breathDue, e.now+c.BreathingCycle
}

// startBreathing starts the paced cues, the first at at.
func (e *Engine) startBreathing(at time.Duration) {
	e.comfort.breathe(e.cfg.Comfort.BreathingCycles, at)
}

// offerBreathing puts the breathing offer when it is due and the robot may
// ask: the rules of mayAsk, and a gap in its speech. Until then comforting
// goes on as without an exercise.
func (e *Engine) offerBreathing() {
	b := &e.dlg.breath
	if b.state != breathDue || e.now < b.dueAt || !e.mayAsk() || !e.speech.allow(e.now) {
		return
	}
	b.state, b.asked, b.askedAt = breathAsked, true, e.now
	e.ask(QuestionBreathe, 1, "before guided breathing")
}

// answerBreathing acts on the answer to "Would you like to breathe with
// me?": yes starts the cues at once, no leaves them out.
func (e *Engine) answerBreathing(a selfreport.Answer) {
	b := &e.dlg.breath
	if b.state != breathAsked {
		return
	}
	if a != selfreport.Yes {
		e.declineBreathing()
		return
	}
	b.state, b.lastState = breathAccepted, breathAccepted
	if e.comfort.active {
		e.startBreathing(e.now)
	}
}

// declineBreathing records a no, or no answer, to the open offer.
func (e *Engine) declineBreathing() {
	b := &e.dlg.breath
	if b.state == breathAsked {
		b.state, b.lastState = breathDeclined, breathDeclined
	}
}

// comfortsQuietly says whether comfort is shown rather than said: the
// person declined the breathing offer, or left it unanswered, in this
// episode.
func (e *Engine) comfortsQuietly() bool { return e.dlg.breath.state == breathDeclined }
