package behavior

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// guard is one condition on an edge of the transition table: the words the
// Mermaid diagram shows for it and, for a condition that time and pain
// decide, the test the engine runs on each evaluation. Both live here, side
// by side and reading the same Config fields, so the diagram cannot say one
// thing while the engine does another.
//
// A condition only an input meets (a word heard, a touch, a console
// command, a fault) has no test: the engine fires its trigger where it
// handles that input, and the guard only describes it.
type guard struct {
	name string
	// when describes the condition for the diagram.
	when func(Config) string
	// holds reports whether the condition is met now and, if so, the
	// reason the transition records; nil for a condition only an input meets.
	holds func(view) (reason string, ok bool)
	// rank orders the tests the engine runs in one state: the lowest rank
	// that holds wins. Ranks are global, so a state's order follows from
	// the edges that leave it.
	rank rank
	// alert is the level an escalation for this condition raises.
	alert AlertLevel
	// in narrows the edge's source states to those where the engine tests
	// the condition; nil means all of them.
	in []State
}

// appliesIn reports whether the guard is a condition of its edge from s.
func (g guard) appliesIn(s State) bool { return g.in == nil || slices.Contains(g.in, s) }

// rank is a timed guard's priority: when several conditions hold at once,
// the person leaving outranks pain, severe pain outranks its easing, and
// easing outranks staying concerned.
type rank int

const (
	rankNone         rank = iota // an input-only guard: never tested
	rankAbsent                   // nobody seen for Presence.LeaveAfter
	rankSevere                   // severe pain for Pain.SevereDwell
	rankEased                    // pain below Pain.Clear for Pain.EaseDwell
	rankRising                   // pain at concern for Pain.ConcernDwell
	rankPersistsHigh             // pain at comfort for Pain.ComfortDwell
	rankPersistsLong             // pain at concern for Pain.PersistFor
	rankNoRelief                 // comfort given for Alert.ReliefTimeout, no relief
	rankGreeted                  // greeting lasted Presence.GreetFor
	rankPresent                  // someone seen for Presence.ArriveAfter
	rankNobody                   // alone for Presence.RestAfter
)

// view is what the guards may read of the engine at one evaluation. It is
// filled afresh each time (Engine.view) with copies of the trackers, so a
// guard cannot change the engine's state; the configuration it points to
// is only read.
type view struct {
	cfg     *Config
	state   State
	now     time.Duration
	entered time.Duration // when the current state was entered

	present, absent dwell

	fresh bool    // the smoothed pain score is recent enough to act on
	score float64 // the smoothed pain score

	concern, comfort, severe, eased dwell

	comfortSince time.Duration
	comforted    bool // comfort was given since comforting began (not while asked for quiet)
	owed         bool // comfort nobody gave has been called for since comfortSince
	late         bool // comfort began only when the quiet asked for ended; owed since owedSince
	owedSince    time.Duration
	helpAlert    bool // the episode's alert answers a call for help
	heard        bool // distress heard that the normal path does not act on goes on (unseenTracker.unsettled)
}

// onInput is a guard only an input meets.
func onInput(name, words string) guard {
	return guard{name: name, when: func(Config) string { return words }}
}

// The conditions time and pain decide. Each reason is what the transition
// records; each description is what the diagram shows.

func presentFor() guard {
	return guard{name: "present", rank: rankPresent,
		when: func(c Config) string { return fmt.Sprintf("present for %v", c.Presence.ArriveAfter) },
		holds: func(v view) (string, bool) {
			d := v.cfg.Presence.ArriveAfter
			if !v.present.held(v.now, d) {
				return "", false
			}
			return fmt.Sprintf("present for %v", d), true
		}}
}

func greetedAfter() guard {
	return guard{name: "greeted", rank: rankGreeted,
		when: func(c Config) string { return fmt.Sprintf("after %v", c.Presence.GreetFor) },
		holds: func(v view) (string, bool) {
			return "greeted", v.now-v.entered >= v.cfg.Presence.GreetFor
		}}
}

func absentFor() guard {
	return guard{name: "absent", rank: rankAbsent,
		when: func(c Config) string { return fmt.Sprintf("absent for %v", c.Presence.LeaveAfter) },
		holds: func(v view) (string, bool) {
			d := v.cfg.Presence.LeaveAfter
			if !v.absent.held(v.now, d) {
				return "", false
			}
			return fmt.Sprintf("absent for %v", d), true
		}}
}

func nobodyFor() guard {
	return guard{name: "nobody", rank: rankNobody,
		when: func(c Config) string { return fmt.Sprintf("nobody for %v", c.Presence.RestAfter) },
		holds: func(v view) (string, bool) {
			d := v.cfg.Presence.RestAfter
			if v.now-v.entered < d {
				return "", false
			}
			return fmt.Sprintf("nobody for %v", d), true
		}}
}

