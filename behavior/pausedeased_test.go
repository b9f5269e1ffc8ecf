package behavior

import (
	"strings"
	"testing"
)

// Pain seen to ease while the robot is paused or faulty, or after a resume
// with the person there, ends the episode as the pain easing in it does: the
// carer is told it resolved (a call for help nobody acknowledged stays open),
// and pain after it is news. Before, the episode's alert outlived it, never
// resolved, and held back the page for the next severe pain until it fell
// due: a carer came at the page, paused the robot, the pain eased, they
// resumed and left, and severe pain 3 minutes later went unpaged for 7.
func TestPainEasedWhilePaused(t *testing.T) {
	pause, resume := (*harness).stop, (*harness).resume
	// episode: severe pain (urgent at 4 s), or a call for help (urgent at
	// 1 s), paused (or faulty) at 30 s with the pain at after until 120 s,
	// resumed with the person there, calm until 180 s, then severe pain.
	episode := func(fault, help bool, after float64) func(h *harness) {
		return func(h *harness) {
			if help {
				h.seen(0, 0.5, 0, "ada")
				h.callForHelp(0.5)
				h.seen(1.5, 30, 0.5, "ada")
			} else {
				h.seen(0, 30, 8, "ada")
			}
			pause(h, fault, 30)
			h.seen(30, 120, after, "ada")
			resume(h, fault, 120)
			h.seen(120, 180, 0.5, "ada")
			h.seen(180, 240, 8, "ada")
		}
	}
	for _, tc := range []struct {
		name     string
		run      func(h *harness)
		resolved string // the reason of the one resolved alert, "" for none
		want     []wantPage
		notAfter float64 // seconds: the resolution comes no sooner (0: any time)
	}{
		{"eased while paused", episode(false, false, 0.5), "pain eased to",
			[]wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 184, 188, "(again: "}}, 0},
		{"eased while faulty", episode(true, false, 0.5), "pain eased to",
			[]wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 184, 188, "(again: "}}, 0},
		{"still in pain at the resume, eased after it", episode(false, false, 8), "pain eased to",
			[]wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 184, 188, "(again: "}}, 0},
		{"a call for help nobody acknowledged stays open", episode(false, true, 0.5), "",
			[]wantPage{{AlertUrgent, 1, 2, "asked for help"}, {AlertUrgent, 184, 188, "severe pain"}}, 0},
		// Someone else seen calm (no arrival told): ada's pain is not
		// resolved by it, but bob's pain after it is news.
		{"someone else calm while paused", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			pause(h, false, 30)
			h.seen(30, 120, 0.5, "bob")
			resume(h, false, 120)
			h.seen(120, 180, 0.5, "bob")
			h.seen(180, 240, 8, "bob")
		}, "", []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 184, 188, "(again: "}}, 0},
		// A call for help a carer acknowledged is resolved by calm as in
		// alerting: after alert.relief_timeout (2 min) of it, not 10 s.
		{"a call for help acknowledged", func(h *harness) {
			h.seen(0, 0.5, 0, "ada")
			h.callForHelp(0.5)
			h.seen(1.5, 5, 0.5, "ada")
			h.command(5, Command{Cmd: CmdAcknowledge, By: "Mary"})
			h.seen(5, 30, 0.5, "ada")
			pause(h, false, 30)
			h.seen(30, 180, 0.5, "ada")
		}, "pain eased to", []wantPage{{AlertUrgent, 1, 2, "asked for help"}}, 121},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			tc.run(h)
			checkPages(t, h, tc.want)
			var resolved []gotAlert
			for _, a := range alertsAt(h.outs) {
				if a.level == AlertResolved {
					resolved = append(resolved, a)
				}
			}
			switch {
			case tc.resolved == "" && len(resolved) > 0:
				t.Errorf("resolved %v, want none\n%s", resolved, describe(h.outs))
			case tc.resolved != "" && (len(resolved) != 1 || !strings.Contains(resolved[0].reason, tc.resolved) || resolved[0].at >= sec(180) ||
				resolved[0].at < sec(tc.notAfter)):
				t.Errorf("resolved %v, want one %q before the pain came back\n%s", resolved, tc.resolved, describe(h.outs))
			}
		})
	}
}
