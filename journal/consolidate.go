package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Profile is how a person's pain items become a score for them: per-item
// weights, a bias, and the score from which their pain counts as at least
// moderate. The default reads the items the way PAINAD does (a plain sum,
// moderate from 4); replay fits it to what carers annotated.
type Profile struct {
	Person      string  `json:"person"`
	Weights     Items   `json:"weights"`
	Bias        float64 `json:"bias"`
	Threshold   float64 `json:"threshold"`
	Annotations int     `json:"annotations"` // how many annotations it was fitted on
}

// DefaultProfile is PAINAD as written.
func DefaultProfile(person string) Profile {
	return Profile{Person: person, Weights: Items{1, 1, 1, 1, 1}, Threshold: ModerateRating}
}

// ModerateRating is where PAINAD's moderate band starts; annotations at or
// above it are "pain worth acting on" when fitting the threshold.
const ModerateRating = 4

// Score rates items with the profile, 0..10.
func (p Profile) Score(it Items) float64 {
	w, x := p.Weights.Vector(), it.Vector()
	s := p.Bias
	for i := range w {
		s += w[i] * x[i]
	}
	return math.Max(0, math.Min(10, s))
}

// Pair is one annotation with the items the robot saw around it.
type Pair struct {
	Session string
	At      time.Duration
	Person  string
	Items   Items   // mean of the assessments in the window
	Rating  float64 // the annotation, 0..10
}

// PairWindow is the stretch of assessments an annotation is compared with:
// a carer rates what they watched over the last few seconds.
type PairWindow struct{ Before, After time.Duration }

// DefaultPairWindow: 5 s before the annotation to 1 s after.
var DefaultPairWindow = PairWindow{Before: 5 * time.Second, After: time.Second}

// PairsOf matches a session's annotations with its assessments of the same
// person; it returns the pairs and how many annotations had no assessment
// in their window.
func PairsOf(session string, recs []Record, win PairWindow) (pairs []Pair, unmatched int) {
	var as []Assessment
	for _, r := range recs {
		if a, ok := r.(Assessment); ok && a.Present {
			as = append(as, a)
		}
	}
	sort.SliceStable(as, func(i, j int) bool { return as[i].At < as[j].At })
	for _, r := range recs {
		an, ok := r.(Annotation)
		if !ok {
			continue
		}
		lo := sort.Search(len(as), func(i int) bool { return as[i].At >= an.At-win.Before })
		var sum [5]float64
		n := 0
		for i := lo; i < len(as) && as[i].At <= an.At+win.After; i++ {
			if an.Person != "" && as[i].Person != an.Person {
				continue
			}
			v := as[i].Items.Vector()
			for k := range sum {
				sum[k] += v[k]
			}
			n++
		}
		if n == 0 {
			unmatched++
			continue
		}
		for k := range sum {
			sum[k] /= float64(n)
		}
		person := an.Person
		if person == "" {
			person = as[lo].Person
		}
		pairs = append(pairs, Pair{Session: session, At: an.At, Person: person,
			Items: Items{sum[0], sum[1], sum[2], sum[3], sum[4]}, Rating: an.Rating})
	}
	return pairs, unmatched
}

// Agreement compares a profile's scores with annotations.
type Agreement struct {
	N   int     `json:"n"`
	MAE float64 `json:"mae"`
	// R is Pearson's correlation; nil when either side does not vary.
	R *float64 `json:"r"`
	// Accuracy is how often score ≥ threshold agrees with rating ≥ ModerateRating.
	Accuracy float64 `json:"accuracy"`
}

