package vocalisation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
)

// Sample is one labelled clip's features.
type Sample struct {
	Features map[string]float64
	Label    string // one of Classes, or other/NAME (see Model)
	Speaker  string
	Weight   float64 // its say in the fit; 0 counts as 1
}

func (s Sample) weight() float64 {
	if s.Weight > 0 {
		return s.Weight
	}
	return 1
}

// FittedApart are the labelled kinds of "other" the fit tells apart under
// their own label (other/NAME) rather than with the rest of "other".
// Throat-clearing is a short voiced "ahem" that the fit, lumped with yawns
// and teeth-grinding, placed beside short moans; fitted apart, with the
// pitch continuity measures (ContinuityFeatures), a throat-clearing heard
// across a room or in noise is less often called a moan (MODEL_CARD.md,
// "Pitch continuity"). Splitting every kind of other pulled moans away, so
// only this one is set apart. A user's recordings without it fit as before.
var FittedApart = []string{"throat-clearing"}

// Label is the label a clip of the labelled class is fitted under, when
// its output class is target: other/CLASS for a class of FittedApart that
// counts as other, else target itself.
func Label(target perception.VocalClass, class string) string {
	if target == perception.VocalOther && slices.Contains(FittedApart, class) {
		return otherPrefix + class
	}
	return string(target)
}

// TrainingSamples are what the combiner is fitted on for one labelled
// recording: the whole recording, as `kindred analyze --audio` judges it,
// then every context the running classifier judges in it (Stream: each
// YAMNet window with the ones before it). One parameter set serves both,
// and a fit on whole clips alone never saw the 1.9 s slices the robot
// judges live, where a throat-clearing's tail or a moan's onset looks
// like neither whole sound. The contexts share one clip's weight between
// them, so the whole clip and its slices count the same and a long
// recording does not outweigh a short one.
func TrainingSamples(cm *soundevents.ClassMap, hops []voice.HopFeatures, ws []soundevents.Window, label, speaker string) []Sample {
	f, ok := ClipFeatures(cm, hops, ws)
	if !ok {
		f = Extract(voice.SegmentFeatures{}, cm.Clip(ws))
	}
	out := []Sample{{Features: f, Label: label, Speaker: speaker, Weight: 1}}
	st := NewStream(nil, cm)
	feedWindows(st, hops, ws, func(_ int, w soundevents.Window) {
		st.add(w)
		if f, ok := st.features(); ok {
			out = append(out, Sample{Features: f, Label: label, Speaker: speaker})
		}
	})
	for i := 1; i < len(out); i++ {
		out[i].Weight = 1 / float64(len(out)-1)
	}
	return out
}

// ErrTooFew reports too few clips or classes to fit (in some fold).
var ErrTooFew = errors.New("too few clips: want at least 2 classes in every fit")

// FitOpts tune the fit.
type FitOpts struct {
	Lambda     float64 // L2 penalty on the weights (not the biases), per sample
	Iterations int     // of full-batch gradient descent
	Step       float64
}

// DefaultFitOpts are a mild penalty, enough that 9 classes × (1 + 17)
// weights on a few hundred clips do not chase single speakers.
func DefaultFitOpts() FitOpts { return FitOpts{Lambda: 0.01, Iterations: 3000, Step: 0.5} }

