package vocalisation

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kindred-hri/kindred/perception"
)

// Classes are the combiner's outputs.
var Classes = []perception.VocalClass{
	perception.VocalSpeech, perception.VocalLaugh, perception.VocalCough, perception.VocalMoan,
	perception.VocalCry, perception.VocalScream, perception.VocalSigh, perception.VocalPant,
	perception.VocalOther,
}

// distressWeight is how much each class says about pain: the expected
// distress is Σ P(class) × weight. Moans, cries and screams are the pain
// vocalisations of observational scales (e.g. PAINAD's "moaning or
// groaning, crying"); sighs and panting are ambiguous (exertion, relief),
// so they count for less than half; laughter, coughs and speech count for
// nothing, so they cannot raise distress on their own.
var distressWeight = map[perception.VocalClass]float64{
	perception.VocalMoan: 1, perception.VocalCry: 1, perception.VocalScream: 1,
	perception.VocalSigh: 0.3, perception.VocalPant: 0.4,
}

// A label is what the combiner is fitted to tell apart: one of Classes,
// or "other/NAME" for one kind of other sound (yawning, sneezing, …).
// Kinds of "other" are told apart while fitting because they sound
// nothing alike, and one linear boundary around all of them would cut
// through moans and sighs; they are summed into "other" on output.
const otherPrefix = "other/"

// classOf is the output class of a label, "" when the label is not valid.
func classOf(label string) perception.VocalClass {
	if rest, ok := strings.CutPrefix(label, otherPrefix); ok && rest != "" {
		return perception.VocalOther
	}
	if c := perception.VocalClass(label); slices.Contains(Classes, c) {
		return c
	}
	return ""
}

// Model is a fitted combiner: per label, a bias and one weight per
// standardised feature.
type Model struct {
	Features []string    `json:"features"`
	Classes  []string    `json:"classes"` // labels, in the order of Weights
	Mean     []float64   `json:"mean"`    // per feature, subtracted first
	Scale    []float64   `json:"scale"`   // per feature, divided by next
	Weights  [][]float64 `json:"weights"` // per label: bias, then one per feature
	Lambda   float64     `json:"lambda"`  // L2 penalty it was fitted with
	Card     *Card       `json:"card,omitempty"`
}

// Card is the model card carried in the parameter file: what the
// parameters were fitted on and how well they did on unseen speakers.
type Card struct {
	Data    string            `json:"data"`
	Licence string            `json:"licence,omitempty"`
	Clips   map[string]int    `json:"clips"` // per labelled class
	Folds   int               `json:"folds"`
	Figures map[string]Figure `json:"figures"` // per feature set, cross-validated
	// Augmented are the folders of degraded copies of the same clips
	// (noise, reverberation) that joined the fit; the figures are the
	// clean clips'.
	Augmented []string `json:"augmented,omitempty"`
}

// Figure is one feature set's cross-validated result.
type Figure struct {
	Recall      map[string]float64 `json:"recall"`       // per labelled class
	Distress    map[string]float64 `json:"distress"`     // per labelled class: share called distress
	Recognised  float64            `json:"recognised"`   // moaning, crying, screaming called distress
	FalseAlarms float64            `json:"false_alarms"` // speech, laughing, coughing, sneezing, throat-clearing
	MacroRecall float64            `json:"macro_recall"`
}

//go:embed combiner.json
var shipped []byte

// Default is the shipped combiner (combiner.json, see MODEL_CARD.md).
func Default() (*Model, error) {
	m, err := Parse(shipped)
	if err != nil {
		return nil, fmt.Errorf("vocalisation: shipped combiner: %w", err)
	}
	return m, nil
}

// Parse reads and checks a parameter file: every feature known, every
// class known, every number finite and every shape consistent.
func Parse(data []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("vocalisation: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate reports the first problem with m.
func (m *Model) Validate() error {
	nf := len(m.Features)
	switch {
	case nf == 0:
		return errors.New("vocalisation: features: none")
	case len(m.Mean) != nf || len(m.Scale) != nf:
		return fmt.Errorf("vocalisation: mean/scale: want %d values each", nf)
	case len(m.Classes) < 2 || len(m.Weights) != len(m.Classes):
		return errors.New("vocalisation: classes/weights: want at least 2 classes and one weight row each")
	}
	for i, f := range m.Features {
		if !slices.Contains(candidates, f) {
			return fmt.Errorf("vocalisation: features[%d]: unknown feature %q", i, f)
		}
		if !finite(m.Mean[i]) || !finite(m.Scale[i]) || m.Scale[i] <= 0 {
			return fmt.Errorf("vocalisation: feature %q: mean/scale must be finite, scale above 0", f)
		}
	}
	for c, name := range m.Classes {
		if classOf(name) == "" {
			return fmt.Errorf("vocalisation: classes[%d]: %q is neither a vocalisation class nor other/NAME", c, name)
		}
		if slices.Index(m.Classes, name) != c {
			return fmt.Errorf("vocalisation: classes[%d]: %q listed twice", c, name)
		}
		if len(m.Weights[c]) != nf+1 {
			return fmt.Errorf("vocalisation: weights[%d]: want %d values (bias and one per feature)", c, nf+1)
		}
		for _, w := range m.Weights[c] {
			if !finite(w) {
				return fmt.Errorf("vocalisation: weights[%d]: not finite", c)
			}
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Probabilities are the label probabilities for one clip's features (in
// the order of m.Classes); features the model does not use are ignored.
func (m *Model) Probabilities(f map[string]float64) []float64 {
	x := make([]float64, len(m.Features))
	for i, name := range m.Features {
		x[i] = (f[name] - m.Mean[i]) / m.Scale[i]
	}
	return softmax(m.Weights, x)
}

// Classify names the clip's vocalisation and rates its distress.
func (m *Model) Classify(f map[string]float64) perception.Vocalisation {
	return m.decide(m.Probabilities(f))
}

// Scores are the output class probabilities: each label's probability
// added to its class.
func (m *Model) Scores(f map[string]float64) map[perception.VocalClass]float64 {
	out := map[perception.VocalClass]float64{}
	for c, p := range m.Probabilities(f) {
		out[classOf(m.Classes[c])] += p
	}
	return out
}

// decide picks the most probable output class (ties go to the earlier
// class of Classes) and the expected distress.
func (m *Model) decide(p []float64) perception.Vocalisation {
	sum := map[perception.VocalClass]float64{}
	var d float64
	for c, v := range p {
		cls := classOf(m.Classes[c])
		sum[cls] += v
		d += v * distressWeight[cls]
	}
	best := Classes[0]
	for _, c := range Classes {
		if sum[c] > sum[best] {
			best = c
		}
	}
	return perception.Vocalisation{Class: best, Distress: math.Min(1, math.Max(0, d))}
}

// softmax of the linear scores; w[c] is bias then weights.
func softmax(w [][]float64, x []float64) []float64 {
	p := make([]float64, len(w))
	top := math.Inf(-1)
	for c := range w {
		s := w[c][0]
		for j, v := range x {
			s += w[c][j+1] * v
		}
		p[c] = s
		top = max(top, s)
	}
	var z float64
	for c := range p {
		p[c] = math.Exp(p[c] - top)
		z += p[c]
	}
	for c := range p {
		p[c] /= z
	}
	return p
}

// ShippedSHA256 is the SHA-256 of the shipped combiner.json, so a run's
// record names the combiner it classified with.
func ShippedSHA256() string {
	h := sha256.Sum256(shipped)
	return hex.EncodeToString(h[:])
}
