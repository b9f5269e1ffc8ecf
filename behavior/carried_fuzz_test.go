package behavior

import (
	"testing"
	"time"
)

// FuzzCarriedAlertNeverLost hands the engine, as its first input, an alert
// the last run left standing, then plays what may happen in the room (who
// is in view, and how, at 10 Hz) and the legitimate steps of
// FuzzCareNeverSilenced between, then 25 minutes more of the same. A
// carried alert is a latching alarm (IEC 60601-1-8, 6.3.2.2): until a
// carer acknowledges it or the person opts out, a carer is told of pain at
// least every alert.cooldown and the dwells' slack; and it is resolved only
// by its own person, an id that names someone, seen calm in a live run.
//
// Bytes: the first picks the carried alert, whether the run is live, and
// who is in view; then each pair is a gap of 1 to 511 s and a step.
func FuzzCarriedAlertNeverLost(f *testing.F) {
	// The first byte b: the carried alert carriedAlerts[b%3], a live run
	// when b/3 is even, inView[b/6%5] in view.
	f.Add([]byte{0})                 // ada urgent, live, nobody in view: told every cooldown
	f.Add([]byte{6})                 // ada urgent, live, ada seen calm: resolved
	f.Add([]byte{9})                 // ada urgent, not live, ada seen calm: not resolved
	f.Add([]byte{19})                // unseen distress, live, a track seen calm: not resolved
	f.Add([]byte{14, 30, 12})        // bob's call, live, ada in pain, ada's own words
	f.Add([]byte{0, 100, 3, 100, 6}) // told, then a carer acknowledges
	f.Add([]byte{24, 20, 26, 200, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 || len(data) > 1+2*8 {
			return
		}
		carried := carriedAlerts[int(data[0])%len(carriedAlerts)]
		live := data[0]/byte(len(carriedAlerts))%2 == 0
		view := inView[int(data[0])/(2*len(carriedAlerts))%len(inView)]
		h := newHarness(t, DefaultConfig())
		h.feed(CarriedInput(Carried{Alerts: []Alert{carried}, Live: live}))
		silenced := time.Duration(-1) // when a carer acknowledged, or the person opted out
		at := 0.0
		var did []string
		for i := 1; i+1 < len(data); i += 2 {
			for next := at + 1 + 2*float64(data[i]); at < next; at += 0.1 {
				view.feed(h, at)
			}
			s := careSteps[int(data[i+1])%len(careSteps)]
			if silenced < 0 && silences(s.name) {
				silenced = sec(at)
			}
			s.do(h, at)
			did = append(did, s.name)
		}
		for end := at + 25*60; at < end; at += 0.1 {
			view.feed(h, at)
		}
		if silenced < 0 && h.e.State() == StateOptedOut {
			return // opted out aloud, by the person's own words
		}
		until := sec(at)
		if silenced >= 0 {
			until = silenced
		}
		var pages []time.Duration
		for _, o := range h.outs {
			a, ok := o.(Alert)
			if !ok || a.Sense != "" || a.At > until {
				continue
			}
			if a.Level != AlertResolved {
				pages = append(pages, a.At)
				continue
			}
			if a.Person != carried.Person {
				continue
			}
			// Resolved: only by its own person, an id that names
			// someone, seen in a live run (calm, or this run's episode
			// about them, which took it over, over).
			if !live || anonymous(carried.Person) || view.person != carried.Person {
				t.Errorf("the carried %s alert about %q resolved at %v with %s in view (live %v), after %v: %s\n%s",
					carried.Level, carried.Person, a.At, view.name, live, did, a.Reason, describe(h.outs))
			}
			return // over: no more is owed
		}
		if len(pages) == 0 || pages[0] != 0 {
			t.Fatalf("the carried alert was not told at once (pages %v)\n%s", pages, describe(h.outs))
		}
		pages = append(pages, until)
		most := DefaultConfig().Alert.Cooldown + 2*time.Minute
		for i := 1; i < len(pages); i++ {
			if gap := pages[i] - pages[i-1]; gap > most {
				t.Errorf("told at %v, then nothing for %v, %s in view (live %v), after %v (state %s)\n%s",
					pages[i-1], gap, view.name, live, did, h.e.State(), describe(h.outs))
				return
			}
		}
	})
}

// carriedAlerts are the alerts a last run may leave standing: a resident's
// pain, distress heard with nobody in view, another resident's call.
var carriedAlerts = []Alert{
	{Level: AlertUrgent, Person: "ada", Score: 7.4, Reason: "severe pain 7.4 for 4s (standing when this robot's last run stopped)"},
	{Level: AlertWarning, Reason: "distress heard, nobody in view (standing when this robot's last run stopped)"},
	{Level: AlertWarning, Person: "bob", Score: 5, Reason: "asked for help (standing when this robot's last run stopped)"},
}

// inView is who the camera sees as the new run goes on.
var inView = []struct {
	name   string
	person string
	calm   bool
	feed   func(h *harness, at float64)
}{
	{"nobody", "", false, func(h *harness, at float64) { h.absent(at) }},
	{"ada calm", "ada", true, func(h *harness, at float64) { h.assess(at, 0.5) }},
	{"ada in pain", "ada", false, func(h *harness, at float64) { h.assess(at, 5) }},
	{"a track calm", "face-3", true, func(h *harness, at float64) {
		a := assessment(at, 0.5)
		a.Person = "face-3"
		h.feed(AssessmentInput(a))
	}},
	{"bob calm", "bob", true, func(h *harness, at float64) {
		a := assessment(at, 0.5)
		a.Person = "bob"
		h.feed(AssessmentInput(a))
	}},
}

// silences says whether a step of careSteps may end what a carer is owed:
// a carer's acknowledgement, or the person opting out.
func silences(step string) bool {
	switch step {
	case "acknowledge", "acknowledge, nobody named", "opt out and in", "yes to opt out", "stop twice":
		return true
	}
	return false
}
