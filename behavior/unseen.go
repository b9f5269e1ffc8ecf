package behavior

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Distress heard but not seen. The normal path acts only on assessments of
// a person present and assessed with Pain.MinConfidence, and fusion's
// confidence is the confidently seen share of all four PAINAD channels, so
// a voice alone never reaches it (at most 0.85 of 3.8). Someone who fell
// out of the camera's view, lies in the dark or turned away, and moans for
// minutes, would raise nothing. The unseen tracker listens to exactly the
// assessments the normal path sets aside: when their PAINAD vocalisation
// item shows distress (1, "occasional moan or groan", or more; Warden,
// Hurley & Volicer 2003, JAMDA 4) for long enough, a carer is told.
//
// It listens too to the assessments the normal path takes but does not act
// on: a person seen confidently whose pain score stays under Pain.Concern
// while the voice shows distress. A moan alone scores 1 or 2 of PAINAD's 10,
// so someone who moans with a calm face (dementia, the masked face of
// Parkinson's disease, a stroke) never reaches concern, and PAINAD scores
// face and voice as separate items for that reason (Warden et al. 2003). The
// voice is the evidence in both cases, with the same classifier, so the same
// rule tells the carer: warning, urgent, repeated when due, resolved once the
// voice is calm. Measured on real recordings in README.md ("Moaning with a
// calm face").

const (
	// unseenWindow and unseenShare make the listening tolerant of the gaps
	// between moans: a moan lasts seconds and the breath between them is
	// quiet, so distress is heard while at least half of the last 30 s
	// showed it. A pause must then last more than 15 s to break a bout,
	// while ordinary speech, in which a keyword spotter now and then
	// mishears "ouch" (fusion holds such a word for 10 s), cannot fill half
	// a window by itself.
	unseenWindow = 30 * time.Second
	unseenShare  = 0.5
	// unseenMaxSample is the most one assessment counts for: they come at
	// 10 Hz, and a long gap is not evidence of anything.
	unseenMaxSample = time.Second
	// unseenCalm is how long the voice must show no distress at all, seen
	// or unseen, before a bout the carer was told of is resolved: one
	// whole window of calm.
	unseenCalm = unseenWindow
)

// unseenSample is one assessment the normal path set aside.
type unseenSample struct {
	at         time.Duration
	distressed bool
	person     string // the person the engine knew of then ("" for none)
}

// unseenTracker is the one owner of the unseen-distress bout: the samples
// of the last window, since when distress has been heard, and what the
// carer was told of it.
type unseenTracker struct {
	samples []unseenSample

	on      bool          // a bout: distress heard for at least half the window
	since   time.Duration // the bout's first distressed sample
	loud    time.Duration // the voice last showed distress, seen or unseen
	heard   []string      // what fusion named in the bout: "moaning", "crying", ...
	present bool          // the last assessment listened to saw a person
	conf    float64       // and with what confidence
	calm    bool          // seen confidently, with a pain score under Pain.Concern
	score   float64       // and that score

	told    *Alert // the highest alert raised for the bout, if any
	adopted bool   // the normal path took the bout over (see giveUnseen)

	// whose: the person the engine knew of when the bout's first
	// distress was heard ("" for none); seen: who the last assessment
	// listened to saw, if anyone.
	whose, seen string

	// stands: an alert of the engine (the episode's, or one standing)
	// was out when the bout began, or the normal path took the bout over:
	// it tells of more than a voice, so a voice fallen calm with nobody
	// seen calm does not resolve it (unseenCalmed).
	stands bool
	// ofEpisode: the bout began while an episode's alert was open. Its
	// distress is that episode's: once the episode ends, the alert
	// standing from it tells of the bout too (unseenAlerts).
	ofEpisode bool
}

// distressCues are fusion's cues that name a distressed voice, most urgent
// first.
var distressCues = []string{"screaming", "crying", "moaning", "distressed speech"}

