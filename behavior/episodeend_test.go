package behavior

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A bout of distress heard that began in an episode which paged worse is
// part of that episode's story: when the episode ends (the person out of
// view, then quiet for presence.leave_after), the bout does not page its
// own lesser warning, seconds after the moaning stopped, under the urgent
// alert that stands. The urgent alert stands and is told again when due,
// in the bout's words while it goes on. Distress that is new pages as
// ever: a bout that began after the episode ended
// (TestStandingAlertHolds, "news: distress heard unseen"), or a worse
// level than the one that stands.
func TestNoLesserPageAsTheEpisodeEnds(t *testing.T) {
	severeThenOutOfView := func(h *harness) {
		h.seen(0, 30, 8, "ada") // urgent at 4 s
		h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
	}
	for _, tc := range []struct {
		name string
		run  func(h *harness)
		want []wantAlert
	}{
		{"moaning out of view for 40 s, then quiet", func(h *harness) {
			severeThenOutOfView(h)
			h.moans(30, 70, false)
			h.voice(70, 200, 0) // the episode ends at 78 s
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
		}},
		{"moaning out of view that goes on: the urgent alert repeats in its words", func(h *harness) {
			severeThenOutOfView(h)
			h.moans(30, 700, false)
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "heard moaning for"},
		}},
		{"new: moaning that begins after the episode ended", func(h *harness) {
			severeThenOutOfView(h)
			h.voice(30, 60, 0) // the episode ends at 38 s
			h.moans(60, 100, false)
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertWarning, 90, 91, "heard moaning for 30s with no one in view"},
		}},
		{"worse: a warning, then moaning past the urgent mark", func(h *harness) {
			h.seen(0, 150, 5, "ada") // no relief: warning at 2m17s
			h.feed(EventInput(perception.Event{At: sec(150), Kind: perception.EventLeft, Person: "ada"}))
			h.moans(150, 320, false)
		}, []wantAlert{
			{AlertWarning, 128, 129, "not eased"},
			{AlertUrgent, 300, 301, "heard moaning for 2m30s with no one in view"},
		}},
		// The alert standing is ada's: it tells nothing of bob's moaning,
		// which goes on to its own urgent page.
		{"someone else's alert standing", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.away(30, 10, "ada", "bob")
			h.seen(40, 200, 5, "bob") // no relief: warning at 2m48s
			h.feed(EventInput(perception.Event{At: sec(200), Kind: perception.EventLeft, Person: "bob"}))
			h.moans(200, 400, false)
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertWarning, 168, 169, "not eased"},
			{AlertUrgent, 350, 351, "heard moaning for 2m30s with no one in view"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			tc.run(h)
			checkAlerts(t, alertsAt(h.outs), tc.want)
			if t.Failed() {
				t.Log(describe(h.outs))
			}
		})
	}
}
