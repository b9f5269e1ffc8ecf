package behavior

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A person seen in pain, then heard moaning out of view, who falls silent
// (asleep, or unconscious) is not "resolved": their pain was never seen to
// ease, and the alert stands (standing.go). Before, 30 s of calm voice told
// the carer "no distress heard for 30s", resolved, 22 s after the journal
// said the urgent alert stood. Distress only ever heard is resolved by calm
// voice as before (TestDistressHeardUnseen), and so is a person seen calm
// when the voice calms (TestMoaningWithACalmFace).
func TestSilenceOutOfViewResolvesNoPainSeen(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(h *harness)
		want []wantPage
	}{
		{"seen in severe pain, moaning out of view for 11 minutes, then silent", func(h *harness) {
			h.seen(0, 30, 8, "ada") // urgent at 4 s
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			h.moans(30, 700, false)
			h.voice(700, 800, 0)
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 604, 605, "heard moaning"}}},
		{"seen in severe pain, gone from view, then moaning, then silent", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			h.voice(30, 40, 0)     // quiet: the episode ends at 38 s, its alert stands
			h.moans(40, 80, false) // warning at 72 s
			h.voice(80, 200, 0)
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertWarning, 72, 73, "heard moaning"}}},
		{"a call for help, moaning out of view, then silent", func(h *harness) {
			h.seen(0, 1, 0, "ada")
			h.callForHelp(1)
			h.feed(EventInput(perception.Event{At: sec(3), Kind: perception.EventLeft, Person: "ada"}))
			h.moans(3, 60, false)
			h.voice(60, 200, 0)
			// Before, the bout paged its own warning as the episode ended,
			// 6 s after the moaning stopped (TestNoLesserPageAsTheEpisodeEnds).
		}, []wantPage{{AlertUrgent, 2, 3, "asked for help"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.run(h)
			checkPages(t, h, tc.want)
			for _, a := range alertsAt(h.outs) {
				if a.level == AlertResolved {
					t.Errorf("resolved at %v with the pain never seen to ease: %v\n%s", a.at, a, describe(h.outs))
				}
			}
			if h.e.alert.standing == nil {
				t.Errorf("no alert stands at the end\n%s", describe(h.outs))
			}
		})
	}
}