// add takes one assessment; usable says the normal path takes it, acts
// that its pain score is also at Pain.Concern, so that the normal path acts
// on it.
// person is the person the engine knows of now.
func (u *unseenTracker) add(a *perception.PainAssessment, usable, acts bool, person string) {
	distressed := finite(a.Items.Vocalisation) && a.Items.Vocalisation >= 1
	if distressed {
		u.loud = a.At
	}
	// What the normal path acts on is not heard here: a person seen in
	// pain is the normal path's.
	s := unseenSample{at: a.At, distressed: distressed && !acts, person: person}
	if n := len(u.samples); n > 0 && a.At < u.samples[n-1].at {
		return // time never goes back
	}
	u.samples = append(u.samples, s)
	cut := 0
	for cut < len(u.samples) && u.samples[cut].at <= a.At-unseenWindow {
		cut++
	}
	u.samples = slices.Delete(u.samples, 0, cut)
	if !acts {
		u.present, u.conf = a.Present, a.Confidence
		u.calm, u.score = usable, a.Score
		u.seen = ""
		if a.Present {
			u.seen = a.Person
		}
	}
	if s.distressed {
		for _, c := range a.Cues {
			if slices.Contains(distressCues, c) && !slices.Contains(u.heard, c) {
				u.heard = append(u.heard, c)
			}
		}
	}
}

// share is the part of the window up to now in which distress was heard
// unseen; each sample counts until the next one, at most unseenMaxSample.
func (u *unseenTracker) share(now time.Duration) float64 {
	var heard time.Duration
	for i, s := range u.samples {
		if !s.distressed {
			continue
		}
		end := now
		if i+1 < len(u.samples) {
			end = u.samples[i+1].at
		}
		heard += min(end-s.at, unseenMaxSample)
	}
	return heard.Seconds() / unseenWindow.Seconds()
}

// distressed says whether distress was heard unseen within the window.
func (u *unseenTracker) distressed(now time.Duration) bool { return u.share(now) > 0 }

// unsettled says whether distress the normal path does not act on goes
// on: such distress (the face calm, or the person out of view) heard
// within the window, bout or not yet, or a bout it did not take over,
// until its voice has been calm for unseenCalm. Moaning that began as the
// face calmed fills half a window only after 15 s; the pain eased in 10
// (Pain.EaseDwell), and before, a "resolved" went out mid-moan
// (TestNoEasingWhileMoaningBegins).
func (u *unseenTracker) unsettled(now time.Duration) bool {
	return u.distressed(now) || u.on && !u.adopted
}

// update starts a bout when distress fills half the window, and says
// whether the bout is still heard now.
func (u *unseenTracker) update(now time.Duration) bool {
	share := u.share(now)
	held := share >= unseenShare
	if !u.on && share == 0 {
		u.heard = u.heard[:0] // nothing heard in the window: no bout's cues
	}
	if held && !u.on {
		u.on, u.since = true, now
		for _, s := range u.samples {
			if s.distressed {
				u.since, u.whose = s.at, s.person
				break
			}
		}
	}
	return held
}

// what names what was heard: "moaning", "moaning and crying", or distress
// in the voice when fusion named nothing.
func (u *unseenTracker) what() string {
	if len(u.heard) == 0 {
		return "distress in the voice"
	}
	named := slices.Clone(u.heard)
	slices.SortFunc(named, func(a, b string) int {
		return slices.Index(distressCues, a) - slices.Index(distressCues, b)
	})
	if n := len(named); n > 1 {
		return strings.Join(named[:n-1], ", ") + " and " + named[n-1]
	}
	return named[0]
}

// where says why the normal path did not act: it could not assess the
// person, or it saw them calm.
// It names who is in view when that is not whom the bout is about.
func (u *unseenTracker) where() string {
	who := "the person"
	if u.whose != "" && u.seen != "" && !samePerson(u.whose, u.seen) { // not a renumbered track
		who = u.seen
	}
	if u.calm {
		if who == "the person" {
			// Nothing tells a calm-faced moaner (dementia, Parkinson's
			// masked face) from a calm visitor with the moaner out of
			// view: the page is in their name, and says the voice may be
			// another's, so a carer looks round the room too.
			return fmt.Sprintf("with the person in view looking calm (pain score %.1f); the voice may be theirs or someone's out of view", u.score)
		}
		return fmt.Sprintf("with %s in view looking calm (pain score %.1f)", who, u.score)
	}
	if u.present {
		return fmt.Sprintf("with %s not seen well enough to assess (confidence %.2f)", who, u.conf)
	}
	return "with no one in view"
}