func painRising() guard {
	return guard{name: "pain rising", rank: rankRising,
		when: func(c Config) string { return fmt.Sprintf("pain ≥ %g for %v", c.Pain.Concern, c.Pain.ConcernDwell) },
		holds: func(v view) (string, bool) {
			p := v.cfg.Pain
			if !v.fresh || !v.concern.held(v.now, p.ConcernDwell) {
				return "", false
			}
			return fmt.Sprintf("pain %.1f ≥ %g for %v", v.score, p.Concern, p.ConcernDwell), true
		}}
}

func painPersistsHigh() guard {
	return guard{name: "pain persists high", rank: rankPersistsHigh,
		when: func(c Config) string { return fmt.Sprintf("pain ≥ %g for %v", c.Pain.Comfort, c.Pain.ComfortDwell) },
		holds: func(v view) (string, bool) {
			p := v.cfg.Pain
			if !v.fresh || !v.comfort.held(v.now, p.ComfortDwell) {
				return "", false
			}
			return fmt.Sprintf("pain %.1f ≥ %g for %v", v.score, p.Comfort, p.ComfortDwell), true
		}}
}

func painPersistsLong() guard {
	return guard{name: "pain persists long", rank: rankPersistsLong,
		when: func(c Config) string { return fmt.Sprintf("≥ %g for %v", c.Pain.Concern, c.Pain.PersistFor) },
		holds: func(v view) (string, bool) {
			p := v.cfg.Pain
			if !v.fresh || !v.concern.held(v.now, p.PersistFor) {
				return "", false
			}
			return fmt.Sprintf("pain %.1f ≥ %g for %v", v.score, p.Concern, p.PersistFor), true
		}}
}

// comfortDue is the conditions on which pain calls for comfort: the guards
// of the edge into comforting, and of lasting pain where nobody comforts.
func comfortDue() []guard { return []guard{painPersistsHigh(), painPersistsLong()} }

// painEased holds when the pain has stayed below Pain.Clear for
// Pain.EaseDwell. Someone who asked for help is not answered by a low pain
// score alone: after such an alert, calm must last as long as comfort is
// given a chance to work (Alert.ReliefTimeout), if that is longer. Nor is
// someone who still moans: a moan alone scores 1 or 2 of PAINAD's 10, so
// with a calm face the score is under Pain.Clear while the voice shows
// distress (unseen.go); the pain has eased once the voice has been calm too
// (the bout ends, and its alert is resolved, after unseenCalm).
func painEased() guard {
	return guard{name: "pain eased", rank: rankEased,
		when: func(c Config) string {
			return fmt.Sprintf("pain < %g for %v, voice calm", c.Pain.Clear, c.Pain.EaseDwell)
		},
		holds: func(v view) (string, bool) {
			p := v.cfg.Pain
			d := p.EaseDwell
			if v.state == StateAlerting && v.helpAlert {
				d = max(p.EaseDwell, v.cfg.Alert.ReliefTimeout)
			}
			if !v.fresh || v.heard || !v.eased.held(v.now, d) {
				return "", false
			}
			return fmt.Sprintf("pain %.1f < %g for %v", v.score, p.Clear, d), true
		}}
}

func severePain() guard {
	return guard{name: "severe pain", rank: rankSevere, alert: AlertUrgent,
		when: func(c Config) string { return fmt.Sprintf("pain ≥ %g for %v", c.Pain.Severe, c.Pain.SevereDwell) },
		holds: func(v view) (string, bool) {
			p := v.cfg.Pain
			if !v.severeHeld() {
				return "", false
			}
			return fmt.Sprintf("severe pain %.1f for %v", v.score, p.SevereDwell), true
		}}
}

// severeHeld is severe pain for Pain.SevereDwell on fresh evidence; the
// states without an escalate edge (paused, faulty, alerting) read it too.
func (v view) severeHeld() bool { return v.fresh && v.severe.held(v.now, v.cfg.Pain.SevereDwell) }

