package behavior

import (
	"fmt"
	"strings"
	"time"
)

// A standing alert. A person's leaving view ends the robot's episode
// (enter, trLeave) but tells the carer nothing: pain nobody saw ease may
// have a person lying out of view, so the alert stands, unresolved. A face
// lost in an episode ends it only after Presence.LeaveAfter with nobody
// seen and no distress heard, or at once when a face under another name is
// found (onEvent); a live camera's tracker does both, renumbering a dim or
// turned face, and a person leans out of frame for tens of seconds.
// Without this, each return was a new episode whose first alert paged at
// once, and severe pain with a face flickering every 30 s paged a carer
// twenty times in ten minutes, as alarm fatigue begins
// (carers learn to ignore a pager that cries wolf; Cvach 2012, Biomed
// Instrum Technol 46(4)). So pain seen after a short absence, at the level
// of the standing alert or lower, within its cooldown, is not a page: the
// standing alert becomes the episode's again and repeats when it is due
// (alertTracker.due), and is resolved when the pain eases. Anything that
// is news still pages at once: a worse level, anything but pain seen (a
// call for help, a "stop" said in distress, distress heard unseen), another
// person, a return after longer than standingReturn, and any episode after
// the carer was told the pain eased (a resolved alert), after the pain was
// seen to ease, or after an opt-out. A standing alert due again as the
// person comes back goes out as its repeat.

// standingReturn bounds the absence after which pain seen is news again.
// A tracker's flicker lasts a frame to a few seconds (the companion takes a
// face back as the same person within 10 s), and a person who turns over
// or leans out of frame is away for tens of seconds; two minutes covers
// both. It is far shorter than any preset's Alert.Cooldown (5 or 10 min),
// so someone who was away for a while and comes back in pain is paged at
// once; with a shorter cooldown, the alert falling due bounds the hold
// first.
const standingReturn = 2 * time.Minute

// alertCause is what an alert answers. Only pain seen (the pain guards,
// in any state) may find the carer already told by a standing alert; every
// other cause is news whatever stands.
type alertCause int

const (
	causeOther alertCause = iota // a call for help, a hush, distress heard unseen, ...
	causePain                    // pain seen: severe, or not eased
)

// pendingAlert is the alert escalate is about to raise, and its cause.
type pendingAlert struct {
	Alert
	cause alertCause
}

// standingAlert is what the carer was told in an episode the person's
// leaving ended, unresolved, and when they left and came back.
type standingAlert struct {
	episode alertTracker // the episode's alerts as they were when the person left
	pain    painSeen     // the pain last seen before they left, if any
	leftAt  time.Duration
	backAt  time.Duration
	back    bool
}

// left records the person leaving view: an episode with an alert that was
// never resolved leaves it standing. With none raised since the last one
// stood, that one stands still, from this leaving.
// seen is the pain last seen in the visit, if any.
func (a *alertTracker) left(now time.Duration, seen painSeen) {
	switch {
	case a.open != nil:
		ep := *a
		ep.standing, ep.pending = nil, nil
		if !seen.ok {
			seen = a.before // the alert was a standing one, and nothing seen since
		}
		a.standing = &standingAlert{episode: ep, pain: seen, leftAt: now}
	case a.standing != nil && a.standing.back:
		// Back since it stood (a resume or fault cleared with nobody
		// there is no leaving of a person still away).
		a.standing.leftAt, a.standing.back = now, false
		if seen.ok {
			a.standing.pain = seen
		}
	}
}

// endVisit ends the episode of a person the robot no longer sees: an alert
// not resolved stands, and the next visit starts from its own evidence. The
// person leaving view does it (trLeave); so does someone else found while
// the robot is paused or faulty, and a resume or a fault cleared with the
// robot back in idle, since a pause or a fault ends no episode of its own
// and the person in pain may leave meanwhile. Without it their episode's
// alert, within its cooldown, held back the page for the next person's
// pain (mayRaise) for up to a cooldown.
func (e *Engine) endVisit() {
	var seen painSeen
	if e.pain.known() {
		seen = painSeen{score: e.pain.score(), at: e.pain.seenAt(), ok: true}
	}
	e.alert.left(e.now, seen)
	e.endEpisode()
	e.pain.reset()
}

// visitEnded is endVisit in a state that stays (paused, faulty), recorded
// as a Transition to the same state when an alert stands.
func (e *Engine) visitEnded(reason string) {
	if note := e.alert.standsNote(e.now); note != "" {
		e.emit(Transition{At: e.now, From: e.State(), To: e.State(), Source: SourceSensing, Reason: reason + note})
	}
	e.endVisit()
}

// cameBack records the person back in view (first time only).
func (a *alertTracker) cameBack(now time.Duration) {
	if s := a.standing; s != nil && !s.back {
		s.backAt, s.back = now, true
	}
}

// away is how long the person was out of view after leaving a standing
// alert: until they came back, or until now.
func (s *standingAlert) away(now time.Duration) time.Duration {
	if s.back {
		return s.backAt - s.leftAt
	}
	return now - s.leftAt
}

