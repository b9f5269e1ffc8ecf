package fusion

import (
	"errors"
	"fmt"
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Rating pairs what fusion assessed at a moment with a carer's own PAINAD
// total for it (entered in the console, or from a chart).
type Rating struct {
	Items perception.PainItems // as fusion scored them, with the profile in use then
	Carer float64              // the carer's total, 0..10
}

const (
	minRatings = 5
	minGain    = 0.25
	maxGain    = 4
	// ridge pulls the gains towards 1 (no change) in proportion to the
	// number of ratings, so a few odd ratings move them only a little.
	ridge = 0.01
)

// ErrTooFewRatings means Learn had too little to go on.
var ErrTooFewRatings = errors.New("too few ratings to learn from")

// Learn returns p with its gains refitted to carers' ratings: the face,
// voice and body gains g minimising Σ (carer − consolability − g_face·face −
// g_voice·vocalisation − g_body·(body + breathing))² plus a ridge towards 1,
// multiplied onto the gains the ratings were scored with and clamped to
// 0.25..4. This is the nightly "memory replay": re-score past sessions with
// the learnt profile and report the change.
func Learn(p Profile, ratings []Rating) (Profile, error) {
	if len(ratings) < minRatings {
		return p, fmt.Errorf("fusion: %d ratings, need %d: %w", len(ratings), minRatings, ErrTooFewRatings)
	}
	var a [3][3]float64
	var b [3]float64
	for i, r := range ratings {
		it := r.Items
		x := [3]float64{it.Face, it.Vocalisation, it.Body + it.Breathing}
		for _, v := range append(x[:], r.Carer, it.Consolability) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return p, fmt.Errorf("fusion: rating %d is not a number", i)
			}
		}
		if r.Carer < 0 || r.Carer > 10 {
			return p, fmt.Errorf("fusion: rating %d: carer total %v outside 0..10", i, r.Carer)
		}
		y := r.Carer - it.Consolability
		for j := range 3 {
			for k := range 3 {
				a[j][k] += x[j] * x[k]
			}
			b[j] += x[j] * y
		}
	}
	lambda := ridge * float64(len(ratings))
	for j := range 3 {
		a[j][j] += lambda
		b[j] += lambda // towards g = 1
	}
	g, ok := solve3(a, b)
	if !ok {
		return p, errors.New("fusion: ratings do not determine the gains")
	}
	scale := func(old, g float64) float64 { return math.Round(clamp(or1(old)*g, minGain, maxGain)*1000) / 1000 }
	p.Gains = Gains{Face: scale(p.Gains.Face, g[0]), Voice: scale(p.Gains.Voice, g[1]), Body: scale(p.Gains.Body, g[2])}
	return p, nil
}

// solve3 solves a·x = b by Gaussian elimination with partial pivoting.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	for c := range 3 {
		piv := c
		for r := c + 1; r < 3; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		if math.Abs(a[piv][c]) < 1e-12 {
			return [3]float64{}, false
		}
		a[c], a[piv] = a[piv], a[c]
		b[c], b[piv] = b[piv], b[c]
		for r := c + 1; r < 3; r++ {
			k := a[r][c] / a[c][c]
			for j := c; j < 3; j++ {
				a[r][j] -= k * a[c][j]
			}
			b[r] -= k * b[c]
		}
	}
	var x [3]float64
	for r := 2; r >= 0; r-- {
		s := b[r]
		for j := r + 1; j < 3; j++ {
			s -= a[r][j] * x[j]
		}
		x[r] = s / a[r][r]
	}
	return x, true
}
