package behavior

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// The engine's state, split by what it is about. Each tracker owns its
// fields: the engine changes them only through the tracker's methods and
// reads them to decide. Decisions (what to say, which trigger to fire) stay
// with the engine; the trackers remember.

// presenceTracker is who is there: the person, whether the assessments see
// someone, and whom the robot has greeted and by what name.
type presenceTracker struct {
	person   string
	present  dwell // assessments say someone is there
	absent   dwell // assessments say nobody is there
	faceLost bool  // absence cannot be seen while the camera is lost

	greeted   map[string]time.Duration // person id → when last greeted aloud
	quiet     bool                     // arriving because of a call: greet without words
	announced map[string]string        // person id → the name their arrival gave

	// scored is the person every usable assessment has named since
	// scoredSince ("" for none, or one not usable since).
	scored      string
	scoredSince time.Duration
}

// scoredAs notes whom an assessment scored: one of another person, or one
// not usable, begins the run of one person's scores anew.
func (p *presenceTracker) scoredAs(person string, usable bool, at time.Duration) {
	if !usable {
		person = ""
	}
	if person != p.scored || person == "" {
		p.scored, p.scoredSince = person, at
	}
}

// scoredOnly says whether every score over the ease's dwell was of person,
// so pain seen eased is theirs: an arrival naming them while another face
// was scored calm (a carer's word, a scenario's event) is not them seen
// calm.
func (e *Engine) scoredOnly(person string) bool {
	return e.presence.scored == person && e.now-e.presence.scoredSince >= e.cfg.Pain.EaseDwell
}

// assessed takes what an assessment says about presence. A voice in
// distress (PAINAD vocalisation 1 or more) with nobody seen is someone
// there all the same, out of view or in the dark: it is not absence, so a
// robot a pain word woke stays while it hears them and leaves only after
// Presence.LeaveAfter of silence and nobody seen. It never makes anyone
// present: being heard moaning alone does not wake the robot.
func (p *presenceTracker) assessed(a *perception.PainAssessment) {
	if a.Person != "" {
		p.person = a.Person
	}
	if a.Present {
		p.present.update(true, a.At)
		p.absent.update(false, a.At)
	} else if !p.faceLost {
		voiced := finite(a.Items.Vocalisation) && a.Items.Vocalisation >= 1
		p.present.update(false, a.At)
		p.absent.update(!voiced, a.At)
	}
}

// heard records a pain word or a call for help: someone spoke, seen or
// not, so nobody has been absent since.
func (p *presenceTracker) heard() { p.absent.reset() }

// arrived records an arrival event: the person (and the name it gave, if
// any) is there, counted as present since at.
func (p *presenceTracker) arrived(person, name string, at time.Duration) {
	if person != "" {
		p.person = person
		if name := strings.TrimSpace(name); name != "" {
			if p.announced == nil {
				p.announced = map[string]string{}
			}
			p.announced[person] = name
		}
	}
	p.present.update(true, at)
	p.absent.reset()
}

// left records a departure event: nobody there, counted as absent since at.
func (p *presenceTracker) left(at time.Duration) {
	p.present.reset()
	p.absent.update(true, at)
}

// face records the camera losing (or regaining) the face: while it is
// lost, nobody can be seen to be absent.
func (p *presenceTracker) face(lost bool) {
	p.faceLost = lost
	if lost {
		p.absent.reset()
	}
}

// rename makes person known as as from now on (person was deleted): the
// name they were greeted by goes with their id.
func (p *presenceTracker) rename(person, as string) {
	if p.person == person {
		p.person = as
	}
	if p.scored == person {
		p.scored = as
	}
	delete(p.greeted, person)
	delete(p.announced, person)
}

// forget drops the person and what was seen of them (an opt-out).
func (p *presenceTracker) forget() {
	p.present.reset()
	p.absent.reset()
	p.person = ""
}

// greetAloudDue says whether the person may be greeted aloud: not when
// arriving because of a call, nor twice within cooldown.
func (p *presenceTracker) greetAloudDue(now, cooldown time.Duration) bool {
	if p.quiet {
		return false
	}
	last, seen := p.greeted[p.person]
	return !seen || now-last >= cooldown
}

// greetedAloud records a greeting said aloud, forgetting those older than
// cooldown.
func (p *presenceTracker) greetedAloud(now, cooldown time.Duration) {
	maps.DeleteFunc(p.greeted, func(_ string, at time.Duration) bool { return now-at >= cooldown })
	p.greeted[p.person] = now
}

