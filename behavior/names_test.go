package behavior

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// The robot once greeted a stranger as "face-1": ids are not names.
func TestSpeaksToPeopleByNameNeverByID(t *testing.T) {
	for _, tc := range []struct {
		name     string
		names    map[string]string
		person   string // id perception reports
		announce string // name the arrival carries
		want     string
	}{
		{"a face the camera tracks", nil, "face-1", "", ""},
		{"a scenario's person", nil, "margaret", "Margaret", "Margaret"},
		{"the configuration names them", map[string]string{"ada": "Ada"}, "ada", "", "Ada"},
		{"the configuration wins", map[string]string{"ada": "Ada"}, "ada", "Adelaide", "Ada"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Names = tc.names
			h := newHarness(t, cfg)
			h.feed(EventInput(perception.Event{At: sec(1), Kind: perception.EventArrived, Person: tc.person, Text: tc.announce}))
			var said int
			for _, o := range h.outs {
				if it := of[Intent](o); it != nil && it.Say != nil {
					said++
					if it.Person != tc.want {
						t.Errorf("%s spoken to as %q, want %q", it.Kind, it.Person, tc.want)
					}
				}
			}
			if said == 0 {
				t.Fatalf("nothing said on arrival:\n%s", describe(h.outs))
			}
		})
	}
}
