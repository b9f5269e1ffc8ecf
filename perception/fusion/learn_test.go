package fusion

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// A carer who knows Ada sees more pain in her face than the camera does
// (1.8×) and agrees about the rest: Learn raises her face gain and little else.
func TestLearnFitsTheCarersReading(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	var ratings []Rating
	for range 60 {
		it := perception.PainItems{Face: rng.Float64(), Vocalisation: 2 * rng.Float64(), Body: rng.Float64(),
			Breathing: 0.5 * rng.Float64(), Consolability: 0.5 * rng.Float64()}
		carer := 1.8*it.Face + it.Vocalisation + it.Body + it.Breathing + it.Consolability + 0.1*rng.NormFloat64()
		ratings = append(ratings, Rating{Items: it, Carer: clamp(carer, 0, 10)})
	}
	p, err := Learn(Profile{}, ratings)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.Gains.Face-1.8) > 0.15 || math.Abs(p.Gains.Voice-1) > 0.1 || math.Abs(p.Gains.Body-1) > 0.1 {
		t.Errorf("gains %+v, want face ≈ 1.8, voice and body ≈ 1", p.Gains)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// Learning again from ratings scored with the new gains changes little.
	for i := range ratings {
		ratings[i].Items.Face = min(2, ratings[i].Items.Face*p.Gains.Face)
	}
	again, err := Learn(p, ratings)
	if err != nil || math.Abs(again.Gains.Face-p.Gains.Face) > 0.15 {
		t.Errorf("relearning moved face gain %v → %v (%v)", p.Gains.Face, again.Gains.Face, err)
	}

	// The learnt gain applies: the same faint grimace scores higher for Ada.
	feed := func(p Profile) float64 {
		o := DefaultOpts()
		o.Profile = p
		f, _ := New(o)
		a := perception.AUs{AU04: 1.5, AU07: 1.5, AU10: 1}
		var last perception.PainAssessment
		for at := time.Duration(0); at < 5*time.Second; at += 33 * time.Millisecond {
			f.Face(perception.FaceObs{At: at, Confidence: 0.9, AU: a, PSPI: a.PSPI(), Expression: perception.ExprPain})
			last = f.Assess(at)
		}
		return last.Items.Face
	}
	if plain, ada := feed(Profile{}), feed(p); !(ada > plain*1.5) {
		t.Errorf("face item %.2f with Ada's gains vs %.2f without", ada, plain)
	}
}

func TestLearnRejects(t *testing.T) {
	few := []Rating{{Carer: 1}, {Carer: 2}}
	if _, err := Learn(Profile{}, few); !errors.Is(err, ErrTooFewRatings) {
		t.Errorf("two ratings: %v", err)
	}
	bad := make([]Rating, 6)
	bad[3].Carer = 11
	if _, err := Learn(Profile{}, bad); err == nil {
		t.Error("carer total 11 accepted")
	}
	bad[3].Carer = math.NaN()
	if _, err := Learn(Profile{}, bad); err == nil {
		t.Error("NaN accepted")
	}
	// All-zero items: the ridge alone decides, and the gains stay at 1.
	zero := make([]Rating, 6)
	p, err := Learn(Profile{}, zero)
	if err != nil || p.Gains != (Gains{1, 1, 1}) {
		t.Errorf("all-zero ratings: %+v, %v", p.Gains, err)
	}
}
