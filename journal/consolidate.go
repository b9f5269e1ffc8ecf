package journal

import (
	"sort"
	"time"
)

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

// DefaultPairWindow is 5 s before the annotation to 1 s after.
func DefaultPairWindow() PairWindow {
	return PairWindow{Before: 5 * time.Second, After: time.Second}
}

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
