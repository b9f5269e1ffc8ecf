package behavior

import (
	"math"
	"time"
)

// The ranges of the keys that decide whether, and how soon, a carer is
// told: each smooths, delays, gates or rate-limits an alert. A value past
// the end of its range would let a configuration file silence the robot's
// alerts without an opt-out (a smoothing of 1000h, say, never lets a score
// of 9 rise to severe), so Validate refuses it. Each upper end is the
// longest wait a carer could still call a warning; the README lists them.
//
// At the ends of every range at once, a person who sits down calm and then
// hurts at 9 is paged as urgent within about 100 s, and one whose pain stays
// at 5 through comfort is told at warning level within about 14 minutes
// (TestAlertsComeAtTheEndsOfTheRanges measures both).
const (
	// MaxMinConfidence: the fused confidence is the confidently seen share
	// of the four PAINAD channels' weight (perception/fusion). The camera
	// alone, a person who is silent, gave 0.48 in every assessment of the
	// dev set's three face videos once the face was found (kindred run
	// --video, journal export); above 0.4 a silent person seen a little
	// less well (a turned head, dim light) would never be assessed, and so
	// never alerted for. 1 would let nothing pass but a self-report.
	MaxMinConfidence = 0.4

	// MaxSmoothing: the running mean crosses severe (8 at most) from calm
	// under a lasting 9 after ln 9 ≈ 2.2 time constants: 66 s at 30 s.
	MaxSmoothing = 30 * time.Second

	// MinStaleAfter, MaxStaleAfter: assessments come at 10 Hz
	// (fusion.DefaultOpts). Under 1 s a few late frames would reset the
	// dwell times again and again, so that severe pain never held long
	// enough to alert; over 30 s the robot would decide on a moment long
	// gone.
	MinStaleAfter = time.Second
	MaxStaleAfter = 30 * time.Second

	// MaxConcern: PAINAD's moderate band starts at 4 (Warden, Hurley &
	// Volicer 2003, JAMDA 4). Concern leads to comfort, and comfort that
	// does not help to the warning, so moderate pain must reach it.
	MaxConcern = 4.0

	// MaxSevere: PAINAD's severe band is 7–10. The smoothed score only
	// approaches a lasting level, and 9 or 10 needs every item near its
	// maximum, consolability (comfort failing) included: a threshold above
	// 8 would page for hardly any severe pain.
	MaxSevere = 8.0

	// MaxSevereDwell: severe pain is an urgent page; the smoothing already
	// rides out a moment's spike.
	MaxSevereDwell = 30 * time.Second

	// MaxConcernDwell, MaxComfortDwell, MaxPersistFor: the way from pain
	// to comfort, which must come before the no-relief warning can.
	MaxConcernDwell = time.Minute
	MaxComfortDwell = 2 * time.Minute
	MaxPersistFor   = 3 * time.Minute

	// MaxEaseDwell: an episode ends once pain stays below clear this long,
	// and only then is the next bout a new episode that pages at once
	// rather than after the cooldown. PAINAD observes for about five
	// minutes; calm that long is an end.
	MaxEaseDwell = 5 * time.Minute

	// MaxReliefTimeout: two PAINAD observation periods (about five minutes
	// each) of comfort without relief; longer, and the warning comes after
	// the carer could have helped.
	MaxReliefTimeout = 10 * time.Minute

	// MinCooldown, MaxCooldown: one episode pages a level at most once per
	// cooldown, and an alert nobody answered is raised again after it while
	// the pain lasts. Under a minute carers are paged over and over for the
	// same pain; over half an hour a missed page waits too long to repeat.
	MinCooldown = time.Minute
	MaxCooldown = 30 * time.Minute

	// MaxCorroborate: a lone "help" is told at warning level once this
	// window passes without a second cue, so the window delays that
	// warning.
	MaxCorroborate = time.Minute

	// MaxSenseLost: a robot that cannot see or hear can miss every alert;
	// its carer must know within ten minutes.
	MaxSenseLost = 10 * time.Minute

	// MinUnseenAfter, MaxUnseenAfter: distress heard while nobody is seen
	// well enough to assess (unseen.go) counts once it fills half of a 30 s
	// window, so the warning cannot come before 15 s of it; a shorter
	// value would promise what the window cannot give. PAINAD observes for
	// about five minutes (Warden, Hurley & Volicer 2003): moaning longer
	// than one observation period with nobody told is too long.
	MinUnseenAfter = unseenWindow / 2
	MaxUnseenAfter = 5 * time.Minute

	// MaxArriveAfter: pain is acted on only once someone has arrived; a
	// person in view for longer has come.
	MaxArriveAfter = 10 * time.Second

	// MinLeaveAfter, MaxLeaveAfter: leaving forgets the pain evidence, so
	// a face turned away for a moment must not count as gone (the dwell
	// times of severe pain would start again); someone away ten minutes
	// has left.
	MinLeaveAfter = 2 * time.Second
	MaxLeaveAfter = 10 * time.Minute
)