// name is how the person is spoken to: the name the configuration gives,
// else the one their arrival announced, else none.
func (p *presenceTracker) name(names map[string]string) string {
	if name, ok := names[p.person]; ok {
		return name
	}
	return p.announced[p.person]
}

// painTracker is the pain evidence: the smoothed score, since when it has
// stood at each of the policy's thresholds, and when distress was last seen.
// The thresholds are applied here, once per assessment, because a dwell
// needs the history of the score; the guards (guard.go) read the dwells
// against the same PainPolicy fields their descriptions name.
type painTracker struct {
	smoothed                        painTrack
	concern, comfort, severe, eased dwell

	distressAt   time.Duration // last assessment showing distress
	distressSeen bool
}

// add takes a trustworthy assessment (present, finite, confident enough);
// episode says an episode is under way (concerned, comforting, alerting),
// which keeps its evidence, remembered or not.
func (p *painTracker) add(a *perception.PainAssessment, c PainPolicy, episode bool) {
	if p.smoothed.have && a.At-p.smoothed.last > c.StaleAfter {
		p.reset() // after a gap, dwell times start again from fresh evidence
	}
	p.smoothed.add(a.Score, a.At)
	s := p.smoothed.score
	concern, severe := s >= c.Concern, s >= c.Severe
	if !episode {
		// Beginning an episode needs a pain cue seen or heard since the
		// face was last acquired, not the fall of a score that remembers
		// a grimace from before it was lost (PainAssessment.Stale); severe
		// pain begins one too (escalate), so it needs the same cue: before,
		// a memory of 7.6 in a score of 7.9 paged a carer urgently.
		cue := a.Score-a.Stale >= c.Concern
		concern, severe = concern && cue, severe && cue
	}
	// PAINAD: 1 on vocalisation is an occasional moan or groan, 1 on the
	// face a frown; either, or a score of concern, corroborates a call for help.
	if s >= c.Concern || a.Items.Vocalisation >= 1 || a.Items.Face >= 1 {
		p.distressAt, p.distressSeen = a.At, true
	}
	p.concern.update(concern, a.At)
	p.comfort.update(s >= c.Comfort, a.At)
	p.severe.update(severe, a.At)
	p.eased.update(s < c.Clear, a.At)
}

// score is the smoothed pain score (0 before any evidence).
func (p *painTracker) score() float64 { return p.smoothed.score }

// seenAt is when the newest evidence was taken.
func (p *painTracker) seenAt() time.Duration { return p.smoothed.last }

// known says whether any evidence has been taken since the last reset.
func (p *painTracker) known() bool { return p.smoothed.have }

// fresh says whether the score is recent enough to act on.
func (p *painTracker) fresh(now, staleAfter time.Duration) bool {
	return p.smoothed.fresh(now, staleAfter)
}

// reset forgets the score and the dwells; the next visit, or the evidence
// after a gap, starts afresh. When distress was last seen is kept.
func (p *painTracker) reset() {
	p.smoothed.reset()
	p.concern.reset()
	p.comfort.reset()
	p.severe.reset()
	p.eased.reset()
}

// comfortTracker is what the robot does about pain: the check-in's
// cadence, and the comforting schedule (breathing cues, then comfort again
// now and then).
type comfortTracker struct {
	checkedIn   bool
	lastCheckIn time.Duration

	since       time.Duration // when comforting last started, or pain first called for comfort nobody gave
	wanted      bool          // since is set: comfort is given, or owed where nobody gives it
	given       bool          // comfort was given since the robot entered comforting
	late        bool          // comfort given began only when the quiet asked for ended (resume)
	owedSince   time.Duration // with late: when that comfort was first owed
	active      bool          // the schedule runs
	breathsLeft int
	nextBreath  time.Duration
	nextComfort time.Duration
}

// checkInDue says whether a check-in may be said aloud: the first, or one
// cooldown after the last.
func (c *comfortTracker) checkInDue(now, cooldown time.Duration) bool {
	return !c.checkedIn || now-c.lastCheckIn >= cooldown
}

func (c *comfortTracker) checkedInAt(now time.Duration) { c.checkedIn, c.lastCheckIn = true, now }

// started marks the start of comforting: comfort given from now.
func (c *comfortTracker) started(now time.Duration) { c.since, c.wanted, c.given = now, true, true }

