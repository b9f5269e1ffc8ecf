package fusion

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// storedProfiles is a recording fake of a person store: each person's
// stored profile or the error reading it, and who was looked up.
type storedProfiles struct {
	profiles map[string]Profile
	errs     map[string]error
	asked    []string
}

func (s *storedProfiles) Profile(person string) (Profile, error) {
	s.asked = append(s.asked, person)
	if err, ok := s.errs[person]; ok {
		return Profile{}, err
	}
	if p, ok := s.profiles[person]; ok {
		return p, nil
	}
	return Profile{}, fmt.Errorf("store: person %s: %w", person, ErrNoProfile)
}

// TestArrivalWithAnUnusableProfileIsTold: a person whose stored profile
// cannot be read, or is invalid, is scored against the population profile
// and told to Inputs.ProfileFailed with the reason, on each arrival after
// someone else; a person with no stored profile (a visitor) is scored
// against the population without a word. Fails if arrived drops the error
// (nothing told) or tells ErrNoProfile too (the visitor told), or keeps
// an invalid profile.
func TestArrivalWithAnUnusableProfileIsTold(t *testing.T) {
	calm := Profile{Weights: Weights{Face: 0.5}}
	corrupt := errors.New("/p/ada.yaml: yaml: line 2: did not find expected node content")
	for _, tc := range []struct {
		name     string
		arrivals []string
		told     []string // "person: error" for each ProfileFailed
		scored   Profile  // the profile the last arrival is scored against
	}{
		{name: "calibrated", arrivals: []string{"cal"}, scored: calm},
		{name: "never calibrated", arrivals: []string{"visitor-0a1b"}},
		{name: "unreadable", arrivals: []string{"ada"}, told: []string{"ada: " + corrupt.Error()}},
		{name: "invalid", arrivals: []string{"bea"}, told: []string{"bea: fusion: profile face.pspi = 20 outside 0..16"}},
		{name: "unreadable after a calibrated person", arrivals: []string{"cal", "ada"}, told: []string{"ada: " + corrupt.Error()}},
		{name: "the same person twice in a row", arrivals: []string{"ada", "ada"}, told: []string{"ada: " + corrupt.Error()}},
		{name: "back after a visitor", arrivals: []string{"ada", "visitor-0a1b", "ada"},
			told: []string{"ada: " + corrupt.Error(), "ada: " + corrupt.Error()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := &storedProfiles{
				profiles: map[string]Profile{"cal": calm, "bea": {Face: FaceBaseline{PSPI: 20}}},
				errs:     map[string]error{"ada": corrupt},
			}
			o := DefaultOpts()
			o.Profiles = store
			f, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			events := make(chan perception.Event, len(tc.arrivals))
			for i, who := range tc.arrivals {
				events <- perception.Event{At: time.Duration(i) * time.Second, Kind: perception.EventArrived, Person: who}
			}
			close(events)
			var told []string
			out := make(chan perception.PainAssessment, 100)
			in := Inputs{Events: events, ProfileFailed: func(person string, err error) {
				told = append(told, person+": "+err.Error())
			}}
			if err := f.Run(context.Background(), in, out); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(told, tc.told) {
				t.Errorf("told %q, want %q", told, tc.told)
			}
			if f.profile != tc.scored {
				t.Errorf("scored against %+v, want %+v", f.profile, tc.scored)
			}
			var persons []string
			for a := range out {
				persons = append(persons, a.Person)
			}
			if last := tc.arrivals[len(tc.arrivals)-1]; len(persons) == 0 || persons[len(persons)-1] != last {
				t.Errorf("assessments for %s, want them to go on for %s", strings.Join(persons, ","), last)
			}
		})
	}
}

// Outside Run nobody is told, and nothing breaks: the person is scored
// against the population profile.
func TestArrivalWithAnUnusableProfileOutsideRun(t *testing.T) {
	o := DefaultOpts()
	o.Profiles = &storedProfiles{errs: map[string]error{"ada": errors.New("broken")}}
	f, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.Event(perception.Event{Kind: perception.EventArrived, Person: "ada"})
	if f.profile != o.Profile {
		t.Errorf("scored against %+v, want the population profile", f.profile)
	}
}