// noRelief holds when comfort has been given for Alert.ReliefTimeout and
// the pain is still there; only comforting gives comfort that can fail.
// Comforting entered while the robot was asked for quiet gives none: there
// lasting pain holds (uncomforted), as where nobody comforts, and the
// reason says no comfort was given. When the quiet ends and comfort begins
// late (Engine.resumeComfort), lasting pain still holds as if none had
// been given, from when it was first owed, and the reason says for how
// long comfort was given.
func noRelief() guard {
	return guard{name: "no relief", rank: rankNoRelief, alert: AlertWarning, in: []State{StateComforting},
		when: func(c Config) string { return fmt.Sprintf("no relief in %v", c.Alert.ReliefTimeout) },
		holds: func(v view) (string, bool) {
			d := v.cfg.Alert.ReliefTimeout
			if !v.comforted {
				reason, ok := v.uncomforted()
				return reason + ", with no comfort given (asked for quiet)", ok
			}
			if v.late {
				// Comfort began when the quiet ended: the carer hears no
				// later than had none been given (alerts never wait).
				then := v
				then.owed, then.comfortSince = true, v.owedSince
				if reason, ok := then.uncomforted(); ok {
					return fmt.Sprintf("%s, with comfort given only for the last %v (asked for quiet before)",
						reason, (v.now - v.comfortSince).Round(time.Second)), true
				}
			}
			if !v.fresh || v.now-v.comfortSince < d {
				return "", false
			}
			return fmt.Sprintf("pain %.1f not eased after %v of comfort", v.score, d), true
		}}
}

// uncomforted says whether pain has lasted Alert.ReliefTimeout with nobody
// comforting: the states that give no comfort (paused, faulty) and
// comforting entered while the robot was asked for quiet. A carer must hear
// of it as soon as no relief would have told them had the robot comforted
// (DOMAIN: only an explicit opt-out silences an alert), so it holds when
// the pain has called for comfort (comfortDue) for ReliefTimeout, its
// dwell unbroken since: the time comfort would have been given and failed;
// or, as comforting goes on through dips that are not easing, when comfort
// has been owed (view.owed, kept by the engine) for ReliefTimeout. Pain at
// Pain.Comfort for ReliefTimeout holds too, without the wait comforting
// would have begun after (Pain.ComfortDwell): nobody is there to be
// waited for. The reason says what was seen, not comfort given.
func (v view) uncomforted() (string, bool) {
	p, d := v.cfg.Pain, v.cfg.Alert.ReliefTimeout
	if !v.fresh {
		return "", false
	}
	if v.comfort.held(v.now, d) {
		return fmt.Sprintf("pain %.1f ≥ %g for %v", v.score, p.Comfort, d), true
	}
	then := v // the view as it was ReliefTimeout ago, dwells unbroken since
	then.now -= d
	for _, g := range comfortDue() {
		if reason, ok := g.holds(then); ok {
			return fmt.Sprintf("%s, and %v more", reason, d), true
		}
	}
	if v.owed && v.now-v.comfortSince >= d {
		return fmt.Sprintf("pain %.1f not eased %v after it called for comfort", v.score, d), true
	}
	return "", false
}

// called says whether pain calls for comfort now: a guard of comfortDue holds.
func (v view) called() bool {
	_, ok := v.calledFor()
	return ok
}

// calledFor is called with the reason of the first guard of comfortDue
// that holds.
func (v view) calledFor() (string, bool) {
	for _, g := range comfortDue() {
		if reason, ok := g.holds(v); ok {
			return reason, true
		}
	}
	return "", false
}

// label joins an edge's guard descriptions the way the diagram reads them:
// "a", "a, or b", "a, b, or c".
func label(gs []guard, c Config) string {
	words := make([]string, len(gs))
	for i, g := range gs {
		words[i] = g.when(c)
	}
	switch n := len(words); n {
	case 0:
		return ""
	case 1:
		return words[0]
	default:
		return strings.Join(words[:n-1], ", ") + ", or " + words[n-1]
	}
}

// timedGuard is a guard with a test, on the edge it belongs to.
type timedGuard struct {
	guard
	on trigger
}

// timedFrom lists, for each state, the tested guards of the edges that
// leave it, in rank order: what the engine checks there, and in which order.
func timedFrom(edges []edge) map[State][]timedGuard {
	out := make(map[State][]timedGuard, len(States))
	for _, e := range edges {
		for _, g := range e.guards {
			if g.holds == nil {
				continue
			}
			for _, s := range e.from {
				if g.appliesIn(s) {
					out[s] = append(out[s], timedGuard{guard: g, on: e.on})
				}
			}
		}
	}
	for s := range out {
		slices.SortStableFunc(out[s], func(a, b timedGuard) int { return int(a.rank) - int(b.rank) })
	}
	return out
}

// view is what the guards see of the engine now.
func (e *Engine) view() view {
	return view{
		cfg: &e.cfg, state: e.State(), now: e.now, entered: e.entered,
		present: e.presence.present, absent: e.presence.absent,
		fresh: e.pain.fresh(e.now, e.cfg.Pain.StaleAfter), score: e.pain.score(),
		concern: e.pain.concern, comfort: e.pain.comfort, severe: e.pain.severe, eased: e.pain.eased,
		comfortSince: e.comfort.since, comforted: e.comfort.given, owed: e.comfort.owing(),
		late: e.comfort.late, owedSince: e.comfort.owedSince,
		helpAlert: e.alert.helpAlert, heard: e.unseen.unsettled(e.now),
	}
}