// owe records that pain calls for comfort nobody gives (paused, faulty,
// asked for quiet): from now, unless it already did.
func (c *comfortTracker) owe(now time.Duration) {
	if !c.wanted {
		c.since, c.wanted = now, true
	}
}

// owing says whether comfort is owed: called for since since, and not given.
func (c *comfortTracker) owing() bool { return c.wanted && !c.given }

// settle forgets comfort owed: the pain eased, or the person left.
func (c *comfortTracker) settle() { c.wanted = c.given }

// resume marks the comfort about to start (started) as comfort owed while
// the robot was asked for quiet, and owed since since: lasting pain counts
// from then, not from the comfort's late start.
func (c *comfortTracker) resume() { c.late, c.owedSince = true, c.since }

// withhold stops giving comfort on entering a state that gives none
// (paused, faulty): what was given is owed from when it began, for the
// pain has not eased, or from when it was owed, if it began late.
func (c *comfortTracker) withhold() {
	if c.late {
		c.since = c.owedSince
	}
	c.active, c.given, c.late = false, false, false
}

// begin starts the comforting schedule; breathe or comfortAt says what
// comes first.
func (c *comfortTracker) begin() { c.active = true }

// due says what the schedule calls for now: a breathing cue, comfort
// again, or nothing; it counts the cue or sets the next comfort as it says
// so. repeat is asked for the gap only when the next comfort is scheduled.
// While hold is set comfort again waits (its time stays due).
func (c *comfortTracker) due(now, cycle time.Duration, repeat func() time.Duration, hold bool) (breath, again bool) {
	if !c.active {
		return false, false
	}
	if c.breathsLeft > 0 {
		if now < c.nextBreath {
			return false, false
		}
		c.breathsLeft--
		c.nextBreath = now + cycle
		if c.breathsLeft == 0 {
			c.nextComfort = now + repeat()
		}
		return true, false
	}
	if now < c.nextComfort || hold {
		return false, false
	}
	c.nextComfort = now + repeat()
	return false, true
}

// breathe starts n paced breathing cues, the first at at.
func (c *comfortTracker) breathe(n int, at time.Duration) { c.breathsLeft, c.nextBreath = n, at }

// comfortAt sets when comfort comes again.
func (c *comfortTracker) comfortAt(at time.Duration) { c.nextComfort = at }

// stop halts the schedule on entering a state that does not comfort; the
// comfort given is over.
func (c *comfortTracker) stop() { c.active, c.given, c.wanted, c.late = false, false, false, false }

// end forgets the episode's schedule, breaths left included.
func (c *comfortTracker) end() { c.stop(); c.breathsLeft = 0 }

// alertTracker is what the carer has been told in this episode, and a call
// for help waiting for its second cue.
type alertTracker struct {
	level   AlertLevel       // highest level raised in this episode
	last    [3]time.Duration // by level rank: when last raised, in any episode
	sent    [3]bool          // by level rank: raised in this episode
	ever    [3]bool          // by level rank: raised at some time in the run
	pending *pendingAlert    // the alert escalate is about to raise
	open    *Alert           // the latest alert raised in this episode, for acknowledgements
	acked   [3]bool          // by level rank: a carer acknowledged that level in this episode
	ackedAt [3]time.Duration // by level rank: when, if acked
	ackedBy [3]string        // by level rank: who, if they said
	// relapse is the worst pain at Pain.Concern or more seen since a
	// carer acknowledged the episode's alert and since its last page: it
	// is told when the alert falls due, even if the pain is mild by then
	// (unanswered.go, noteRelapse).
	relapse painSeen
	dipped  bool // pain seen under Pain.Concern since then: what rises again is a relapse

	// A call for help heard once, waiting for a second cue.
	help      bool
	helpAt    time.Duration
	helpWord  string
	offerCall bool // entering concerned because of a lone call for help
	helpAlert bool // the episode's alert answers a call for help, not a pain score

	// A call for help whose episode ended in calm before any carer
	// acknowledged it: it stays open, unresolved, until one does (leaveCallOpen).
	openCall *Alert

	standing *standingAlert // an earlier episode's alert, not resolved (standing.go)
	before   painSeen       // with a standing alert made the episode's again: the pain seen before the person left
}

