package behavior

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// guardsByName finds every guard in the table, failing on a name used for
// two different conditions.
func guardsByName(t *testing.T) map[string]guard {
	t.Helper()
	out := map[string]guard{}
	for _, e := range transitions() {
		for _, g := range e.guards {
			if _, dup := out[g.name]; dup && g.holds != nil {
				t.Fatalf("guard %q appears twice", g.name)
			}
			out[g.name] = g
		}
	}
	return out
}

// Every edge says when it fires; every guard is either tested (with a rank
// of its own) or met only by an input (no rank), and narrows its edge only
// to states the edge leaves.
func TestGuardsOnEveryEdge(t *testing.T) {
	ranks := map[rank]string{}
	for _, e := range transitions() {
		if len(e.guards) == 0 {
			t.Errorf("%s has no guard", e.on)
		}
		for _, g := range e.guards {
			for _, p := range Presets {
				c, err := PresetConfig(p)
				if err != nil {
					t.Fatal(err)
				}
				if g.when(c) == "" {
					t.Errorf("%s: guard %q has no description under %s", e.on, g.name, p)
				}
			}
			switch {
			case g.holds == nil && g.rank != rankNone:
				t.Errorf("%s: input guard %q has rank %d", e.on, g.name, g.rank)
			case g.holds != nil && g.rank == rankNone:
				t.Errorf("%s: tested guard %q has no rank", e.on, g.name)
			case g.holds != nil:
				if other, dup := ranks[g.rank]; dup {
					t.Errorf("%s: guards %q and %q share rank %d", e.on, g.name, other, g.rank)
				}
				ranks[g.rank] = g.name
			}
			for _, s := range g.in {
				if !slices.Contains(e.from, s) {
					t.Errorf("%s: guard %q narrowed to %s, which the edge does not leave", e.on, g.name, s)
				}
			}
			if (g.alert != "") != (e.on == trEscalate && g.holds != nil) {
				t.Errorf("%s: guard %q alert level %q", e.on, g.name, g.alert)
			}
		}
	}
}