// resumeStanding makes the standing alert the episode's, as it was when
// the person left: its levels, acknowledgements and open alert.
func (a *alertTracker) resumeStanding() {
	ep := a.standing.episode
	a.before = a.standing.pain
	a.standing = nil
	a.level, a.sent, a.open, a.helpAlert = ep.level, ep.sent, ep.open, ep.helpAlert
	a.acked, a.ackedAt, a.ackedBy = ep.acked, ep.ackedAt, ep.ackedBy
}

// standingEased forgets the standing alert once the person back in view
// is seen with the pain eased (painEased: under Pain.Clear for
// Pain.EaseDwell, the voice calm) outside an episode: pain after it is
// news, as after pain seen to ease in an episode. Before, the person back
// and calm for minutes, then in severe pain, was held back as the standing
// alert's until it fell due (4 minutes without a page, "pain seen again 2s
// after leaving view"). What the carer is told depends on who is seen: a
// known person (the same id, which identifies someone) is told resolved,
// with the reason; a face that identifies nobody may be someone else's
// that the ids cannot tell apart (samePerson), so the alert is not
// resolved but recorded as unconfirmed (a Transition to the same state),
// and stays open for a carer (the console pins it until resolved). Before,
// both were forgotten in silence. Someone else seen calm tells nothing of
// the person the alert is about: it stands.
func (e *Engine) standingEased() {
	s := e.alert.standing
	if s == nil || !s.back || e.inEpisode() {
		return
	}
	was, now := s.episode.open.Person, e.presence.person
	if !samePerson(was, now) {
		return
	}
	if _, ok := painEased().holds(e.view()); !ok {
		return
	}
	ago := (e.now - s.episode.last[s.episode.level.rank()]).Round(time.Second)
	if was == now && !anonymous(was) {
		if !e.scoredOnly(now) {
			return // named back, not yet seen calm as themselves
		}
		e.emit(Alert{At: e.now, Level: AlertResolved, Person: was, Score: e.pain.score(),
			Reason: fmt.Sprintf("pain eased to %.1f, back in view", e.pain.score())})
	} else {
		e.emit(Transition{At: e.now, From: e.State(), To: e.State(), Source: SourceSensing,
			Reason: fmt.Sprintf("a calm face (%s, pain %.1f) seen back in view may not be %s: the %s alert of %v ago is unconfirmed, not resolved",
				orUnknown(now), e.pain.score(), orUnknown(was), s.episode.level, ago)})
	}
	e.alert.forgetStanding()
}

// forgetStanding drops the standing alert: the carer was told the pain
// eased, or the person opted out.
func (a *alertTracker) forgetStanding() { a.standing = nil }

// standsNote ends the reason of the person leaving view while the
// episode's alert stands: "; the urgent alert of 30s ago stands, not
// resolved", or "" when none does.
func (a *alertTracker) standsNote(now time.Duration) string {
	if a.open == nil {
		return ""
	}
	return fmt.Sprintf("; the %s alert of %v ago stands, not resolved", a.level, (now - a.last[a.level.rank()]).Round(time.Second))
}

// holdStanding decides whether an alert of level for pain seen in person
// is one the carer's standing alert already tells of. When it is, the
// standing alert becomes the episode's again and, unless it is due (then
// it goes out as its repeat, and again says so), a Transition to the same
// state records why no page went out, and held is true.
func (e *Engine) holdStanding(person string, level AlertLevel) (held bool, again string) {
	a := &e.alert
	s := a.standing
	if s == nil || a.level != "" {
		return false, "" // nothing stands, or the episode has an alert of its own
	}
	ep := &s.episode
	away := s.away(e.now)
	was := ep.open.Person
	if level.rank() > ep.level.rank() || !samePerson(was, person) || away > standingReturn {
		return false, ""
	}
	since, due := ep.due(ep.level, e.now, e.cfg.Alert.Cooldown)
	if due {
		if level != ep.level {
			return false, "" // a lesser alert than the one due: news of its own
		}
		a.resumeStanding()
		return false, e.again(level, since) // the standing alert's repeat
	}
	a.resumeStanding()
	who := ""
	if person != was {
		who = fmt.Sprintf(" (as %s; %s before)", orUnknown(person), orUnknown(was))
	}
	e.emit(Transition{At: e.now, From: e.State(), To: e.State(), Source: SourceSensing,
		Reason: fmt.Sprintf("pain seen again %v after leaving view%s: the %s alert of %v ago stands, so this %s one is no new page; told again when due",
			away.Round(time.Second), who, ep.level, since.Round(time.Second), level)})
	return true, ""
}

// samePerson says whether pain in b may be the pain a standing alert about
// a told of: the same id, or two ids that identify nobody. A tracker gives
// a face it lost a new number ("face-1", then "face-2"), and the companion
// a new pseudonym ("visitor-…") to an unknown face lost for longer than its
// return gap, so two such ids say nothing about whether they are one
// person; the standing alert has already called a carer to this robot. A
// named or recognised id is a claim about who it is: a different one, or
// one where the other identifies nobody, is another person, and news.
func samePerson(a, b string) bool { return a == b || anonymous(a) && anonymous(b) }

// anonymous says whether id identifies nobody: none, a camera track, or an
// unknown person's pseudonym.
func anonymous(id string) bool {
	return id == "" || strings.HasPrefix(id, "face-") || strings.HasPrefix(id, Visitor+"-")
}

func orUnknown(id string) string {
	if id == "" {
		return "no id"
	}
	return id
}
