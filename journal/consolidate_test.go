package journal

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// synthetic builds a session where a carer's ratings follow a person whose
// face counts for more, and whose breathing for less, than PAINAD assumes.
func synthetic(seed uint64, n int) []Record {
	rng := rand.New(rand.NewPCG(seed, 1))
	var recs []Record
	truth := Items{Breathing: 0.3, Vocalisation: 1.0, Face: 2.0, Body: 1.2, Consolability: 0.5}
	for k := range n {
		base := time.Duration(k) * 30 * time.Second
		it := Items{rng.Float64() * 2, rng.Float64() * 2, rng.Float64() * 2, rng.Float64() * 2, rng.Float64() * 2}
		for i := range 10 { // 5 s of 2 Hz assessments with a little jitter
			j := it
			j.Face = math.Max(0, math.Min(2, j.Face+0.05*rng.NormFloat64()))
			recs = append(recs, Assessment{At: base + time.Duration(i)*500*time.Millisecond, Person: "p-ana",
				Items: j, Score: j.Total(), Present: true})
		}
		w, x := truth.Vector(), it.Vector()
		rating := 0.5
		for i := range w {
			rating += w[i] * x[i]
		}
		rating = math.Round(math.Max(0, math.Min(10, rating+0.3*rng.NormFloat64())))
		recs = append(recs, Annotation{At: base + 5*time.Second, Person: "p-ana", Scale: ScaleNRS, Rating: rating})
	}
	// An annotation with nothing observed near it, and another person's.
	recs = append(recs, Annotation{At: time.Duration(n) * time.Hour, Person: "p-ana", Scale: ScaleNRS, Rating: 3})
	return recs
}

func TestFitImprovesAgreementOnSyntheticJournal(t *testing.T) {
	pairs, unmatched := PairsOf("s1", synthetic(1, 60), DefaultPairWindow)
	if len(pairs) != 60 || unmatched != 1 {
		t.Fatalf("%d pairs, %d unmatched", len(pairs), unmatched)
	}
	c, err := Fit(DefaultProfile("p-ana"), pairs)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("before MAE %.2f r %.2f acc %.2f; after MAE %.2f r %.2f acc %.2f; loo MAE %.2f; profile %+v",
		c.Before.MAE, *c.Before.R, c.Before.Accuracy, c.After.MAE, *c.After.R, c.After.Accuracy, c.LeaveOneOut.MAE, c.Profile)
	if !(c.After.MAE < c.Before.MAE*0.6) || !(*c.After.R > *c.Before.R) || c.LeaveOneOut.MAE > c.Before.MAE {
		t.Errorf("fit did not help: before %+v after %+v loo %+v", c.Before, c.After, c.LeaveOneOut)
	}
	if w := c.Profile.Weights; !(w.Face > 1.5 && w.Breathing < 0.7) {
		t.Errorf("weights %+v do not reflect the face-heavy, breathing-light person", w)
	}
	if c.Profile.Annotations != 60 || c.Profile.Threshold <= 0 || c.Profile.Threshold >= 10 {
		t.Errorf("profile %+v", c.Profile)
	}
}

func TestFitWithFewAnnotationsStaysNearThePrior(t *testing.T) {
	pairs, _ := PairsOf("s1", synthetic(2, 2), DefaultPairWindow)
	c, err := Fit(DefaultProfile("p-ana"), pairs)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range c.Profile.Weights.Vector() {
		if math.Abs(w-1) > 0.8 {
			t.Errorf("two annotations moved a weight to %.2f", w)
		}
	}
	if c.LeaveOneOut.N != 0 {
		t.Error("leave-one-out needs at least 3 annotations")
	}
	if _, err := Fit(DefaultProfile("x"), nil); err == nil {
		t.Error("fit on nothing")
	}
}

func TestPearsonAndThreshold(t *testing.T) {
	if r, ok := pearson([]float64{1, 2, 3}, []float64{2, 4, 6}); !ok || math.Abs(r-1) > 1e-12 {
		t.Errorf("r = %v", r)
	}
	if _, ok := pearson([]float64{1, 1, 1}, []float64{2, 4, 6}); ok {
		t.Error("constant series has no correlation")
	}
	if th := fitThreshold([]float64{1, 2, 5, 6}, []float64{0, 2, 5, 8}, 4); th != 3.5 {
		t.Errorf("threshold %v, want 3.5", th)
	}
	if th := fitThreshold([]float64{1, 2}, []float64{0, 1}, 4); th != 4 {
		t.Errorf("one-sided threshold %v, want the prior", th)
	}
}

func TestReadProfiles(t *testing.T) {
	ps, err := ReadProfiles(strings.NewReader(`{"p-ana":{"weights":{"breathing":1,"vocalisation":1,"face":2,"body":1,"consolability":1},"bias":0,"threshold":3.5}}`))
	if err != nil || ps.For("p-ana").Weights.Face != 2 || ps.For("p-ana").Person != "p-ana" || ps.For("p-bo").Threshold != 4 {
		t.Fatalf("%+v %v", ps, err)
	}
	for _, bad := range []string{`{"p":{"wat":1}}`, `[]`, `{"p":{"person":"q"}}`} {
		if _, err := ReadProfiles(strings.NewReader(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

func TestRescore(t *testing.T) {
	as := []Assessment{
		{Present: true, Items: Items{Face: 2, Body: 1}},                 // 3 by PAINAD
		{Present: true, Items: Items{Face: 2, Body: 1, Breathing: 1.5}}, // 4.5
		{Present: false, Items: Items{Face: 2}},                         // nobody there: skipped
	}
	faceHeavy := DefaultProfile("p")
	faceHeavy.Weights.Face = 2
	faceHeavy.Threshold = 4
	r := Rescore(as, DefaultProfile("p"), faceHeavy)
	if r.Assessments != 2 || r.AboveBefore != 1 || r.AboveAfter != 2 || r.BandChanged != 1 ||
		r.MeanBefore != 3.75 || r.MeanAfter != 5.75 {
		t.Errorf("%+v", r)
	}
}
