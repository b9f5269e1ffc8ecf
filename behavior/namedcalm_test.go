package behavior

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A standing alert, and one carried from the last run, are resolved by
// their person seen calm: every score of the ease's dwell of them. An
// arrival naming them (a carer's identification, a scenario's event) while
// the calm face scored is another's is not them seen calm; before, the
// arrival alone resolved it, on the other face's score (found by
// FuzzCarriedAlertNeverLost: bob's carried call resolved by a calm
// "face-3" the moment bob was said to arrive). Checked with scoredOnly
// always true: both rows resolve at the arrival.
func TestNamedBackIsNotSeenCalm(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness) // leaves ada's alert standing and her out of view at 80 s
	}{
		{"standing alert", func(h *harness) {
			h.arrive(10)
			h.hold(10, 60, 8)
			h.away(60, 20, "ada", "face-3")
		}},
		{"carried alert", func(h *harness) {
			h.feed(CarriedInput(Carried{Live: true, Alerts: []Alert{{Level: AlertUrgent, Person: "ada", Reason: "severe pain 8.0 (standing when this robot's last run stopped)"}}}))
			for at := 0.0; at < 80; at += 0.1 {
				h.absent(at)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.setup(h)
			h.seen(80, 120, 0.5, "face-3") // someone else, calm
			from := len(h.outs)
			h.feed(EventInput(perception.Event{At: sec(120), Kind: perception.EventArrived, Person: "ada"}))
			h.seen(120.1, 120.5, 0.5, "ada")
			if at, ok := resolvedAt(h.outs[from:], "ada"); ok {
				t.Fatalf("ada's alert resolved at %v, as she was named, on another face's calm\n%s", at, describe(h.outs[from:]))
			}
			h.seen(120.5, 150, 0.5, "ada")
			if _, ok := resolvedAt(h.outs[from:], "ada"); !ok {
				t.Errorf("ada's alert not resolved after 30 s of her seen calm\n%s", describe(h.outs[from:]))
			}
		})
	}
}

func resolvedAt(outs []Output, person string) (at float64, ok bool) {
	for _, o := range outs {
		if a, is := o.(Alert); is && a.Level == AlertResolved && a.Person == person && a.Sense == "" {
			return a.At.Seconds(), true
		}
	}
	return 0, false
}
