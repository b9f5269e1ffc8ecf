package fusion

import (
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// ModerateRating is where PAINAD's moderate band starts: a total at or
// above it is pain worth acting on, for a carer's rating and a score alike.
const ModerateRating = 4

// Agreement compares scores with carers' totals for the same moments.
type Agreement struct {
	N   int     `json:"n"`
	MAE float64 `json:"mae"`
	// R is Pearson's correlation; nil when either side does not vary.
	R *float64 `json:"r"`
	// Accuracy is how often score ≥ ModerateRating agrees with the carer's
	// total ≥ ModerateRating.
	Accuracy float64 `json:"accuracy"`
}

// Checked is what Learn taught on one person's ratings, judged on them:
// the gains the ratings were scored with (Before), the learnt gains on the
// same ratings (After), and each rating scored with gains learnt without it
// (LeaveOneOut: the honest estimate for a new moment; empty with fewer than
// one rating more than Learn needs).
type Checked struct {
	Profile     Profile   `json:"profile"`
	Before      Agreement `json:"before"`
	After       Agreement `json:"after"`
	LeaveOneOut Agreement `json:"leave_one_out"`
}

// LearnChecked is Learn, with how well the gains before and after agree
// with the ratings they were learnt from.
func LearnChecked(p Profile, ratings []Rating) (Checked, error) {
	learnt, err := Learn(p, ratings)
	if err != nil {
		return Checked{}, err
	}
	c := Checked{Profile: learnt}
	truth := make([]float64, len(ratings))
	before := make([]float64, len(ratings))
	after := make([]float64, len(ratings))
	for i, r := range ratings {
		truth[i] = r.Carer
		before[i] = Rescore(r.Items, p.Gains, p.Gains)
		after[i] = Rescore(r.Items, p.Gains, learnt.Gains)
	}
	c.Before, c.After = agreement(before, truth), agreement(after, truth)
	if len(ratings) > minRatings {
		loo := make([]float64, len(ratings))
		for i := range ratings {
			rest := append(append([]Rating(nil), ratings[:i]...), ratings[i+1:]...)
			without, err := Learn(p, rest)
			if err != nil {
				return Checked{}, err
			}
			loo[i] = Rescore(ratings[i].Items, p.Gains, without.Gains)
		}
		c.LeaveOneOut = agreement(loo, truth)
	}
	return c, nil
}

// Rescore is the total fusion would have given items it scored with gains
// was, had it used gains now: each gained item scaled by now over was and
// held to 0..2 as Assess holds it, plus consolability, 0..10.
func Rescore(it perception.PainItems, was, now Gains) float64 {
	scale := func(v, now, was float64) float64 { return clamp(v*or1(now)/or1(was), 0, 2) }
	s := it.Consolability + scale(it.Face, now.Face, was.Face) + scale(it.Vocalisation, now.Voice, was.Voice) +
		scale(it.Body, now.Body, was.Body) + scale(it.Breathing, now.Body, was.Body)
	return clamp(s, 0, 10)
}

func agreement(pred, truth []float64) Agreement {
	a := Agreement{N: len(pred)}
	if a.N == 0 {
		return a
	}
	agree := 0
	for i := range pred {
		a.MAE += math.Abs(pred[i] - truth[i])
		if (pred[i] >= ModerateRating) == (truth[i] >= ModerateRating) {
			agree++
		}
	}
	a.MAE /= float64(a.N)
	a.Accuracy = float64(agree) / float64(a.N)
	if r, ok := pearson(pred, truth); ok {
		a.R = &r
	}
	return a
}

func pearson(x, y []float64) (float64, bool) {
	n := float64(len(x))
	if n < 2 {
		return 0, false
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx < 1e-12 || syy < 1e-12 {
		return 0, false
	}
	return sxy / math.Sqrt(sxx*syy), true
}
