package behavior

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Sense is the wiring's word that a live sense, the camera (ModFace) or the
// microphone (ModVoice), has delivered nothing for a while (Lost), or
// delivers again. The engine decides what the carer is told: a robot that
// cannot see or hear someone in pain cannot alert for them, and IEC
// 60601-1-8 calls that a technical alarm, the equipment telling staff it can
// no longer do its job.
type Sense struct {
	At       time.Duration
	Modality perception.Modality
	Lost     bool
	// Since is, for a loss, the observation time of the sense's last frame
	// or audio (or of its opening, when none came): the loss is counted
	// from it.
	Since time.Duration
	// Why is what the device last said went wrong, if it said anything.
	Why string
}

func (*Sense) input() {}

// SenseInput wraps the wiring's report on a live sense.
func SenseInput(s Sense) Input { return &s }

// senseTracker is what the engine knows of the senses it was told about:
// the one owner of the technical alerts, as alertTracker is of the pain
// alerts. Two senses at most, so it never grows.
type senseTracker struct {
	camera, microphone senseLoss
	// body is on once the carer was told the body is lost (BodyLost),
	// since then, until it is back (BodyBack).
	body senseLoss
}

// senseLoss is one sense lost: since when, and whether the carer was told.
type senseLoss struct {
	on    bool
	since time.Duration
	why   string
	told  bool
}

// of is the loss kept for modality m, or nil for a modality that is not a
// device the robot watches or listens with.
func (s *senseTracker) of(m perception.Modality) *senseLoss {
	switch m {
	case perception.ModFace:
		return &s.camera
	case perception.ModVoice:
		return &s.microphone
	}
	return nil
}

// forget drops both senses' losses: the person opted out, and the wiring
// closes the devices. The body is no sense an opt-out closes: its loss is
// kept.
func (s *senseTracker) forget() { *s = senseTracker{body: s.body} }

// senseWords names a modality's device and what the robot cannot do
// without it.
func senseWords(m perception.Modality) (device, cannot, can string) {
	if m == perception.ModVoice {
		return "microphone", "the robot cannot hear", "the robot can hear again"
	}
	return "camera", "the robot cannot see", "the robot can see again"
}

// onSense takes the wiring's report on a sense. Only the person's opt-out
// sets it aside (the devices are closed then); paused, hushed or faulty,
// the robot still tells the carer (senseAlerts).
func (e *Engine) onSense(s *Sense) {
	e.advance(s.At)
	l := e.senses.of(s.Modality)
	if l == nil {
		e.reject("sense", fmt.Sprintf("modality %q is not a sense the robot watches", s.Modality))
		return
	}
	if e.State() == StateOptedOut {
		return
	}
	if s.Lost {
		if !l.on {
			*l = senseLoss{on: true, since: min(s.Since, e.now), why: s.Why}
		}
		return
	}
	if l.on && l.told {
		device, _, can := senseWords(s.Modality)
		e.emit(Alert{At: e.now, Level: AlertResolved, Person: e.presence.person, Score: e.pain.score(), Sense: device,
			Reason: fmt.Sprintf("%s back after %v: %s", device, (e.now - l.since).Round(time.Second), can)})
	}
	*l = senseLoss{}
}

// senseAlerts tells the carer, once per loss, of a sense lost for
// Alert.SenseLost: at warning level, in every state (opted out, no loss is
// kept: onSense and forget), and apart from the pain episode's alerts (it
// neither raises nor resets their level or cooldown).
func (e *Engine) senseAlerts() {
	for _, m := range []perception.Modality{perception.ModFace, perception.ModVoice} {
		l := e.senses.of(m)
		if !l.on || l.told || e.now-l.since < e.cfg.Alert.SenseLost {
			continue
		}
		l.told = true
		device, cannot, _ := senseWords(m)
		reason := fmt.Sprintf("%s lost for %v: %s", device, (e.now - l.since).Round(time.Second), cannot)
		if l.why != "" {
			reason += fmt.Sprintf(" (%s)", l.why)
		}
		e.emit(Alert{At: e.now, Level: AlertWarning, Person: e.presence.person, Score: e.pain.score(), Reason: reason,
			Sense: device})
	}
}

// BodyLost is the wiring's word that the body stopped answering: its bus
// failed more times in a row than the limiter retries (a serial cable
// pulled, a servo board browned out). The robot can no longer move, but it
// still sees, hears, speaks and alerts, so the engine goes on as it was; it
// does not enter StateFault, where the robot falls silent too.
type BodyLost struct {
	At  time.Duration
	Why string // the limiter's error
}

func (*BodyLost) input() {}

// BodyLostInput wraps the wiring's report that the body is lost.
func BodyLostInput(b BodyLost) Input { return &b }

// onBodyLost tells the carer at once, at warning level and in every state:
// unlike a silent camera, whose stall may be a hiccup and so waits
// Alert.SenseLost, the loss is certain when it is reported (the limiter has
// already retried), and a robot that cannot move cannot turn to, nod at or
// reach a person, which a carer needs to know now (a technical alarm, IEC
// 60601-1-8). Told once per loss: a loss reported again before the body is
// back (BodyBack) is the same loss.
func (e *Engine) onBodyLost(b *BodyLost) {
	e.advance(b.At)
	if e.senses.body.on {
		return
	}
	e.senses.body = senseLoss{on: true, since: e.now}
	reason := "body lost: the robot cannot move"
	if b.Why != "" {
		reason += fmt.Sprintf(" (%s)", b.Why)
	}
	e.emit(Alert{At: e.now, Level: AlertWarning, Person: e.presence.person, Score: e.pain.score(), Reason: reason,
		Sense: "body"})
}

// BodyBack is the wiring's word that the lost body answers again: a retry
// of its safe pose through the limiter was written, and it moves again.
type BodyBack struct {
	At time.Duration
}

func (*BodyBack) input() {}

// BodyBackInput wraps the wiring's report that the body is back.
func BodyBackInput(b BodyBack) Input { return &b }

// onBodyBack resolves the body's loss for the carer, in every state, as a
// sense's return does (onSense); a body back that was never reported lost
// says nothing.
func (e *Engine) onBodyBack(b *BodyBack) {
	e.advance(b.At)
	if !e.senses.body.on {
		return
	}
	e.senses.body.on = false
	e.emit(Alert{At: e.now, Level: AlertResolved, Person: e.presence.person, Score: e.pain.score(), Sense: "body",
		Reason: fmt.Sprintf("body back after %v: the robot can move again", (e.now - e.senses.body.since).Round(time.Second))})
}
