package behavior

import (
	"fmt"
	"slices"
	"time"
)

// An alert nobody answered is told again. A nurse call nobody answered
// sounds again until someone cancels it at the bedside, and an alarm a
// carer paused sounds again once its set time is over (IEC 60601-1-8);
// Alert.Cooldown is that time here (alertTracker.due). What ends the
// repeats is the pain seen to ease (painEased: the episode's alert is
// resolved), the person leaving (the alert stands, standing.go) or an
// opt-out; never the pain becoming impossible to see, nor falling to a
// score that is not concern but not eased either.
//
// Before, the repeat asked for a fresh score at Pain.Concern: a person
// paged for severe pain who then lay in view too dimly to assess (no score
// at all), or at 2.5 (under concern 3, over clear 2), stayed alerting with
// no repeat and no resolution for as long as the run went on; and a
// standing alert, the same person back in view, was told again only when
// their pain rose to an alert of its own (at pain 2.5, never; at 5, when
// comfort had failed for Alert.ReliefTimeout, however long the alert had
// been due, and then at the lower level).

// notEased says whether the pain an episode's alert told of has not been
// seen to ease now: a fresh score at Pain.Clear or more, or no fresh score
// at all (the person cannot be assessed: too dim, turned away, the face
// lost). A fresh score under Pain.Clear is easing: painEased resolves the
// alert once it has lasted, and meanwhile no repeat goes out.
func (v view) notEased() bool { return !v.fresh || v.score >= v.cfg.Pain.Clear }

// mildAnswered says whether the pain seen now is under Pain.Concern and a
// carer has acknowledged the alert of level (acked, by rank): the carer
// has come, and the pain they came for is no longer at the level that
// pages. Mild pain that lingers after an answered page would otherwise be
// paged each cooldown, at the episode's level, "urgent" for a score of
// 2.5, until it fell under Pain.Clear: alarm fatigue, which teaches
// carers to ignore the pages that matter (Sendelbach and Funk, AACN
// Advanced Critical Care 24(4), 2013). Pain back at concern, or a face
// that cannot be seen, is told again as before.
//
// Pain back at concern while the acknowledgement holds (a cooldown) is
// told when the alert falls due even if it is mild again by then
// (relapse): before, severe pain seen 9 minutes after a carer came, then
// 2.5 at 10, was never paged, and nor was anything after it until the
// next severe spell fell due (FuzzCareNeverSilenced found it, its seed
// d65cea328f54267f; TestUnansweredPainRepeats).
func (v view) mildAnswered(level AlertLevel, acked [3]bool, relapse painSeen) bool {
	return v.fresh && v.score < v.cfg.Pain.Concern && acked[level.rank()] && !relapse.ok
}

// noteRelapse keeps the worst pain at Pain.Concern or more seen since a
// carer acknowledged the episode's alert of level (and since its last
// page: raised forgets it), once the pain has been seen under concern
// since then: the score still falling from what the carer came for is no
// relapse.
func (a *alertTracker) noteRelapse(level AlertLevel, v view) {
	if !a.acked[level.rank()] || !v.fresh {
		return
	}
	switch {
	case v.score < v.cfg.Pain.Concern:
		a.dipped = true
	case a.dipped && (!a.relapse.ok || v.score > a.relapse.score):
		a.relapse = painSeen{score: v.score, at: v.now, ok: true}
	}
}

// relapseNote tells, for a repeat with the pain lower now, the worse pain
// seen since the acknowledgement: ", back up to 8.0 1m50s ago", or "".
func (a *alertTracker) relapseNote(v view) string {
	if !a.relapse.ok || v.fresh && v.score >= a.relapse.score {
		return ""
	}
	return fmt.Sprintf(", back up to %.1f %v ago", a.relapse.score, (v.now - a.relapse.at).Round(time.Second))
}