// Fit fits a combiner on samples over the named features. Classes are
// weighted by inverse frequency, so a class with 15 clips counts as much
// as one with 50. The loss is convex, so plain gradient descent on
// standardised features reaches its minimum (Hastie et al., Elements of
// Statistical Learning §4.4).
func Fit(samples []Sample, features []string, o FitOpts) (*Model, error) {
	if len(samples) == 0 {
		return nil, fmt.Errorf("vocalisation: fit: no clips: %w", ErrTooFew)
	}
	for _, f := range features {
		if !slices.Contains(candidates, f) {
			return nil, fmt.Errorf("vocalisation: fit: unknown feature %q", f)
		}
	}
	nf, n := len(features), len(samples)
	m := &Model{Features: features, Mean: make([]float64, nf), Scale: make([]float64, nf), Lambda: o.Lambda}
	for i, s := range samples {
		if classOf(s.Label) == "" {
			return nil, fmt.Errorf("vocalisation: fit: sample %d: label %q is neither a vocalisation class nor other/NAME", i, s.Label)
		}
		if !slices.Contains(m.Classes, s.Label) {
			m.Classes = append(m.Classes, s.Label)
		}
	}
	if len(m.Classes) < 2 {
		return nil, fmt.Errorf("vocalisation: fit: clips of one class only: %w", ErrTooFew)
	}
	// Labels in the order of Classes, kinds of other by name.
	slices.SortFunc(m.Classes, func(a, b string) int {
		if d := slices.Index(Classes, classOf(a)) - slices.Index(Classes, classOf(b)); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	nc := len(m.Classes)
	x := make([][]float64, n)
	y := make([]int, n)
	count := make([]float64, nc)
	for i, s := range samples {
		y[i] = slices.Index(m.Classes, s.Label)
		count[y[i]] += s.weight()
		x[i] = make([]float64, nf)
		for j, f := range features {
			x[i][j] = s.Features[f]
			m.Mean[j] += x[i][j] / float64(n)
		}
	}
	for j := range features {
		var v float64
		for i := range x {
			v += (x[i][j] - m.Mean[j]) * (x[i][j] - m.Mean[j])
		}
		m.Scale[j] = math.Sqrt(v / float64(n))
		if m.Scale[j] < 1e-9 {
			m.Scale[j] = 1 // a constant feature carries nothing; keep it harmless
		}
		for i := range x {
			x[i][j] = (x[i][j] - m.Mean[j]) / m.Scale[j]
		}
	}
	// Every output class weighs the same in the loss, shared equally
	// among its labels: the kinds of other together count as one class,
	// so splitting them does not give "other" four times the say.
	labelsOf := map[perception.VocalClass]float64{}
	for _, l := range m.Classes {
		labelsOf[classOf(l)]++
	}
	perClass := make([]float64, nc)
	for c, k := range count {
		perClass[c] = 1 / (k * labelsOf[classOf(m.Classes[c])])
	}
	weight := make([]float64, n)
	var wsum float64
	for i, s := range samples {
		weight[i] = s.weight() * perClass[y[i]]
		wsum += weight[i]
	}
	m.Weights = make([][]float64, nc)
	for c := range m.Weights {
		m.Weights[c] = make([]float64, nf+1)
	}
	grad := make([][]float64, nc)
	for c := range grad {
		grad[c] = make([]float64, nf+1)
	}
	for range o.Iterations {
		for c := range grad {
			clear(grad[c])
		}
		for i := range x {
			p := softmax(m.Weights, x[i])
			for c := range p {
				g := p[c]
				if c == y[i] {
					g--
				}
				g *= weight[i] / wsum
				grad[c][0] += g
				for j, v := range x[i] {
					grad[c][j+1] += g * v
				}
			}
		}
		for c := range grad {
			for j := range grad[c] {
				if j > 0 {
					grad[c][j] += o.Lambda * m.Weights[c][j]
				}
				m.Weights[c][j] -= o.Step * grad[c][j]
			}
		}
	}
	return m, m.Validate()
}

// Folds gives each speaker a fold in 0..k-1, shuffled with a fixed seed
// and dealt round-robin, so every clip of a speaker lands in the same fold
// and folds differ in size by at most one speaker.
func Folds(speakers []string, k int) map[string]int {
	uniq := slices.Clone(speakers)
	slices.Sort(uniq)
	uniq = slices.Compact(uniq)
	r := rand.New(rand.NewPCG(19, 2026))
	r.Shuffle(len(uniq), func(i, j int) { uniq[i], uniq[j] = uniq[j], uniq[i] })
	fold := make(map[string]int, len(uniq))
	for i, s := range uniq {
		fold[s] = i % k
	}
	return fold
}

// CrossValidate fits on k-1 folds and predicts the k-th, for every fold,
// so each clip is classified by a combiner that never heard its speaker.
func CrossValidate(samples []Sample, features []string, k int, o FitOpts) ([]perception.Vocalisation, error) {
	if k < 2 {
		return nil, fmt.Errorf("vocalisation: %d folds: want at least 2", k)
	}
	speakers := make([]string, len(samples))
	for i, s := range samples {
		speakers[i] = s.Speaker
	}
	fold := Folds(speakers, k)
	out := make([]perception.Vocalisation, len(samples))
	for f := range k {
		var train []Sample
		for _, s := range samples {
			if fold[s.Speaker] != f {
				train = append(train, s)
			}
		}
		m, err := Fit(train, features, o)
		if err != nil {
			return nil, fmt.Errorf("vocalisation: fold %d: %w", f, err)
		}
		for i, s := range samples {
			if fold[s.Speaker] == f {
				out[i] = m.Classify(s.Features)
			}
		}
	}
	return out, nil
}
