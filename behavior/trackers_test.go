package behavior

import (
	"testing"
	"time"
)

func TestComfortScheduleDue(t *testing.T) {
	const cycle = 10 * time.Second
	repeat := func() time.Duration { return time.Minute }
	for _, tc := range []struct {
		name    string
		breaths int
		hold    time.Duration // comfort again waits until then (an answer awaited)
		at      []time.Duration
		want    []string // "breath", "again" or "" per at
	}{
		{"two breaths, then comfort again a minute on", 2, 0,
			[]time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second, 20 * time.Second, 79 * time.Second, 80 * time.Second},
			[]string{"", "breath", "", "breath", "", "again"}},
		{"no breaths: comfort again a minute after the start", 0, 0,
			[]time.Duration{10 * time.Second, 59 * time.Second, 60 * time.Second, 61 * time.Second},
			[]string{"", "", "again", ""}},
		{"an awaited answer holds comfort again, not the breaths", 1, 90 * time.Second,
			[]time.Duration{10 * time.Second, 70 * time.Second, 85 * time.Second, 90 * time.Second},
			[]string{"breath", "", "", "again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c comfortTracker
			c.begin()
			if tc.breaths > 0 {
				c.breathe(tc.breaths, cycle)
			} else {
				c.comfortAt(repeat())
			}
			for i, at := range tc.at {
				breath, again := c.due(at, cycle, repeat, at < tc.hold)
				got := ""
				switch {
				case breath:
					got = "breath"
				case again:
					got = "again"
				}
				if got != tc.want[i] {
					t.Errorf("at %v: %q, want %q", at, got, tc.want[i])
				}
			}
			c.stop()
			if breath, again := c.due(time.Hour, cycle, repeat, false); breath || again {
				t.Error("a stopped schedule is still due")
			}
		})
	}
}

func TestAlertTrackerCooldown(t *testing.T) {
	const cooldown = 5 * time.Minute
	for _, tc := range []struct {
		name  string
		raise []Alert
		level AlertLevel
		at    time.Duration
		want  bool
	}{
		{"first of its level", nil, AlertWarning, 0, true},
		{"same level within the cooldown", []Alert{{At: time.Minute, Level: AlertWarning}}, AlertWarning, 5*time.Minute + time.Second, false},
		{"same level after the cooldown", []Alert{{At: time.Minute, Level: AlertWarning}}, AlertWarning, 6 * time.Minute, true},
		{"another level within the cooldown", []Alert{{At: time.Minute, Level: AlertWarning}}, AlertUrgent, 2 * time.Minute, true},
		{"same level in a new episode within the cooldown", []Alert{{At: time.Minute, Level: AlertUrgent}, {}}, AlertUrgent, 2 * time.Minute, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var a alertTracker
			for _, al := range tc.raise {
				if al.Level == "" {
					a.end() // the episode ended: the carer was told
					continue
				}
				a.raised(al)
			}
			if got := a.mayRaise(tc.level, tc.at, cooldown); got != tc.want {
				t.Errorf("mayRaise(%s, %v) = %v, want %v", tc.level, tc.at, got, tc.want)
			}
		})
	}
}

func TestWizardProposals(t *testing.T) {
	const ttl = time.Minute
	var w wizardTracker
	first := w.propose(Intent{Kind: IntentGreet}, "greeting", 0, ttl)
	second := w.propose(Intent{Kind: IntentCheckIn}, "checking in", 30*time.Second, ttl)
	if first.ID == second.ID || first.ID == 0 {
		t.Fatalf("ids %d and %d", first.ID, second.ID)
	}
	if _, ok := w.take(first.ID, 61*time.Second, ttl); ok {
		t.Error("took a proposal older than its ttl")
	}
	if p, ok := w.take(second.ID, 61*time.Second, ttl); !ok || p.Intent.Kind != IntentCheckIn {
		t.Errorf("take(%d) = %+v, %v", second.ID, p, ok)
	}
	if _, ok := w.take(second.ID, 61*time.Second, ttl); ok {
		t.Error("took the same proposal twice")
	}
	for i := range maxPending + 5 {
		w.propose(Intent{Kind: IntentComfort}, "comforting", time.Duration(i), ttl)
	}
	if len(w.pending) > maxPending {
		t.Errorf("%d proposals held, want at most %d", len(w.pending), maxPending)
	}
	w.drop()
	if len(w.pending) != 0 {
		t.Errorf("%d proposals after drop", len(w.pending))
	}
}

func TestConsentStillOwedOnce(t *testing.T) {
	var c consentTracker
	c.owe(3 * time.Second)
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{time.Second, false}, {3 * time.Second, true}, {4 * time.Second, false}} {
		if got := c.stillOwed(tc.at); got != tc.want {
			t.Errorf("stillOwed(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
	c.owe(5 * time.Second)
	c.settle()
	if c.stillOwed(time.Minute) {
		t.Error("a settled still is still owed")
	}
	c.hush(10 * time.Second)
	if !c.hushed(9*time.Second) || c.hushed(10*time.Second) {
		t.Error("hushed is not [now, until)")
	}
}