// about is whom the bout's alerts name: the person known when its first
// distress was heard, since a voice heard before someone else came into
// view is not theirs; else (nobody known then) the person now.
func (u *unseenTracker) about(now string) string {
	if u.whose != "" {
		return u.whose
	}
	return now
}

// forget ends the bout without a word: the person opted out.
func (u *unseenTracker) forget() { *u = unseenTracker{samples: u.samples[:0]} }

// heardUnseen feeds the unseen tracker an assessment that came in (not
// opted out); usable says the normal path took it.
func (e *Engine) heardUnseen(a *perception.PainAssessment, usable bool) {
	u := &e.unseen
	acts := usable && a.Score >= e.cfg.Pain.Concern
	u.add(a, usable, acts, e.presence.person)
	if acts && u.on && u.told != nil && !u.adopted {
		e.giveUnseen()
	}
}

// giveUnseen gives a bout the carer was told of to the normal path, once it
// sees the person confidently and in pain (a calm face leaves the bout to
// the voice, see unseenTracker): the alert counts as raised in its episode,
// so the normal path does not page again for the same distress within the
// cooldown, and resolves it when the pain it sees eases.
func (e *Engine) giveUnseen() {
	u := &e.unseen
	u.adopted, u.stands = true, true
	if e.alert.level.rank() < u.told.Level.rank() {
		e.alert.raised(*u.told)
	}
}

// unseenAlerts raises, and resolves, the carer's alerts for distress heard
// unseen: at warning once it has been heard for Alert.UnseenAfter, urgent
// after Alert.ReliefTimeout more, resolved after unseenCalm of calm voice.
// It runs after the normal path has decided, in every state: opted out, no
// assessment is heard (onAssessment) and the bout was forgotten (forget);
// escalate keeps it quiet while the normal path's own alert for the episode
// is at that level or higher (never two alerts for one episode).
func (e *Engine) unseenAlerts() {
	u := &e.unseen
	was := u.on
	held := u.update(e.now)
	if !u.on {
		return
	}
	if !was {
		u.stands = e.alert.open != nil || e.alert.standing != nil
		u.ofEpisode = e.alert.open != nil
	}
	if !held && e.now-u.loud >= unseenCalm {
		e.unseenCalmed()
		return
	}
	if u.adopted && held {
		// Heard again, in assessments the normal path does not act on,
		// after it took the bout: it sees the person no more while the
		// robot, hearing them, stays with them, or it sees them calm while
		// they go on moaning. The bout is the voice's again, from its
		// start: a face seen in pain for a while delays no page. What the
		// episode told the carer (the bout's alert or one the normal path
		// raised since) counts as told for it, so the episode does not page
		// its level again within the cooldown, and the bout repeats and
		// escalates it as it goes on. If the episode ended meanwhile (the
		// pain it saw eased, or the robot left), it is a new bout.
		if o := e.alert.open; o != nil {
			a := *o
			u.told, u.adopted = &a, false
		} else {
			*u = unseenTracker{samples: u.samples, heard: u.heard, loud: u.loud,
				present: u.present, conf: u.conf, calm: u.calm, score: u.score, seen: u.seen}
			held = u.update(e.now)
			u.stands = e.alert.standing != nil
		}
	}
	if !held || u.adopted {
		return
	}
	dur := e.now - u.since
	level := AlertLevel("")
	switch {
	case dur >= e.cfg.Alert.UnseenAfter+e.cfg.Alert.ReliefTimeout:
		level = AlertUrgent
	case dur >= e.cfg.Alert.UnseenAfter:
		level = AlertWarning
	}
	if level == "" {
		return
	}
	if s := e.alert.standing; u.told == nil && u.ofEpisode && e.alert.level == "" && s != nil {
		// The episode the bout began in paged the carer, and ended (the
		// person out of view, then quiet): its alert stands and tells of
		// this distress too. Paging the bout's lesser level now, seconds
		// after the moaning stopped, told a second story; the standing
		// alert is the bout's, repeated when due, and a worse level than
		// it pages as ever (below).
		a := *s.episode.open
		u.told = &a
	}
	if u.told != nil && u.told.Level.rank() >= level.rank() {
		e.unseenAgain(dur)
		return
	}
	// escalate raises nothing while the episode's alert is at this level or
	// higher, nor within the cooldown: the normal path's alert covers it.
	before := len(e.buf)
	e.escalateAbout(u.about(e.presence.person), level, fmt.Sprintf("heard %s for %v %s", u.what(), dur.Round(time.Second), u.where()))
	for _, o := range e.buf[before:] {
		if a, ok := o.(Alert); ok && a.Level == level && a.Sense == "" {
			u.told = &a
		}
	}
}