// repeatUnanswered raises the episode's alert again, at its level, once it
// is due and the pain has not been seen to ease (view.notEased). A bout of
// distress heard that the normal path has not taken over tells the carer
// of it and repeats it in its own words (unseenAlerts), so the voice is not
// talked over, nor its alert told twice.
func (e *Engine) repeatUnanswered(v view) {
	level := e.alert.level
	e.alert.noteRelapse(level, v)
	since, ok := e.alert.due(level, v.now, e.cfg.Alert.Cooldown)
	if !ok || !v.notEased() || v.mildAnswered(level, e.alert.acked, e.alert.relapse) || e.unseen.on && !e.unseen.adopted {
		return
	}
	e.raiseAlert(level, e.stillReason(v, level, since), slices.Contains(withPerson, v.state))
}

// stillReason is what a repeat of the episode's alert of level, last out
// since ago, tells the carer: the pain seen now ("pain 2.5 persists 10m0s
// after the alert"), or, with no score to go on, what the alert was for
// and that the person cannot be assessed ("pain last seen 8.0 9m34s ago,
// cannot see the face now (again: the last urgent alert went out 10m0s
// ago)"). An acknowledgement is named as ever.
func (e *Engine) stillReason(v view, level AlertLevel, since time.Duration) string {
	last := e.alert.before // pain seen before the person left, for a standing alert
	if e.pain.known() {
		last = painSeen{score: e.pain.score(), at: e.pain.seenAt(), ok: true}
	}
	switch {
	case v.fresh:
		return fmt.Sprintf("pain %.1f persists %v after the alert%s%s", v.score, since.Round(time.Second),
			e.alert.relapseNote(v), e.alert.ackNote(level, v.now))
	case e.alert.helpAlert:
		return "asked for help, cannot see the face now" + e.again(level, since)
	case last.ok:
		return fmt.Sprintf("pain last seen %.1f %v ago, cannot see the face now%s",
			last.score, (v.now - last.at).Round(time.Second), e.again(level, since))
	}
	return "cannot see the face now" + e.again(level, since)
}

// painSeen is the pain score last seen, and when.
type painSeen struct {
	score float64
	at    time.Duration
	ok    bool
}

// standingDue tells the carer again of a standing alert (standing.go) that
// falls due with its person back in view and the pain not seen to ease:
// it becomes the episode's alert again and goes out as its repeat ("pain
// 2.5 seen again after leaving view (again: the last urgent alert went out
// 10m0s ago)"), then repeats as any episode's alert does. Before, the same
// person back at a moderate score was never told again, and back at a
// score of concern only once comfort had failed, however long before the
// alert had fallen due, and then at a lower level. Someone else's pain, or
// the same person seen to ease (standingEased), is not this alert's. With
// no score, the person must have been back for Pain.StaleAfter first: an
// arrival is not yet a face that cannot be assessed.
func (e *Engine) standingDue() {
	a := &e.alert
	s := a.standing
	if s == nil || !s.back || a.level != "" || !e.presence.present.on || !samePerson(s.episode.open.Person, e.presence.person) {
		return
	}
	switch e.State() {
	case StateIdle, StateAsleep, StateOptedOut:
		return // nobody in view
	}
	ep := &s.episode
	since, due := ep.due(ep.level, e.now, e.cfg.Alert.Cooldown)
	v := e.view()
	if !due || !v.notEased() || v.mildAnswered(ep.level, ep.acked, ep.relapse) || !v.fresh && e.now-s.backAt < e.cfg.Pain.StaleAfter || e.unseen.on && !e.unseen.adopted {
		return
	}
	a.resumeStanding()
	reason := e.stillReason(v, a.level, since)
	if v.fresh {
		reason = fmt.Sprintf("pain %.1f seen again after leaving view%s", v.score, e.again(a.level, since))
	}
	e.raiseAlert(a.level, reason, slices.Contains(withPerson, v.state))
}

// repeatCarried is repeatUnanswered for an episode's alert in a state that
// does not repeat it itself (alerting, paused and faulty do, in evaluate):
// carried into engaging or attending by a resume with the person in view,
// or made the episode's again by standingDue in any state with a person.
func (e *Engine) repeatCarried() {
	switch e.State() {
	case StateEngaging, StateAttending, StateConcerned, StateComforting:
		if e.alert.open != nil {
			e.repeatUnanswered(e.view())
		}
	}
}