// distinctConfig has a different value for every duration a guard reads,
// so a guard that tests one field while its description names another is
// caught.
func distinctConfig(t *testing.T) Config {
	t.Helper()
	c := DefaultConfig()
	c.Presence.ArriveAfter = 1100 * time.Millisecond
	c.Presence.GreetFor = 4300 * time.Millisecond
	c.Presence.LeaveAfter = 8700 * time.Millisecond
	c.Presence.RestAfter = 133 * time.Second
	c.Pain.ConcernDwell = 3100 * time.Millisecond
	c.Pain.ComfortDwell = 8300 * time.Millisecond
	c.Pain.PersistFor = 20700 * time.Millisecond
	c.Pain.EaseDwell = 10900 * time.Millisecond
	c.Pain.SevereDwell = 4100 * time.Millisecond
	c.Alert.ReliefTimeout = 127 * time.Second
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

var durationRE = regexp.MustCompile(`\d[\dhms.]*s`)

// Each tested guard changes its answer exactly at the duration its own
// description (the diagram's words) names: the words and the test read the
// same setting. The setup makes the guard's condition true since the given
// time; the state is one the guard is tested in.
func TestGuardsFlipAtTheDiagramsDuration(t *testing.T) {
	cfg := distinctConfig(t)
	on := dwell{on: true}
	tests := []struct {
		guard string
		state State
		since func(v *view, at time.Duration)
	}{
		{"present", StateIdle, func(v *view, at time.Duration) { v.present = on; v.present.since = at }},
		{"nobody", StateIdle, func(v *view, at time.Duration) { v.entered = at }},
		{"greeted", StateEngaging, func(v *view, at time.Duration) { v.entered = at }},
		{"absent", StateAttending, func(v *view, at time.Duration) { v.absent = on; v.absent.since = at }},
		{"pain rising", StateAttending, func(v *view, at time.Duration) { v.concern = on; v.concern.since = at }},
		{"pain persists high", StateConcerned, func(v *view, at time.Duration) { v.comfort = on; v.comfort.since = at }},
		{"pain persists long", StateConcerned, func(v *view, at time.Duration) { v.concern = on; v.concern.since = at }},
		{"pain eased", StateConcerned, func(v *view, at time.Duration) { v.eased = on; v.eased.since = at }},
		{"severe pain", StateConcerned, func(v *view, at time.Duration) { v.severe = on; v.severe.since = at }},
		{"no relief", StateComforting, func(v *view, at time.Duration) { v.comfortSince, v.comforted = at, true }},
		// Comforting entered while asked for quiet, no comfort given:
		// pain at pain.comfort for as long.
		{"no relief", StateComforting, func(v *view, at time.Duration) { v.comfort = on; v.comfort.since = at }},
	}
	guards := guardsByName(t)
	tested := map[string]bool{}
	for _, tt := range tests {
		g, ok := guards[tt.guard]
		if !ok || g.holds == nil {
			t.Errorf("no tested guard %q in the table", tt.guard)
			continue
		}
		tested[tt.guard] = true
		words := g.when(cfg)
		ds := durationRE.FindAllString(words, -1)
		if len(ds) != 1 {
			t.Errorf("%s: %q names %d durations, want one", tt.guard, words, len(ds))
			continue
		}
		d, err := time.ParseDuration(ds[0])
		if err != nil {
			t.Fatal(err)
		}
		const now = time.Hour
		check := func(since time.Duration, fresh, want bool) {
			t.Helper()
			v := view{cfg: &cfg, state: tt.state, now: now, fresh: fresh, score: 5, entered: now, comfortSince: now}
			tt.since(&v, since)
			if _, got := g.holds(v); got != want {
				t.Errorf("%s (%q) held for %v (fresh %v): holds %v, want %v", tt.guard, words, now-since, fresh, got, want)
			}
		}
		check(now-d, true, true)
		check(now-d+time.Nanosecond, true, false)
		// Pain guards act on fresh evidence only.
		if tt.state != StateIdle && tt.guard != "greeted" && tt.guard != "absent" {
			check(now-d, false, false)
		}
	}
	for name, g := range guards {
		if g.holds != nil && !tested[name] {
			t.Errorf("tested guard %q has no case here", name)
		}
	}
}

// After an alert that answered a call for help, easing must also last
// Alert.ReliefTimeout when that is longer; elsewhere, Pain.EaseDwell.
func TestPainEasedAfterACallForHelp(t *testing.T) {
	cfg := distinctConfig(t)
	g := guardsByName(t)["pain eased"]
	const now = time.Hour
	for _, tt := range []struct {
		state     State
		helpAlert bool
		held      time.Duration
		want      bool
	}{
		{StateAlerting, false, cfg.Pain.EaseDwell, true},
		{StateAlerting, true, cfg.Pain.EaseDwell, false},
		{StateAlerting, true, cfg.Alert.ReliefTimeout, true},
		{StateComforting, true, cfg.Pain.EaseDwell, true},
	} {
		v := view{cfg: &cfg, state: tt.state, now: now, fresh: true, helpAlert: tt.helpAlert,
			eased: dwell{on: true, since: now - tt.held}}
		if _, got := g.holds(v); got != tt.want {
			t.Errorf("%s, help alert %v, eased for %v: holds %v, want %v", tt.state, tt.helpAlert, tt.held, got, tt.want)
		}
	}
}

// The order the engine tries conditions in each state: leaving first, then
// severe pain, easing, rising or persisting pain, no relief, and the
// greeting's end last.
func TestGuardOrderPerState(t *testing.T) {
	want := map[State][]string{
		StateAsleep:     {"present"},
		StateIdle:       {"present", "nobody"},
		StateEngaging:   {"absent", "severe pain", "pain rising", "greeted"},
		StateAttending:  {"absent", "severe pain", "pain rising"},
		StateConcerned:  {"absent", "severe pain", "pain eased", "pain persists high", "pain persists long"},
		StateComforting: {"absent", "severe pain", "pain eased", "no relief"},
		StateAlerting:   {"absent", "pain eased"},
	}
	timed := newMachine(initialState).timed
	for _, s := range States {
		var got []string
		for _, g := range timed[s] {
			got = append(got, g.name)
		}
		if !slices.Equal(got, want[s]) {
			t.Errorf("%s tries %q, want %q", s, got, want[s])
		}
	}
}

// The diagram and the engine agree arrow by arrow: every condition the
// engine tests in a state is in the label of that state's arrow for the
// trigger, and every tested condition a label names is one the engine
// tests from that state.
func TestDiagramNamesWhatTheEngineTests(t *testing.T) {
	cfg := distinctConfig(t)
	diagram := Mermaid(cfg)
	timed := newMachine(initialState).timed
	for _, e := range transitions() {
		for _, from := range e.from {
			prefix := "    " + string(from) + " --> " + string(e.to) + ": " + string(e.on) + " ["
			line := ""
			for _, l := range strings.Split(diagram, "\n") {
				if strings.HasPrefix(l, prefix) {
					line = l
				}
			}
			if line == "" {
				t.Errorf("no arrow %q", prefix)
				continue
			}
			for _, g := range e.guards {
				if g.holds == nil {
					continue
				}
				tested := slices.ContainsFunc(timed[from], func(tg timedGuard) bool { return tg.name == g.name && tg.on == e.on })
				if named := strings.Contains(line, g.when(cfg)); named != tested {
					t.Errorf("%s from %s: the diagram names %q: %v; the engine tests it: %v", e.on, from, g.name, named, tested)
				}
			}
		}
	}
}
