package fusion

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// faceHeavyRatings are a carer who sees 1.8 times the pain the camera sees
// in a person's face and agrees about the rest, on items scored with gains g.
func faceHeavyRatings(seed uint64, n int, g Gains) []Rating {
	rng := rand.New(rand.NewPCG(seed, 7))
	var ratings []Rating
	for range n {
		raw := perception.PainItems{Face: rng.Float64(), Vocalisation: 2 * rng.Float64(), Body: rng.Float64(),
			Breathing: 0.5 * rng.Float64(), Consolability: 0.5 * rng.Float64()}
		carer := 1.8*raw.Face + raw.Vocalisation + raw.Body + raw.Breathing + raw.Consolability + 0.2*rng.NormFloat64()
		seen := raw
		seen.Face = clamp(raw.Face*or1(g.Face), 0, 2)
		ratings = append(ratings, Rating{Items: seen, Carer: math.Round(clamp(carer, 0, 10))})
	}
	return ratings
}

// What replay reports: the learnt gains agree with the carer better than
// the gains the moments were scored with, also on moments left out of the
// learning.
func TestLearnCheckedImprovesAgreement(t *testing.T) {
	c, err := LearnChecked(Profile{}, faceHeavyRatings(1, 60, Gains{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("before %+v after %+v loo %+v gains %+v", c.Before, c.After, c.LeaveOneOut, c.Profile.Gains)
	if c.Before.N != 60 || c.After.N != 60 || c.LeaveOneOut.N != 60 {
		t.Fatalf("counts %d %d %d", c.Before.N, c.After.N, c.LeaveOneOut.N)
	}
	if !(c.After.MAE < c.Before.MAE*0.8) || !(*c.After.R > *c.Before.R) || !(c.LeaveOneOut.MAE < c.Before.MAE) {
		t.Errorf("learning did not help: before %+v after %+v loo %+v", c.Before, c.After, c.LeaveOneOut)
	}
	if c.Profile.Gains.Face < 1.5 {
		t.Errorf("gains %+v do not reflect the face-heavy reading", c.Profile.Gains)
	}
	// Judged from the gains already learnt, the ratings that taught them
	// agree as well before as after (nothing left to learn).
	again, err := LearnChecked(c.Profile, faceHeavyRatings(1, 60, c.Profile.Gains))
	if err != nil {
		t.Fatal(err)
	}
	if again.Before.MAE > c.After.MAE*1.1 || math.Abs(again.Profile.Gains.Face-c.Profile.Gains.Face) > 0.15 {
		t.Errorf("second round: before %+v (first after %+v), gains %+v -> %+v", again.Before, c.After, c.Profile.Gains, again.Profile.Gains)
	}
}

func TestLearnCheckedLeaveOneOutNeedsOneMore(t *testing.T) {
	for _, tt := range []struct{ n, loo int }{{minRatings, 0}, {minRatings + 1, minRatings + 1}} {
		c, err := LearnChecked(Profile{}, faceHeavyRatings(2, tt.n, Gains{}))
		if err != nil {
			t.Fatal(err)
		}
		if c.LeaveOneOut.N != tt.loo {
			t.Errorf("%d ratings: leave-one-out over %d, want %d", tt.n, c.LeaveOneOut.N, tt.loo)
		}
	}
	if _, err := LearnChecked(Profile{}, faceHeavyRatings(2, minRatings-1, Gains{})); err == nil {
		t.Error("checked with too few ratings")
	}
}

func TestRescore(t *testing.T) {
	it := perception.PainItems{Face: 1, Vocalisation: 0.5, Body: 0.5, Breathing: 0.5, Consolability: 1}
	tests := []struct {
		name     string
		it       perception.PainItems
		was, now Gains
		want     float64
	}{
		{"same gains: the total", it, Gains{}, Gains{}, 3.5},
		{"zero gains mean 1", it, Gains{1, 1, 1}, Gains{}, 3.5},
		{"face doubled", it, Gains{}, Gains{Face: 2}, 4.5},
		{"face undone", it, Gains{Face: 2}, Gains{}, 3},
		{"body scales breathing too", it, Gains{}, Gains{Body: 2}, 4.5},
		{"an item stays within 0..2", perception.PainItems{Face: 1.5}, Gains{}, Gains{Face: 4}, 2},
		{"the total stays within 0..10", perception.PainItems{Face: 2, Vocalisation: 2, Body: 2, Breathing: 2, Consolability: 2}, Gains{}, Gains{}, 10},
	}
	for _, tt := range tests {
		if got := Rescore(tt.it, tt.was, tt.now); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestAgreement(t *testing.T) {
	if r, ok := pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); !ok || math.Abs(r-1) > 1e-12 {
		t.Errorf("r = %v", r)
	}
	if _, ok := pearson([]float64{1, 1, 1}, []float64{2, 4, 6}); ok {
		t.Error("a constant series has no correlation")
	}
	a := agreement([]float64{1, 5, 3, 6}, []float64{2, 4, 5, 6})
	if a.N != 4 || a.MAE != 1 || a.Accuracy != 0.75 || a.R == nil {
		t.Errorf("%+v", a)
	}
	if a := agreement(nil, nil); a.N != 0 || a.R != nil {
		t.Errorf("empty: %+v", a)
	}
}