// validateAlerting checks the keys that feed alerts against their ranges.
func (c Config) validateAlerting(bad func(field, format string, args ...any)) {
	between := func(field string, d, lo, hi time.Duration) {
		if d < lo || d > hi {
			bad(field, "%v is outside %v..%v", d, lo, hi)
		}
	}
	upTo := func(field string, d, hi time.Duration) { // positive, at most hi
		if d <= 0 || d > hi {
			bad(field, "%v is outside 0 (exclusive)..%v", d, hi)
		}
	}
	score := func(field string, v, hi float64) {
		if math.IsNaN(v) || v <= 0 || v > hi {
			bad(field, "%g is outside 0 (exclusive)..%g", v, hi)
		}
	}

	p := c.Pain
	if !(p.MinConfidence >= 0 && p.MinConfidence <= MaxMinConfidence) { // NaN fails too
		bad("pain.min_confidence", "%g is outside 0..%g (above it a person seen but not heard is never assessed)", p.MinConfidence, MaxMinConfidence)
	}
	upTo("pain.smoothing", p.Smoothing, MaxSmoothing)
	between("pain.stale_after", p.StaleAfter, MinStaleAfter, MaxStaleAfter)
	score("pain.clear", p.Clear, 10)
	score("pain.concern", p.Concern, MaxConcern)
	score("pain.comfort", p.Comfort, 10)
	score("pain.severe", p.Severe, MaxSevere)
	if !(p.Clear < p.Concern && p.Concern <= p.Comfort && p.Comfort < p.Severe) {
		bad("pain", "thresholds must rise: clear %g < concern %g <= comfort %g < severe %g",
			p.Clear, p.Concern, p.Comfort, p.Severe)
	}
	between("pain.concern_dwell", p.ConcernDwell, 0, MaxConcernDwell)
	between("pain.comfort_dwell", p.ComfortDwell, 0, MaxComfortDwell)
	if p.PersistFor < p.ComfortDwell {
		bad("pain.persist_for", "%v must not be shorter than pain.comfort_dwell %v", p.PersistFor, p.ComfortDwell)
	}
	between("pain.persist_for", p.PersistFor, 0, MaxPersistFor)
	between("pain.severe_dwell", p.SevereDwell, 0, MaxSevereDwell)
	between("pain.ease_dwell", p.EaseDwell, 0, MaxEaseDwell)

	between("presence.arrive_after", c.Presence.ArriveAfter, 0, MaxArriveAfter)
	between("presence.leave_after", c.Presence.LeaveAfter, MinLeaveAfter, MaxLeaveAfter)

	a := c.Alert
	upTo("alert.relief_timeout", a.ReliefTimeout, MaxReliefTimeout)
	between("alert.cooldown", a.Cooldown, MinCooldown, MaxCooldown)
	upTo("alert.corroborate", a.Corroborate, MaxCorroborate)
	upTo("alert.sense_lost", a.SenseLost, MaxSenseLost)
	between("alert.unseen_after", a.UnseenAfter, MinUnseenAfter, MaxUnseenAfter)
	if len(a.Words) == 0 {
		bad("alert.words", "needs at least one word; without one a spoken call for help is never heard")
	}
	for _, w := range a.Words {
		if normalise(w) == "" {
			bad("alert.words", "empty word")
		}
	}
}
