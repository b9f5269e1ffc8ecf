package eval

import (
	"sort"

	"github.com/kindred-hri/kindred/perception"
)

// Mapping is the Kindred class each dev-set class should come out as.
// Classes without one (yawning, sneezing, …) are still counted in the
// confusion matrix, but have no recall.
var Mapping = map[string]perception.VocalClass{
	"moaning":   perception.VocalMoan,
	"crying":    perception.VocalCry,
	"screaming": perception.VocalScream,
	"sighing":   perception.VocalSigh,
	"panting":   perception.VocalPant,
	"laughing":  perception.VocalLaugh,
	"coughing":  perception.VocalCough,
	SpeechClass: perception.VocalSpeech,
}

// DistressPositives are the classes the target wants called
// distress; DistressNegatives must not be (false alarms).
var (
	DistressPositives = []string{"moaning", "crying", "screaming"}
	DistressNegatives = []string{SpeechClass, "laughing", "coughing", "sneezing", "throat-clearing"}
)

// DistressThreshold is the distress at or above which a clip counts as
// called distress.
const DistressThreshold = 0.5

// Result is one clip's outcome.
type Result struct {
	Truth    string // dev-set class
	Pred     perception.VocalClass
	Distress float64
}

// Confusion counts labelled classes against predicted classes, and clips
// called distress per labelled class.
type Confusion struct {
	cells    map[string]map[perception.VocalClass]int
	rows     map[string]int
	distress map[string]int
}

// NewConfusion returns an empty matrix.
func NewConfusion() *Confusion {
	return &Confusion{cells: map[string]map[perception.VocalClass]int{}, rows: map[string]int{}, distress: map[string]int{}}
}

// Add counts one clip.
func (c *Confusion) Add(r Result) {
	row := c.cells[r.Truth]
	if row == nil {
		row = map[perception.VocalClass]int{}
		c.cells[r.Truth] = row
	}
	row[r.Pred]++
	c.rows[r.Truth]++
	if r.Distress >= DistressThreshold {
		c.distress[r.Truth]++
	}
}

// Count is how many clips of class truth came out as pred.
func (c *Confusion) Count(truth string, pred perception.VocalClass) int { return c.cells[truth][pred] }

// Clips is how many clips of class truth were counted.
func (c *Confusion) Clips(truth string) int { return c.rows[truth] }

// Truths lists the labelled classes seen, sorted.
func (c *Confusion) Truths() []string {
	out := make([]string, 0, len(c.rows))
	for t := range c.rows {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Preds lists the predicted classes seen, sorted.
func (c *Confusion) Preds() []perception.VocalClass {
	set := map[perception.VocalClass]bool{}
	for _, row := range c.cells {
		for p := range row {
			set[p] = true
		}
	}
	out := make([]perception.VocalClass, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Recall is the share of truth's clips that came out as its mapped class;
// ok is false when truth has no mapping or no clips.
func (c *Confusion) Recall(truth string) (r float64, ok bool) {
	want, mapped := Mapping[truth]
	n := c.rows[truth]
	if !mapped || n == 0 {
		return 0, false
	}
	return float64(c.cells[truth][want]) / float64(n), true
}

// Precision is the share of clips predicted as pred whose labelled class
// maps to pred; ok is false when no clip was predicted as pred or no
// labelled class maps to it.
func (c *Confusion) Precision(pred perception.VocalClass) (p float64, ok bool) {
	var hit, all int
	mapped := false
	for truth, row := range c.cells {
		all += row[pred]
		if Mapping[truth] == pred {
			hit += row[pred]
		}
	}
	for _, m := range Mapping {
		mapped = mapped || m == pred
	}
	if !mapped || all == 0 {
		return 0, false
	}
	return float64(hit) / float64(all), true
}

// DistressShare is the share of truth's clips called distress (≥
// DistressThreshold); ok is false when there are none.
func (c *Confusion) DistressShare(truth string) (s float64, ok bool) {
	n := c.rows[truth]
	if n == 0 {
		return 0, false
	}
	return float64(c.distress[truth]) / float64(n), true
}

// DistressOver is the share of clips called distress over several
// classes together (the negatives' false-alarm rate, say).
func (c *Confusion) DistressOver(truths []string) (s float64, n int) {
	var hit int
	for _, t := range truths {
		hit += c.distress[t]
		n += c.rows[t]
	}
	if n == 0 {
		return 0, 0
	}
	return float64(hit) / float64(n), n
}

// Target is the Kindred class a labelled class should come out as; classes
// without a mapping (yawning, sneezing, …) should come out as other.
func Target(truth string) perception.VocalClass {
	if c, ok := Mapping[truth]; ok {
		return c
	}
	return perception.VocalOther
}

// MacroRecall is the mean recall over the labelled classes that have one.
func (c *Confusion) MacroRecall() float64 {
	var sum float64
	var n int
	for _, t := range c.Truths() {
		if r, ok := c.Recall(t); ok {
			sum += r
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}
