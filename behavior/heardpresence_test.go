package behavior

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A pain word heard with nobody in view wakes the robot, and the voice is
// presence: it stays concerned while distress is heard, so it can ask and
// comfort by voice, and leaves after presence.leave_after (8 s) of silence
// with nobody seen, once. Before, it went idle → engaging → concerned →
// idle ("absent for 8s") in the same instant, at every spotted word. Fails
// if a pain word or a distressed voice does not count as someone there.
func TestPainWordHeardUnseenStays(t *testing.T) {
	for _, tc := range []struct {
		name             string
		run              func(h *harness)
		arrives          int
		leftFrom, leftTo float64 // the one leaving, absent for 8 s
	}{
		{"one word, then silence", func(h *harness) {
			h.voice(0, 20, 0)
			h.event(20, perception.EventKeyword, "ouch")
			h.voice(20.1, 60, 0)
		}, 1, 28, 28.3},
		{"words among five minutes of moans", func(h *harness) {
			h.voice(0, 20, 0)
			for m := 20.0; m < 320; m += 20 {
				h.event(m, perception.EventKeyword, "it hurts")
				h.moans(m+0.1, m+20, false)
			}
			h.voice(320, 360, 0)
		}, 1, 328, 328.3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // leave_after 8s
			tc.run(h)
			arrives, concerned, leaves := 0, false, []Transition{}
			for _, o := range h.outs {
				tr := of[Transition](o)
				if tr == nil {
					continue
				}
				if tr.To == StateEngaging {
					arrives++
				}
				if tr.To == StateConcerned && len(leaves) == 0 {
					concerned = true
				}
				if tr.To == StateIdle {
					leaves = append(leaves, *tr)
				}
			}
			if arrives != tc.arrives || len(leaves) != 1 {
				t.Fatalf("%d arrivals and %d leavings, want %d and 1:\n%s", arrives, len(leaves), tc.arrives, describe(h.outs))
			}
			if !concerned {
				t.Errorf("never concerned before leaving:\n%s", describe(h.outs))
			}
			l := leaves[0]
			if l.At < sec(tc.leftFrom) || l.At > sec(tc.leftTo) || !strings.Contains(l.Reason, "absent for 8s") {
				t.Errorf("left at %v (%q), want absent for 8s in %gs..%gs", l.At, l.Reason, tc.leftFrom, tc.leftTo)
			}
		})
	}
}
