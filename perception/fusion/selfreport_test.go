package fusion

import (
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// steady plays a scenario into a new Fuser up to at and returns it with the
// assessment there.
func steady(t *testing.T, name string, at time.Duration) (*Fuser, perception.PainAssessment) {
	t.Helper()
	f, err := New(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	p := scenario.NewPlayer(load(t, name))
	var a perception.PainAssessment
	for now := time.Duration(0); now <= at; now += 100 * time.Millisecond {
		p.Step(now, f, false)
		a = f.Assess(now)
	}
	return f, a
}

// Behaviour acts on the higher of what the person says and what is seen;
// the two are never averaged, and both are shown.
func TestSelfReportHigherOfTwoNeverAveraged(t *testing.T) {
	// The pain episode's peak: the face and body look in pain.
	f, before := steady(t, "pain-episode", 80*time.Second)
	if before.Score < 4 {
		t.Fatalf("the peak looks %.1f; want at least moderate to test against", before.Score)
	}
	at := before.At + 100*time.Millisecond
	f.Report(perception.SelfReport{At: at, Rating: 2, Heard: "two"})
	a := f.Assess(at)
	if a.Says == nil || a.Says.Rating != 2 {
		t.Fatalf("says %+v, want the rating 2", a.Says)
	}
	if a.Score != a.Looks || a.Looks < 4 {
		t.Errorf("says 2, looks %.2f: score %.2f, want the higher (what is seen), not lowered", a.Looks, a.Score)
	}
	if want := "says 2, looks " + fmt0(a.Looks); a.Shown() != want {
		t.Errorf("shown %q, want %q", a.Shown(), want)
	}

	// A calm face, and the person says eight: the rating wins.
	f, calm := steady(t, "visit", 20*time.Second)
	at = calm.At + 100*time.Millisecond
	f.Report(perception.SelfReport{At: at, Rating: 8, Heard: "eight"})
	a = f.Assess(at)
	if a.Score != 8 || a.Band != perception.BandSevere {
		t.Errorf("says 8, looks %.2f: score %.2f band %s, want 8 severe", a.Looks, a.Score, a.Band)
	}
	if a.Looks > 2 {
		t.Errorf("looks %.2f: the rating leaked into what is seen", a.Looks)
	}
	if mean := (8 + a.Looks) / 2; math.Abs(a.Score-mean) < 1e-9 {
		t.Errorf("score %.2f is the average of the two", a.Score)
	}
}

func fmt0(x float64) string { return perception.PainAssessment{Looks: x}.Shown()[len("looks "):] }

// A rating fades: half its weight after one half-life, gone after four.
func TestSelfReportDecays(t *testing.T) {
	o := DefaultOpts()
	o.SelfReportHalfLife = 10 * time.Minute
	f, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	f.Event(perception.Event{At: 0, Kind: perception.EventArrived, Person: "ada"})
	f.Report(perception.SelfReport{At: time.Second, Rating: 8})
	for _, tc := range []struct {
		at         time.Duration
		weight     float64
		score      float64
		stillCount bool
	}{
		{time.Second, 1, 8, true},
		{time.Second + 10*time.Minute, 0.5, 4, true},
		{time.Second + 20*time.Minute, 0.25, 2, true},
		{time.Second + 41*time.Minute, 0, 0, false},
	} {
		a := f.Assess(tc.at)
		if !tc.stillCount {
			if a.Says != nil {
				t.Errorf("at %v: says %+v, want the rating gone", tc.at, a.Says)
			}
			continue
		}
		if a.Says == nil || math.Abs(a.Says.Weight-tc.weight) > 0.01 || math.Abs(a.Score-tc.score) > 0.05 {
			t.Errorf("at %v: says %+v score %.2f, want weight %.2f score %.1f", tc.at, a.Says, a.Score, tc.weight, tc.score)
		}
	}
}

// A rating is the person's own: it leaves with them, and a bad one is
// rejected.
func TestSelfReportBelongsToThePerson(t *testing.T) {
	f, err := New(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	f.Event(perception.Event{At: 0, Kind: perception.EventArrived, Person: "ada"})
	f.Report(perception.SelfReport{At: time.Second, Rating: 7})
	f.Event(perception.Event{At: 2 * time.Second, Kind: perception.EventArrived, Person: "bob"})
	if a := f.Assess(3 * time.Second); a.Says != nil {
		t.Errorf("bob's assessment says %+v: ada's rating", a.Says)
	}
	f.Report(perception.SelfReport{At: 4 * time.Second, Rating: 11})
	if a := f.Assess(4 * time.Second); a.Says != nil || f.Rejected() != 1 {
		t.Errorf("rating 11: says %+v, rejected %d; want rejected", a.Says, f.Rejected())
	}
}

// Where it hurts, answered after the rating, joins the rating: it is shown
// beside it and fades with it, the rating keeping its age.
func TestSelfReportCarriesWhereItHurts(t *testing.T) {
	f, calm := steady(t, "visit", 20*time.Second)
	at := calm.At + 100*time.Millisecond
	f.Report(perception.SelfReport{At: at, Rating: 6, Heard: "six"})
	later := at + time.Minute
	f.Report(perception.SelfReport{At: at, Rating: 6, Heard: "six", Places: []string{"back", "hip"}})
	a := f.Assess(later)
	if a.Says == nil || a.Says.Rating != 6 || a.Says.Weight >= 1 {
		t.Fatalf("says %+v, want the rating 6, a minute old", a.Says)
	}
	if want := "says 6, looks " + fmt0(a.Looks) + " · back, hip"; a.Shown() != want {
		t.Errorf("shown %q, want %q", a.Shown(), want)
	}
}