// unseenAgain raises the bout's alert again when nobody answered it, by
// the normal path's rule (alertTracker.due): a cooldown after it last went
// out, unless a carer acknowledged it, while the bout goes on and no worse
// alert is the episode's (the normal path took over none of it; a lesser
// one raised since, such as a hush's warning, does not answer it). A worse
// level is told by unseenAlerts as ever.
func (e *Engine) unseenAgain(dur time.Duration) {
	u := &e.unseen
	level := u.told.Level
	if e.alert.level.rank() > level.rank() {
		return // a worse alert of the episode repeats by its own rule
	}
	if !e.alert.sent[level.rank()] {
		// The episode the bout's alert went out in has ended while the
		// bout goes on: a face seen to leave (the camera's tracker says so
		// when a dim face flickers out of view) or the robot leaving ends
		// the robot's episode, not the distress it hears. The bout keeps
		// its alert, and the repeat it is owed.
		e.alert.resumed(*u.told)
	}
	since, ok := e.alert.due(level, e.now, e.cfg.Alert.Cooldown)
	if !ok {
		return
	}
	reason := fmt.Sprintf("heard %s for %v %s", u.what(), dur.Round(time.Second), u.where()) + e.again(level, since)
	// With the robot beside the person (engaged by a voice it heard), it
	// says it told a carer, as the normal path's repeat does.
	if e.raiseAlertAbout(u.about(e.presence.person), level, reason, slices.Contains(withPerson, e.State())) {
		a := *e.alert.open
		u.told = &a
	}
}

// repeats says whether the bout tells the carer of the episode's alert of
// level and repeats it when due (unseenAgain): it was told at that level
// or higher, and the normal path has not taken it over.
func (u *unseenTracker) repeats(level AlertLevel) bool {
	return u.on && !u.adopted && u.told != nil && u.told.Level.rank() >= level.rank()
}

// unseenCalmed ends a bout once the voice has been calm for unseenCalm. A
// bout the carer was told of is resolved, unless the normal path took it
// over and has it in an episode of its own (it resolves it when the pain
// eases) or resolved it already.
func (e *Engine) unseenCalmed() {
	u := &e.unseen
	open := e.toldOpen()
	told, adopted := u.told, u.adopted
	unseen := u.stands && !u.calm
	*u = unseenTracker{samples: u.samples, heard: u.heard[:0]}
	if told == nil {
		return
	}
	if unseen {
		// Pain seen, or a call for help, before the voice was heard, and
		// nobody seen calm now: silence out of view is no easing (the
		// person may have fallen asleep, or unconscious). The alert stands
		// (standing.go), and the episode ends as any visit does.
		return
	}
	if adopted && !open {
		return // the normal path resolved it, or moved on to an alert of its own
	}
	switch e.State() {
	case StateConcerned, StateComforting, StateAlerting:
		if adopted {
			return // the normal path's episode: it resolves it when the pain eases
		}
	}
	reason := fmt.Sprintf("no distress heard for %v", unseenCalm)
	e.emit(Alert{At: e.now, Level: AlertResolved, Person: told.Person, Score: e.pain.score(), Reason: reason})
	e.alert.forgetStanding() // the carer was told the distress is over
	if open {
		e.alert.end()
	}
	if e.State() == StateAlerting {
		// Raised with someone there, not seen well enough to assess: the
		// robot stayed with them; the distress is over.
		e.fire(trPainEased, reason)
	}
}

// toldOpen says whether the alert raised for the bout is still the open
// alert of the engine's episode.
func (e *Engine) toldOpen() bool {
	t, o := e.unseen.told, e.alert.open
	return t != nil && o != nil && o.At == t.At && o.Level == t.Level
}
