package behavior

import (
	"strings"
	"testing"
)

// A standing alert whose person comes back into view and is seen with the
// pain eased: a known person (a resident's id is a claim of who it is) is
// told resolved, with the reason; a face that identifies nobody (a camera
// track, a visitor's pseudonym) may be anyone, so the alert is not
// resolved: the journal says it is unconfirmed, and it stays pinned for a
// carer. Either way later pain is news (TestStandingAlertHolds). Someone
// else seen calm tells nothing of the person the alert is about: it
// stands. Before, every one of these dropped the alert in silence.
func TestStandingAlertBackCalm(t *testing.T) {
	for _, tc := range []struct {
		name        string
		run         func(h *harness)
		want        []wantAlert
		unconfirmed bool // a transition says the alert is unconfirmed
	}{
		{"a known person back calm: resolved", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 70, 0.5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertResolved, 50, 51, "pain eased to 0.5, back in view"},
		}, false},
		{"an unknown face back calm: unconfirmed, not resolved", func(h *harness) {
			h.seen(0, 30, 8, "face-1")
			h.away(30, 10, "face-1", "face-2")
			h.seen(40, 70, 0.5, "face-2")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
		}, true},
		{"an unknown face back under the same track: unconfirmed all the same", func(h *harness) {
			h.seen(0, 30, 8, "visitor-0a1b2c3d4e")
			h.away(30, 10, "visitor-0a1b2c3d4e", "visitor-0a1b2c3d4e")
			h.seen(40, 70, 0.5, "visitor-0a1b2c3d4e")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
		}, true},
		{"someone else seen calm: the alert stands, held on her return", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.away(30, 3, "ada", "bob")
			h.seen(33, 60, 0.5, "bob")
			h.away(60, 3, "bob", "ada")
			h.seen(63, 90, 8, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.run(h)
			checkAlerts(t, alertsAt(h.outs), tc.want)
			got := false
			for _, o := range h.outs {
				if tr, ok := o.(Transition); ok && strings.Contains(tr.Reason, "unconfirmed") {
					got = true
				}
			}
			if got != tc.unconfirmed {
				t.Errorf("a transition says unconfirmed: %v, want %v", got, tc.unconfirmed)
			}
			if t.Failed() {
				t.Log(describe(h.outs))
			}
		})
	}
}