// mayRaise says whether an alert of level may go out now: not when the
// same level went out in this episode within cooldown. The cooldown keeps
// one episode from paging again and again; it never holds back a new one.
func (a *alertTracker) mayRaise(level AlertLevel, now, cooldown time.Duration) bool {
	r := level.rank()
	return !a.sent[r] || now-a.last[r] >= cooldown
}

// recurred says how long ago the same level went out in an earlier
// episode, when that was within cooldown: the carer is told it came back.
func (a *alertTracker) recurred(level AlertLevel, now, cooldown time.Duration) (time.Duration, bool) {
	r := level.rank()
	since := now - a.last[r]
	return since, !a.sent[r] && a.ever[r] && since < cooldown
}

// due says whether the episode's alert of level, unanswered, is to go out
// again, and how long ago it last went out: a cooldown has passed since it
// went out and since a carer last acknowledged it. An acknowledgement
// answers the page for one cooldown (the carer is dealing with it), like
// an alarm paused for a set time (IEC 60601-1-8), never for the rest of
// the episode: pain still there a cooldown after the acknowledgement is
// told again. A worse level is a new page, and a new episode is news.
func (a *alertTracker) due(level AlertLevel, now, cooldown time.Duration) (time.Duration, bool) {
	r := level.rank()
	since, quiet := now-a.last[r], now-a.last[r]
	if a.acked[r] {
		quiet = min(quiet, now-a.ackedAt[r])
	}
	return since, r > 0 && a.sent[r] && quiet >= cooldown
}

// ackNote tells, for a repeat of the episode's alert of level, that a
// carer acknowledged it and how long ago: ", acknowledged by Mary 10m0s
// ago", or "" when nobody did.
func (a *alertTracker) ackNote(level AlertLevel, now time.Duration) string {
	r := level.rank()
	if !a.acked[r] {
		return ""
	}
	return fmt.Sprintf(", acknowledged%s %v ago", byName(a.ackedBy[r]), (now - a.ackedAt[r]).Round(time.Second))
}

// byName is " by Mary" for a carer who said who they are, else "".
func byName(who string) string {
	if who == "" {
		return ""
	}
	return " by " + who
}

// acknowledged records a carer's acknowledgement of the open alert at now.
// With no episode open, a carer acknowledging while the person is out of
// view answers the alert that stands (standing.go): it is the episode's
// again when they come back, with this acknowledgement.
func (a *alertTracker) acknowledged(by string, now time.Duration) {
	switch {
	case a.open != nil:
		r := a.open.Level.rank()
		a.acked[r], a.ackedAt[r], a.ackedBy[r] = true, now, by
		a.relapse, a.dipped = painSeen{}, false // the carer answers what is there now
	case a.standing != nil:
		a.standing.episode.acknowledged(by, now)
	}
}

// answering is the alert a carer's acknowledgement now answers: the open
// episode's latest, else the one standing, else nil.
func (a *alertTracker) answering() *Alert {
	switch {
	case a.open != nil:
		return a.open
	case a.standing != nil:
		return a.standing.episode.open
	}
	return nil
}

// raised records an alert that went out. The episode's level stays its
// highest: a lesser alert raised later (a warning while paused, after an
// urgent page) is told, but what the episode repeats is still the worst the
// carer was told of.
func (a *alertTracker) raised(al Alert) {
	r := al.Level.rank()
	a.sent[r], a.ever[r], a.last[r] = true, true, al.At
	a.openCall = nil // the carer is paged anew: that page is the one to answer
	a.relapse, a.dipped = painSeen{}, false
	if a.level.rank() < r {
		a.level = al.Level
	}
	a.open = &al
}

// resumed makes al, raised in an episode that has since ended, an alert of
// the episode now, as raised then: what it was raised for goes on (a bout
// of distress heard unseen), so it repeats by due from when it went out.
func (a *alertTracker) resumed(al Alert) {
	r := al.Level.rank()
	a.sent[r] = true
	if a.level.rank() < r {
		a.level = al.Level
	}
	a.open = &al
}

// answered says whether a carer acknowledged any alert of the episode.
func (a *alertTracker) answered() bool { return slices.Contains(a.acked[:], true) }

// leaveCallOpen keeps the episode's call for help open past the episode:
// a person who asked for help is not answered by a calm face. Like a nurse
// call,
// which is cancelled where the person is by whoever came, not by the
// caller falling quiet, only a carer's acknowledgement (or a later alert,
// or an opt-out) ends it.
func (a *alertTracker) leaveCallOpen() {
	if a.open != nil {
		al := *a.open
		a.openCall = &al
	}
}

