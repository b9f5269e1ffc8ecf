package journal

import (
	"math"
	"math/rand/v2"
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

// Annotations pair with the assessments of the same person in their
// window; one with nothing observed near it is counted, not paired.
func TestPairsOf(t *testing.T) {
	pairs, unmatched := PairsOf("s1", synthetic(1, 60), DefaultPairWindow())
	if len(pairs) != 60 || unmatched != 1 {
		t.Fatalf("%d pairs, %d unmatched", len(pairs), unmatched)
	}
	for _, p := range pairs {
		if p.Session != "s1" || p.Person != "p-ana" || p.Items.Total() <= 0 || p.Rating < 0 || p.Rating > 10 {
			t.Fatalf("pair %+v", p)
		}
	}
}