func agreement(pred, truth []float64, threshold float64) Agreement {
	a := Agreement{N: len(pred)}
	if a.N == 0 {
		return a
	}
	agree := 0
	for i := range pred {
		a.MAE += math.Abs(pred[i] - truth[i])
		if (pred[i] >= threshold) == (truth[i] >= ModerateRating) {
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

// Consolidation is what replay learnt about one person.
type Consolidation struct {
	Person string    `json:"person"`
	Before Agreement `json:"before"` // the prior profile
	After  Agreement `json:"after"`  // the fitted profile, on the same annotations
	// LeaveOneOut scores each annotation with a profile fitted without it:
	// the honest estimate of how the new profile does on a new annotation.
	LeaveOneOut Agreement `json:"leave_one_out"`
	Profile     Profile   `json:"profile"`
}

// Ridge is how strongly fitting pulls weights and bias back to the prior,
// in squared rating points per unit of weight: with a handful of
// annotations the profile moves a little, with hundreds it follows them.
const Ridge = 2.0

// Fit updates prior from one person's pairs (ridge least squares of rating
// on items, shrunk towards the prior; the threshold chosen to agree best
// with ratings ≥ ModerateRating) and reports agreement before and after.
func Fit(prior Profile, pairs []Pair) (Consolidation, error) {
	if len(pairs) == 0 {
		return Consolidation{}, errors.New("consolidate: no annotated moments to learn from")
	}
	c := Consolidation{Person: prior.Person}
	truth := make([]float64, len(pairs))
	before := make([]float64, len(pairs))
	for i, p := range pairs {
		truth[i], before[i] = p.Rating, prior.Score(p.Items)
	}
	c.Before = agreement(before, truth, prior.Threshold)

	fitted, err := fitProfile(prior, pairs)
	if err != nil {
		return Consolidation{}, err
	}
	after := make([]float64, len(pairs))
	for i, p := range pairs {
		after[i] = fitted.Score(p.Items)
	}
	fitted.Threshold = fitThreshold(after, truth, prior.Threshold)
	fitted.Annotations = prior.Annotations + len(pairs)
	c.After = agreement(after, truth, fitted.Threshold)
	c.Profile = fitted

	if len(pairs) >= 3 {
		loo := make([]float64, len(pairs))
		for i := range pairs {
			rest := append(append([]Pair(nil), pairs[:i]...), pairs[i+1:]...)
			p, err := fitProfile(prior, rest)
			if err != nil {
				return Consolidation{}, err
			}
			loo[i] = p.Score(pairs[i].Items)
		}
		c.LeaveOneOut = agreement(loo, truth, fitted.Threshold)
	}
	return c, nil
}

// fitProfile solves the ridge normal equations for bias and five weights.
func fitProfile(prior Profile, pairs []Pair) (Profile, error) {
	const n = 6 // bias, then the five items
	var a [n][n]float64
	var b [n]float64
	w0 := prior.Weights.Vector()
	p0 := [n]float64{prior.Bias, w0[0], w0[1], w0[2], w0[3], w0[4]}
	for i := range n {
		a[i][i] += Ridge
		b[i] += Ridge * p0[i]
	}
	for _, p := range pairs {
		x := p.Items.Vector()
		row := [n]float64{1, x[0], x[1], x[2], x[3], x[4]}
		for i := range n {
			for j := range n {
				a[i][j] += row[i] * row[j]
			}
			b[i] += row[i] * p.Rating
		}
	}
	sol, err := solve(a, b)
	if err != nil {
		return Profile{}, err
	}
	out := prior
	out.Bias = sol[0]
	out.Weights = Items{sol[1], sol[2], sol[3], sol[4], sol[5]}
	return out, nil
}

// solve is Gaussian elimination with partial pivoting; the ridge term keeps
// the system well conditioned.
func solve(a [6][6]float64, b [6]float64) ([6]float64, error) {
	const n = 6
	for col := range n {
		piv := col
		for r := col + 1; r < n; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return [6]float64{}, errors.New("consolidate: singular system")
		}
		a[col], a[piv] = a[piv], a[col]
		b[col], b[piv] = b[piv], b[col]
		for r := col + 1; r < n; r++ {
			f := a[r][col] / a[col][col]
			for k := col; k < n; k++ {
				a[r][k] -= f * a[col][k]
			}
			b[r] -= f * b[col]
		}
	}
	var x [6]float64
	for r := n - 1; r >= 0; r-- {
		s := b[r]
		for k := r + 1; k < n; k++ {
			s -= a[r][k] * x[k]
		}
		x[r] = s / a[r][r]
	}
	return x, nil
}

// fitThreshold picks the score cut that best separates ratings at or above
// ModerateRating (balanced accuracy; ties go to the cut nearest the prior).
// With only one kind of rating there is nothing to separate: keep the prior.
func fitThreshold(scores, truth []float64, prior float64) float64 {
	var pos, neg int
	for _, t := range truth {
		if t >= ModerateRating {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 {
		return prior
	}
	cands := append([]float64(nil), scores...)
	sort.Float64s(cands)
	var cuts []float64
	for i := 1; i < len(cands); i++ {
		if cands[i] > cands[i-1] {
			cuts = append(cuts, (cands[i]+cands[i-1])/2)
		}
	}
	cuts = append(cuts, cands[0]-0.5, cands[len(cands)-1]+0.5)
	best, bestScore := prior, -1.0
	for _, cut := range cuts {
		var tp, tn int
		for i := range scores {
			switch {
			case scores[i] >= cut && truth[i] >= ModerateRating:
				tp++
			case scores[i] < cut && truth[i] < ModerateRating:
				tn++
			}
		}
		ba := (float64(tp)/float64(pos) + float64(tn)/float64(neg)) / 2
		if ba > bestScore+1e-12 || math.Abs(ba-bestScore) <= 1e-12 && math.Abs(cut-prior) < math.Abs(best-prior) {
			best, bestScore = cut, ba
		}
	}
	return math.Round(best*100) / 100
}

// Profiles is a profile file: one profile per person.
type Profiles map[string]Profile

// ReadProfiles reads a profile file (JSON, unknown fields rejected).
func ReadProfiles(r io.Reader) (Profiles, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var ps Profiles
	if err := dec.Decode(&ps); err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	for id, p := range ps {
		if p.Person == "" {
			p.Person = id
			ps[id] = p
		}
		if p.Person != id {
			return nil, fmt.Errorf("profiles: %q holds the profile of %q", id, p.Person)
		}
		w := p.Weights.Vector()
		for _, v := range append(w[:], p.Bias, p.Threshold) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("profiles: %s: not a number", id)
			}
		}
	}
	return ps, nil
}

// For returns the person's profile, or the default.
func (ps Profiles) For(person string) Profile {
	if p, ok := ps[person]; ok {
		return p
	}
	return DefaultProfile(person)
}

// Rescored summarises a person's stored assessments scored again with a
// new profile: how many moments would now count as pain worth acting on,
// and how many change band.
type Rescored struct {
	Assessments int     `json:"assessments"`
	AboveBefore int     `json:"above_threshold_before"`
	AboveAfter  int     `json:"above_threshold_after"`
	BandChanged int     `json:"band_changed"`
	MeanBefore  float64 `json:"mean_score_before"`
	MeanAfter   float64 `json:"mean_score_after"`
}

// Rescore scores a person's stored assessment items with both profiles.
func Rescore(as []Assessment, before, after Profile) Rescored {
	var r Rescored
	for _, a := range as {
		if !a.Present {
			continue
		}
		sb, sa := before.Score(a.Items), after.Score(a.Items)
		r.Assessments++
		r.MeanBefore += sb
		r.MeanAfter += sa
		if sb >= before.Threshold {
			r.AboveBefore++
		}
		if sa >= after.Threshold {
			r.AboveAfter++
		}
		if perception.BandOf(sb) != perception.BandOf(sa) {
			r.BandChanged++
		}
	}
	if r.Assessments > 0 {
		r.MeanBefore /= float64(r.Assessments)
		r.MeanAfter /= float64(r.Assessments)
	}
	return r
}
