package behavior

import (
	"fmt"
	"slices"
	"time"
)

// An alert carried from the last run. A run stopped (or killed, or the
// robot power-cycled) with an alert standing may never have handed it to a
// carer, and nothing since has seen the pain ease. The wiring reads what
// the robot's last session left standing and hands it to the engine as
// this run starts (Carried); the engine then owns it as a latching alarm
// (IEC 60601-1-8, 6.3.2.2: a latching alarm signal goes on until an
// operator acknowledges it, whether or not its condition still holds):
//
//   - told at once, as an alert of this run, so the session's record has
//     it and a further restart before anyone answers finds it again;
//   - told again at its level each Alert.Cooldown, whoever is in view,
//     until a carer acknowledges it (the console or MQTT; an
//     acknowledgement with no alert of this run's open answers it), it is
//     resolved, or the person opts out;
//   - resolved when its person is seen in view with the pain eased
//     (painEased, outside an episode), as a standing alert is
//     (standingEased), but only for an id that names someone and only
//     in a run that watches the robot's room live (Carried.Live): a face
//     that identifies nobody may be anyone, and a scenario's simulated
//     person or a recording is nobody in that room;
//   - in a live run, told again a cooldown after this run's own last page
//     about the same person id at its level or above, rather than beside
//     it, so one person is not paged twice each cooldown, and never left
//     untold when this run's alert is one its rules do not repeat (a lone
//     call for help); ended by this run's resolution about the same id
//     that names someone, or a carer's acknowledgement of this run's
//     alert about the same id (a scenario's simulated person may have the
//     real one's id, and is not them).
//
// Before, the next run told it once, as a fault record: it was no alert of
// the new session, so a second restart found nothing and it was gone; it
// was never repeated, and a carer had nothing to acknowledge.

// Carried is the alerts the robot's last run left standing, handed to the
// engine as this run starts, each as it is to be told (its reason saying
// when and where it was raised); At is ignored (they are told at the
// engine's time). Live says this run watches and listens to the robot's
// room, so a person seen calm may be the one an alert is about.
type Carried struct {
	Alerts []Alert
	Live   bool
}

func (*Carried) input() {}

// CarriedInput wraps the alerts the last run left standing.
func CarriedInput(c Carried) Input {
	c.Alerts = slices.Clone(c.Alerts)
	return &c
}

// latchedTracker holds the alerts carried from the last run that are still
// latched: not acknowledged, resolved or superseded. One per person id.
type latchedTracker struct {
	alerts []carriedAlert
	live   bool
}

type carriedAlert struct {
	Alert               // as first told in this run
	told  bool          // told in this run yet
	last  time.Duration // when last told
}

// onCarried takes the last run's standing alerts; they are told at the end
// of the step (latchedAlerts). An alert that is not a warning or urgent,
// or has no reason, is refused: a carer must be told what it was.
func (e *Engine) onCarried(c *Carried) {
	if e.State() == StateOptedOut {
		e.reject("carried alerts", "the person opted out")
		return
	}
	e.latched.live = e.latched.live || c.Live
	for _, a := range c.Alerts {
		switch {
		case a.Level != AlertWarning && a.Level != AlertUrgent:
			e.reject("carried alert", fmt.Sprintf("level %q is not warning or urgent", a.Level))
			continue
		case a.Reason == "":
			e.reject("carried alert", "no reason")
			continue
		}
		a.At, a.Sense = e.now, ""
		e.latched.alerts = slices.DeleteFunc(e.latched.alerts, func(c carriedAlert) bool { return c.Person == a.Person })
		e.latched.alerts = append(e.latched.alerts, carriedAlert{Alert: a})
	}
	// The most urgent is answered first (acknowledged).
	slices.SortStableFunc(e.latched.alerts, func(a, b carriedAlert) int { return b.Level.rank() - a.Level.rank() })
}

// latchedAlerts runs at the end of each step, after everything else that
// may tell a carer: in a live run, the step's own page about a carried
// alert's person defers its next telling, and the step's resolution about
// a resident ends it; its person seen calm resolves it; and what is left
// is told, or told again when due.
func (e *Engine) latchedAlerts() {
	c := &e.latched
	if len(c.alerts) == 0 {
		return
	}
	for _, o := range e.buf {
		a, ok := o.(Alert)
		if !ok || a.Sense != "" || !c.live {
			continue
		}
		if a.Level == AlertResolved {
			if !anonymous(a.Person) {
				c.drop(a.Person)
			}
			continue
		}
		// This run's page about them stands for the carried one until a
		// cooldown after it; one its rules do not repeat leaves the
		// carried one to be told then.
		for i := range c.alerts {
			if l := &c.alerts[i]; l.Person == a.Person && l.told && a.Level.rank() >= l.Level.rank() {
				l.last = e.now
			}
		}
	}
	if i := e.latchedEased(); i >= 0 {
		a := c.alerts[i]
		c.alerts = slices.Delete(c.alerts, i, i+1)
		e.emit(Alert{At: e.now, Level: AlertResolved, Person: a.Person, Score: e.pain.score(),
			Reason: fmt.Sprintf("pain eased to %.1f, seen in view: the %s alert the last run left standing is over", e.pain.score(), a.Level)})
	}
	for i := range c.alerts {
		a := &c.alerts[i]
		switch since := e.now - a.last; {
		case !a.told:
			a.told, a.last = true, e.now
			e.emit(a.Alert)
		case since >= e.cfg.Alert.Cooldown:
			a.last = e.now
			told := a.Alert
			told.At = e.now
			told.Reason += fmt.Sprintf(" (again: the last %s alert went out %v ago)", a.Level, since.Round(time.Second))
			e.emit(told)
		}
	}
}

// latchedEased is the carried alert whose person is in view, outside an
// episode, with the pain seen eased, or -1: in a live run, for an id that
// names someone (standingEased's rule for a resolution), every score of
// the ease's dwell of them: an arrival that names them as another face is
// scored calm is not them seen calm.
func (e *Engine) latchedEased() int {
	p := e.presence.person
	if !e.latched.live || anonymous(p) || !e.presence.present.on || e.inEpisode() || !e.scoredOnly(p) {
		return -1
	}
	i := slices.IndexFunc(e.latched.alerts, func(c carriedAlert) bool { return c.Person == p })
	if i < 0 {
		return -1
	}
	if _, ok := painEased().holds(e.view()); !ok {
		return -1
	}
	return i
}

// answer takes the carried alert a carer's acknowledgement
// answers when no alert of this run is open: the most urgent, told first.
// Acknowledged, it is told no more; its record tells the next start that a
// carer has it.
func (c *latchedTracker) answer() *Alert {
	if len(c.alerts) == 0 {
		return nil
	}
	a := c.alerts[0].Alert
	c.alerts = c.alerts[1:]
	return &a
}

// drop ends the carried alert about person, if one is latched: this run
// saw it resolved, or a carer acknowledged this run's alert about them.
func (c *latchedTracker) drop(person string) {
	c.alerts = slices.DeleteFunc(c.alerts, func(c carriedAlert) bool { return c.Person == person })
}

// standing says whether an alert carried from the last run is latched.
func (c *latchedTracker) standing() bool { return len(c.alerts) > 0 }

// forget drops them all: the person opted out, which silences every alert.
func (c *latchedTracker) forget() { c.alerts = nil }
