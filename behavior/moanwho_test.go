package behavior

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// Moaning that began while ada, in pain, was out of view is told of as
// ada's when bob comes into view looking calm while it goes on: the bout
// predates him. Before, its pages (warning, urgent, again) named bob and
// said "the person in view looking calm", sending a carer to the one
// person who was not in distress. A bout that began with nobody known is
// told of as the person in view's, as before, saying that the voice may
// be another's: a calm visitor and a calm-faced moaner look the same.
func TestMoaningToldOfAsWhoseItWas(t *testing.T) {
	// bobCalm feeds bob seen confidently with a calm face over [from, to)
	// while moaning is heard (4 s of every 6 s).
	bobCalm := func(h *harness, from, to float64) {
		for at := from; at < to-1e-9; at += 0.1 {
			voc, cues := 0.6, []string(nil)
			if mod := at - 6*float64(int(at/6)); mod < 4 {
				voc, cues = 1.6, []string{"moaning"}
			}
			a := assessment(at, 1)
			a.Person, a.Items, a.Cues = "bob", perception.PainItems{Vocalisation: voc}, cues
			h.feed(AssessmentInput(a))
		}
	}
	for _, tc := range []struct {
		name   string
		before func(h *harness) // until 50 s, when bob arrives
		who    string           // whom the moaning's pages name
		where  string           // and what their reason says of who is in view
	}{
		{"ada out of view, moaning, when bob comes", func(h *harness) {
			h.seen(0, 30, 8, "ada") // urgent at 4 s
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			h.moans(30, 50, false)
		}, "ada", "with bob in view looking calm"},
		{"nobody known, moaning, when bob comes", func(h *harness) {
			h.moans(0, 50, false) // moaning in the dark: warning at 30 s
		}, "bob", "with the person in view looking calm (pain score 1.0); the voice may be theirs or someone's out of view"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.before(h)
			from := len(h.outs)
			h.feed(EventInput(perception.Event{At: sec(50), Kind: perception.EventArrived, Person: "bob"}))
			bobCalm(h, 50, 800)
			n := 0
			for _, o := range h.outs[from:] {
				a, ok := o.(Alert)
				if !ok || a.Level == AlertResolved || !strings.Contains(a.Reason, "moaning") {
					continue
				}
				n++
				if a.Person != tc.who || !strings.Contains(a.Reason, tc.where) {
					t.Errorf("page at %v names %q: %s; want %q, %q", a.At, a.Person, a.Reason, tc.who, tc.where)
				}
			}
			if n < 2 {
				t.Errorf("%d pages of the moaning after bob came, want 2 or more\n%s", n, describe(h.outs[from:]))
			}
		})
	}
}
