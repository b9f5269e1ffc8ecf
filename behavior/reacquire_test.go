package behavior

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A face lost and found. Entering concern needs a pain cue seen or heard
// since the face was found (PainAssessment.Stale: the part of the score
// that only remembers the face before the loss is no such cue), while an
// episode already under way keeps its evidence and its visit through a
// short loss. Each case feeds assessments at 10 Hz (score, and
// how much of it is memory) around a loss: at 8 s, before concern was
// reached, or at 14 s, in an episode.
func TestFaceLostAndFound(t *testing.T) {
	type reading struct{ score, stale float64 }
	for _, tc := range []struct {
		name string
		// before is the score up to the loss; after, from the return on,
		// as a function of seconds since it.
		before  float64
		concern bool    // concerned before the loss (held long enough)
		away    float64 // seconds out of view; assessments say nobody is there
		other   bool    // someone else comes back
		after   func(s float64) reading
		until   float64 // seconds after the return to watch
		want    State   // state at the end
		never   State   // a state never entered after the return ("" for none)
		visitOK bool    // no goodbye, no greeting again
	}{
		{name: "grimace, then a smile after the cut: the falling score is memory, no concern",
			before: 3.5, away: 0, until: 12, want: StateAttending, never: StateConcerned,
			after: func(s float64) reading {
				score := max(0, 4.5-0.4*s)
				return reading{score, max(0, score-0.3)} // the smile itself reads 0.3
			}},
		{name: "a brief grimace, then a smile after the cut: its memory at severe pages nobody",
			before: 9, away: 0, until: 12, want: StateAttending, never: StateAlerting,
			after: func(s float64) reading {
				score := max(0, 9-0.4*s)
				return reading{score, max(0, score-0.3)}
			}},
		{name: "a smile, then a grimace after the cut: fresh, concerned as ever",
			before: 0, away: 0, until: 8, want: StateConcerned,
			after: func(s float64) reading { return reading{min(4.5, 1.5*s), 0} }},
		{name: "memory, but the fresh part alone is at concern: concerned",
			before: 3.5, away: 0, until: 8, want: StateConcerned,
			after: func(float64) reading { return reading{4.5, 1} }},
		{name: "concerned, the face lost for 1.5 s and back in pain: the episode goes on",
			before: 3.5, concern: true, away: 1.5, until: 6, want: StateConcerned, visitOK: true,
			after: func(float64) reading { return reading{3.8, 0.6} }},
		{name: "concerned, the face lost for 1.5 s and back smiling: the episode keeps its evidence",
			before: 3.5, concern: true, away: 1.5, until: 4, want: StateConcerned, visitOK: true,
			after: func(s float64) reading { return reading{max(0, 3.5-0.5*s), max(0, 3.2-0.5*s)} }},
		{name: "concerned, the face lost for 1.5 s, back with the pain partly memory: the episode's dwell goes on to comfort",
			before: 3.5, concern: true, away: 1.5, until: 20, want: StateComforting,
			after: func(float64) reading { return reading{3.5, 1} }},
		{name: "concerned, the face lost and nobody back: the visit ends after Presence.LeaveAfter",
			before: 3.5, concern: true, away: 20, until: 0, want: StateIdle},
		{name: "concerned, someone else comes into view: the episode was the other person's",
			before: 3.5, concern: true, away: 1.5, other: true, until: 0.5, want: StateEngaging, never: StateConcerned,
			after: func(float64) reading { return reading{3.5, 3.2} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			loss := 8.0
			if tc.concern {
				loss = 14
			}
			h.arrive(6)
			h.hold(6, loss, tc.before)
			if got := h.e.State() == StateConcerned; got != tc.concern {
				t.Fatalf("before the loss: state %s, concerned %v wanted\n%s", h.e.State(), tc.concern, describe(h.outs))
			}
			lost := len(h.outs)
			h.event(loss, perception.EventLeft, "")
			for at := loss + 0.1; at < loss+tc.away-1e-9; at += 0.1 {
				h.absent(at)
			}
			back := loss + tc.away
			from := len(h.outs)
			if tc.until > 0 {
				person := "ada"
				if tc.other {
					person = "bea"
				}
				h.feed(EventInput(perception.Event{At: sec(back), Kind: perception.EventArrived, Person: person}))
				for s := 0.0; s < tc.until-1e-9; s += 0.1 {
					r := tc.after(s)
					a := assessment(back+s, r.score)
					a.Person, a.Stale = person, r.stale
					h.feed(AssessmentInput(a))
				}
			}
			if s := h.e.State(); s != tc.want {
				t.Errorf("state %s, want %s\n%s", s, tc.want, describe(h.outs[from:]))
			}
			if tc.never != "" {
				for _, s := range visited(h.outs[from:]) {
					if s == tc.never {
						t.Errorf("entered %s after the return\n%s", s, describe(h.outs[from:]))
					}
				}
			}
			if tc.visitOK {
				for _, o := range h.outs[lost:] {
					if tr := of[Transition](o); tr != nil {
						t.Errorf("the loss moved the engine: %s -> %s (%s)", tr.From, tr.To, tr.Reason)
					}
				}
			}
			if tc.want == StateIdle {
				var left *Transition
				for _, o := range h.outs[lost:] {
					if tr := of[Transition](o); tr != nil && tr.To == StateIdle {
						left = tr
					}
				}
				if left == nil || !strings.HasPrefix(left.Reason, "absent for") ||
					left.At < sec(loss)+h.e.cfg.Presence.LeaveAfter {
					t.Errorf("left %+v, want absent for %v after the loss", left, h.e.cfg.Presence.LeaveAfter)
				}
			}
		})
	}
}
