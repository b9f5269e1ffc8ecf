package behavior

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A person deleted while the robot is with them, in pain, an urgent alert
// up (perception.EventForgotten): the episode goes on under the pseudonym
// they are known by from then on, and nothing the engine puts out after
// names them, by ID or by name: the alert a carer acknowledges, the
// alert resolved, the lines said. Before, the engine kept their ID on the
// open alert and their name in its configuration, so a carer's
// acknowledgement after the deletion named ada again.
func TestAForgottenPersonIsNamedNoMore(t *testing.T) {
	const as = "visitor-0a1b2c3d4e"
	for _, tc := range []struct {
		name  string
		names map[string]string // the configuration's
		text  string            // the name the arrival gave
	}{
		{"named by the configuration", map[string]string{"ada": "Ada"}, ""},
		{"named by the arrival", nil, "Ada"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Names = tc.names
			h := newHarness(t, cfg)
			h.feed(EventInput(perception.Event{At: 0, Kind: perception.EventArrived, Person: "ada", Text: tc.text}))
			h.arrive(5)
			h.hold(5, 40, 8)
			if s := h.e.State(); s != StateAlerting {
				t.Fatalf("state %s after severe pain, want alerting\n%s", s, describe(h.outs))
			}
			before := len(h.outs)
			h.feed(EventInput(perception.Event{At: sec(40), Kind: perception.EventForgotten, Person: "ada", Text: as}))
			for at := 40.0; at < 60; at += 0.1 {
				a := assessment(at, 8)
				a.Person = as // fusion's, renamed by the same event
				h.feed(AssessmentInput(a))
			}
			h.command(60, Command{Cmd: CmdAcknowledge, By: "Mary"})
			for at := 60.0; at < 120; at += 0.1 {
				a := assessment(at, 0.5)
				a.Person = as
				h.feed(AssessmentInput(a))
			}
			after := h.outs[before:]
			var acked, resolved bool
			for _, o := range after {
				if d := fmt.Sprintf("%+v", o); strings.Contains(d, "ada") || strings.Contains(d, "Ada") {
					t.Errorf("after the deletion: %s", d)
				}
				switch v := o.(type) {
				case Acknowledged:
					acked = v.Alert != nil && v.Alert.Person == as
				case Alert:
					resolved = resolved || v.Level == AlertResolved && v.Person == as
				case Intent:
					if v.Person != "" {
						t.Errorf("%s spoken to as %q after the deletion", v.Kind, v.Person)
					}
				}
				if tr := of[Transition](o); tr != nil && tr.To == StateIdle {
					t.Errorf("the deletion ended the episode: %s", describe([]Output{o}))
				}
			}
			if !acked {
				t.Errorf("the acknowledgement does not answer the alert about %s:\n%s", as, describe(after))
			}
			if !resolved {
				t.Errorf("no alert resolved about %s:\n%s", as, describe(after))
			}
		})
	}
}
