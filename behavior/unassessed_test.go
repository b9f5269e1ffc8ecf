package behavior

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// dimly feeds, at 10 Hz over [from, to), id in view but too dim to assess
// (confidence under pain.min_confidence) and quiet: no score the engine
// may act on, no distress in the voice.
func (h *harness) dimly(from, to float64, id string) {
	for at := from; at < to-1e-9; at += 0.1 {
		h.feed(AssessmentInput(perception.PainAssessment{At: sec(at), Person: id, Present: true, Confidence: 0.2, Score: 1}))
	}
}

// Pain the carer was paged for, that nobody has seen ease, is told again
// each cooldown while the person stays: seen too dimly to assess (the
// face can no longer be scored), or seen at a moderate score between
// pain.clear and pain.concern (not eased, not concern either), in the
// episode or back in view after a short absence with the alert standing.
// Before, each row got the first page and then nothing for 20 minutes:
// the alerting repeat asked for a fresh score at pain.concern, and a
// standing alert was told again only when pain rose to an alert of its
// own. A nurse call that nobody answered sounds again until someone
// cancels it at the bedside (IEC 60601-1-8's alarm paused for a set time,
// then again); the robot's cooldown is that time.
func TestUnansweredPainRepeats(t *testing.T) {
	severe := func(h *harness) { h.seen(0, 30, 8, "ada") } // urgent at 4 s
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		run  func(h *harness)
		want []wantAlert
	}{
		{"too dim to assess, quiet, in the episode", nil, func(h *harness) {
			severe(h)
			h.dimly(30, 1300, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "ago, cannot see the face now (again: the last urgent alert went out 10m0s ago)"},
			{AlertUrgent, 1204, 1205, "pain last seen 8.0 19m34s ago, cannot see the face now (again: the last urgent alert went out 10m0s ago)"},
		}},
		{"too dim, acknowledged: a cooldown after the acknowledgement", nil, func(h *harness) {
			severe(h)
			h.dimly(30, 100, "ada")
			h.command(100, Command{Cmd: CmdAcknowledge, By: "Mary"})
			h.dimly(100, 800, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 700, 701, "cannot see the face now (again: the last urgent alert went out 11m36s ago, acknowledged by Mary 10m0s ago)"},
		}},
		{"too dim, then seen with the pain eased: resolved", nil, func(h *harness) {
			severe(h)
			h.dimly(30, 700, "ada")
			h.seen(700, 730, 0.5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "cannot see the face now"},
			{AlertResolved, 710, 712, "pain eased to"},
		}},
		{"too dim while paused", nil, func(h *harness) {
			severe(h)
			h.command(30, Command{Cmd: CmdPause})
			h.dimly(30, 700, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "pain last seen 8.0 9m34s ago, cannot see the face now"},
		}},
		{"moderate pain after a severe page, in the episode", nil, func(h *harness) {
			severe(h)
			h.seen(30, 1300, 2.5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "pain 2.5 persists 10m0s after the alert"},
			{AlertUrgent, 1204, 1205, "pain 2.5 persists 10m0s after the alert"},
		}},
		// A carer came: mild pain that lingers is not paged "urgent" each
		// cooldown; pain back at concern is.
		{"mild pain after an acknowledgement, then concern again", nil, func(h *harness) {
			severe(h)
			h.command(30, Command{Cmd: CmdAcknowledge, By: "Mary"})
			h.seen(30, 1300, 2.5, "ada")
			h.seen(1300, 1400, 5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 1300, 1302, "after the alert, acknowledged by Mary"},
		}},
		// Severe again while the acknowledgement holds, mild again when the
		// alert falls due: the relapse is told then, once.
		{"severe again within the acknowledgement's cooldown, mild when due", nil, func(h *harness) {
			severe(h)
			h.command(30, Command{Cmd: CmdAcknowledge, By: "Mary"})
			h.seen(30, 500, 2.5, "ada")
			h.seen(500, 520, 8, "ada")
			h.seen(520, 1300, 2.5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 630, 632, "after the alert, back up to 8.0 "},
		}},
		{"back in view at moderate pain, the alert standing", nil, func(h *harness) {
			severe(h)
			h.away(30, 10, "ada", "ada") // the episode ends at 38 s: the alert stands
			h.seen(40, 1300, 2.5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "pain 2.5 seen again after leaving view (again: the last urgent alert went out 10m0s ago)"},
			{AlertUrgent, 1204, 1205, "pain 2.5 persists 10m0s after the alert"},
		}},
		{"back in view too dim to assess, the alert standing", nil, func(h *harness) {
			severe(h)
			h.away(30, 10, "ada", "ada")
			h.dimly(40, 700, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "ago, cannot see the face now (again: the last urgent alert went out 10m0s ago)"},
		}},
		{"back at pain 5 with a short cooldown: due at the cooldown, not at no relief", func(c *Config) { c.Alert.Cooldown = time.Minute }, func(h *harness) {
			severe(h)
			h.away(30, 10, "ada", "ada")
			h.seen(40, 200, 5, "ada")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 64, 65, "pain 5.0 seen again after leaving view (again: the last urgent alert went out 1m0s ago)"},
			{AlertUrgent, 124, 125, "pain 5.0 persists 1m0s after the alert"},
			{AlertUrgent, 184, 185, "pain 5.0 persists 1m0s after the alert"},
		}},
		// Not the same person: the standing alert is not theirs to repeat
		// (it stands, and their own pain pages by its own rules).
		{"someone else back at moderate pain", nil, func(h *harness) {
			severe(h)
			h.away(30, 10, "ada", "bob")
			h.seen(40, 700, 2.5, "bob")
		}, []wantAlert{
			{AlertUrgent, 4, 5, "severe pain"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig() // cooldown 10m
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			h := newHarness(t, cfg)
			tc.run(h)
			got := alertsAt(h.outs)
			checkAlerts(t, got, tc.want)
			if t.Failed() {
				t.Log(describe(h.outs))
			}
		})
	}
}