// heardHelp records a lone call for help.
func (a *alertTracker) heardHelp(word string, at time.Duration) {
	a.help, a.helpAt, a.helpWord = true, at, word
}

// answeredHelp settles the call for help: the episode's alert answers it.
func (a *alertTracker) answeredHelp() { a.help, a.helpAlert = false, true }

// end forgets the episode.
func (a *alertTracker) end() {
	a.level = ""
	a.pending = nil
	a.helpAlert = false
	a.open = nil
	a.before = painSeen{}
	a.sent = [3]bool{} // the next episode's alerts are news
	a.acked, a.ackedBy = [3]bool{}, [3]string{}
	a.relapse, a.dipped = painSeen{}, false
}

// wizardTracker holds the Wizard-of-Oz proposals awaiting a supervisor.
type wizardTracker struct {
	nextID  uint64
	pending []Proposal
}

const maxPending = 32

// propose holds an intent for approval and returns the proposal.
func (w *wizardTracker) propose(it Intent, reason string, now, ttl time.Duration) Proposal {
	w.prune(now, ttl)
	w.nextID++
	p := Proposal{ID: w.nextID, At: now, Intent: it, Reason: reason}
	w.pending = append(w.pending, p)
	return p
}

// prune drops proposals older than ttl, and the oldest beyond maxPending.
func (w *wizardTracker) prune(now, ttl time.Duration) {
	i := 0
	for i < len(w.pending) && (now-w.pending[i].At > ttl || len(w.pending)-i >= maxPending) {
		i++
	}
	w.pending = append(w.pending[:0], w.pending[i:]...)
}

// take removes and returns the open proposal id.
func (w *wizardTracker) take(id uint64, now, ttl time.Duration) (Proposal, bool) {
	w.prune(now, ttl)
	for i, p := range w.pending {
		if p.ID == id {
			w.pending = append(w.pending[:i], w.pending[i+1:]...)
			return p, true
		}
	}
	return Proposal{}, false
}

// drop forgets every open proposal.
func (w *wizardTracker) drop() { w.pending = w.pending[:0] }

// consentTracker is what the person asked of the robot: quiet for a while
// (an opt-out word said in distress, or a lone one said calmly), the words
// an opt-out question confirms, and the final still owed after an
// opt-out's acknowledgement.
type consentTracker struct {
	hushUntil  time.Duration
	stopUntil  time.Duration // a lone opt-out word was heard; said again before this, it opts out or asks
	stopWord   string        // that lone word
	said       string        // what the open opt-out question confirms: `said "stop" twice`
	stillDue   time.Duration
	stillIsDue bool
}

// hushed says whether the robot was asked for quiet and it has not passed.
func (c *consentTracker) hushed(now time.Duration) bool { return now < c.hushUntil }

func (c *consentTracker) hush(until time.Duration) { c.hushUntil = until }

// hushAtLeast keeps the quiet until at least until.
func (c *consentTracker) hushAtLeast(until time.Duration) { c.hushUntil = max(c.hushUntil, until) }

// heardStop records a lone opt-out word: said again before until, it opts
// out or asks.
func (c *consentTracker) heardStop(word string, until time.Duration) {
	c.stopWord, c.stopUntil = word, until
}

// secondStop takes the lone word's pair: what was said, for the question's
// record and the opt-out's reason. The next word is a lone one again.
func (c *consentTracker) secondStop(word string) string {
	c.said = fmt.Sprintf("said %q twice", word)
	if c.stopWord != word {
		c.said = fmt.Sprintf("said %q, then %q", c.stopWord, word)
	}
	c.forgetStop()
	return c.said
}

// forgetStop spends a lone opt-out word: the next one is a lone one again.
func (c *consentTracker) forgetStop() { c.stopUntil = 0 }

// stopAgain says whether an opt-out word now repeats a lone one.
func (c *consentTracker) stopAgain(now time.Duration) bool { return now < c.stopUntil }

// owe schedules the final still at due; settle cancels it.
func (c *consentTracker) owe(due time.Duration) { c.stillDue, c.stillIsDue = due, true }
func (c *consentTracker) settle()               { c.stillIsDue = false }

// stillOwed says whether the final still is due now, and if so settles it.
func (c *consentTracker) stillOwed(now time.Duration) bool {
	if !c.stillIsDue || now < c.stillDue {
		return false
	}
	c.stillIsDue = false
	return true
}
