package fusion

import (
	"time"

	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A person deleted while in view (perception.EventForgotten) is assessed
// on under the pseudonym they are known by from then on, against the
// population profile (their calibration went with them); a forgetting of
// someone else changes nothing. Before, every assessment after the
// deletion named them, scored against their deleted calibration.
func TestAForgottenPersonIsAssessedUnderTheirNewName(t *testing.T) {
	calm := Profile{Weights: Weights{Face: 0.5}}
	for _, tc := range []struct {
		name                  string
		forgotten, wantPerson string
		wantCalibrated        bool
	}{
		{"the person assessed", "ada", "visitor-0a1b2c3d4e", false},
		{"someone else", "bo", "ada", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOpts()
			o.Profiles = &storedProfiles{profiles: map[string]Profile{"ada": calm}}
			f, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			f.Event(perception.Event{Kind: perception.EventArrived, Person: "ada"})
			f.Event(perception.Event{At: time.Second, Kind: perception.EventForgotten, Person: tc.forgotten, Text: "visitor-0a1b2c3d4e"})
			if a := f.Assess(2 * time.Second); a.Person != tc.wantPerson {
				t.Errorf("assessed as %q, want %q", a.Person, tc.wantPerson)
			}
			if got := f.profile.Weights == calm.Weights; got != tc.wantCalibrated {
				t.Errorf("scored against their calibration: %v, want %v", got, tc.wantCalibrated)
			}
		})
	}
}
