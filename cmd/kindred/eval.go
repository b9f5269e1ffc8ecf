package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"path/filepath"
	"strings"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// defaultDevset is where the project's development set sits next to a
// checkout (read at evaluation time only; it is never copied in).
const defaultDevset = "../shared/devset"

const evalHelp = `kindred eval runs the vocalisation classifier on every clip of a labelled
folder (the dev set's layout: vocalisations/labels.csv with file,class,speaker
and optionally speech/labels.csv with file,source) and prints a confusion
matrix (labelled class against ours), per-class recall and precision where a
labelled class maps to one of ours, the share of clips called distress
(distress >= 0.5) per class, and distress false alarms on the negatives
(speech, laughing, coughing, sneezing, throat-clearing).`

func cmdEval(ctx context.Context, e env, args []string) error {
	fs := newFlags("eval", e.stderr)
	dir := fs.String("devset", defaultDevset, "labelled folder (dev set layout)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of tables")
	if err := fs.parse(args); err != nil {
		if errors.Is(err, errHelpShown) {
			fmt.Fprintln(e.stderr, evalHelp)
		}
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	clips, err := eval.ReadDevset(*dir)
	switch {
	case errors.Is(err, eval.ErrNoDevset):
		return badInput("%s: no vocalisations/labels.csv (pass --devset DIR)", *dir)
	case err != nil:
		return badInput("%v", err)
	}
	conf := eval.NewConfusion()
	for _, c := range clips {
		if err := ctx.Err(); err != nil {
			return err
		}
		v, err := classifyFile(ctx, filepath.Join(*dir, filepath.FromSlash(c.File)))
		if err != nil {
			return err
		}
		conf.Add(eval.Result{Truth: c.Class, Pred: v.Class, Distress: v.Distress})
	}
	rep := newEvalReport(*dir, "current", conf)
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", " ")
		return enc.Encode(rep)
	}
	rep.print(e.stdout)
	return nil
}

// classifyFile gives a whole file's vocalisation as `kindred analyze
// --audio` does (without keywords, which do not change the class).
func classifyFile(ctx context.Context, path string) (perception.Vocalisation, error) {
	audio, err := wav.DecodeFile(path)
	switch {
	case errors.Is(err, wav.ErrInvalid), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return perception.Vocalisation{}, badInput("eval: %v", err)
	case err != nil:
		return perception.Vocalisation{}, fmt.Errorf("eval: %w", err)
	}
	res, err := voice.AnalyzeSamples(ctx, audio.Mono16k(), voice.DefaultOpts())
	if err != nil {
		return perception.Vocalisation{}, fmt.Errorf("eval: %s: %w", path, err)
	}
	sum := summarizeAudio(path, audio.Duration(), res)
	return perception.Vocalisation{Class: perception.VocalClass(sum.Vocalisation.Class), Distress: sum.Vocalisation.Distress}, nil
}

// evalReport is `kindred eval --json`.
type evalReport struct {
	Devset     string                    `json:"devset"`
	Classifier string                    `json:"classifier"`
	Clips      int                       `json:"clips"`
	Confusion  map[string]map[string]int `json:"confusion"` // labelled class → our class → clips
	Classes    []evalClass               `json:"classes"`
	Precision  map[string]float64        `json:"precision"` // our class → share
	Distress   evalDistress              `json:"distress"`
}

type evalClass struct {
	Class         string   `json:"class"`
	Clips         int      `json:"clips"`
	MapsTo        string   `json:"maps_to,omitempty"`
	Recall        *float64 `json:"recall,omitempty"`
	DistressShare float64  `json:"distress_share"`
}

type evalDistress struct {
	Threshold     float64  `json:"threshold"`
	Positives     []string `json:"positives"`
	Recognised    float64  `json:"recognised"` // share of positive clips called distress
	Negatives     []string `json:"negatives"`
	FalseAlarms   float64  `json:"false_alarms"` // share of negative clips called distress
	PositiveClips int      `json:"positive_clips"`
	NegativeClips int      `json:"negative_clips"`
}

func newEvalReport(dir, classifier string, c *eval.Confusion) *evalReport {
	r := &evalReport{Devset: dir, Classifier: classifier, Confusion: map[string]map[string]int{}, Precision: map[string]float64{}}
	for _, t := range c.Truths() {
		r.Clips += c.Clips(t)
		row := map[string]int{}
		for _, p := range c.Preds() {
			if n := c.Count(t, p); n > 0 {
				row[string(p)] = n
			}
		}
		r.Confusion[t] = row
		ec := evalClass{Class: t, Clips: c.Clips(t), MapsTo: string(eval.Mapping[t])}
		if rec, ok := c.Recall(t); ok {
			ec.Recall = &rec
		}
		ec.DistressShare, _ = c.DistressShare(t)
		r.Classes = append(r.Classes, ec)
	}
	for _, p := range allVocalClasses {
		if v, ok := c.Precision(p); ok {
			r.Precision[string(p)] = v
		}
	}
	r.Distress = evalDistress{Threshold: eval.DistressThreshold, Positives: eval.DistressPositives, Negatives: eval.DistressNegatives}
	r.Distress.Recognised, r.Distress.PositiveClips = c.DistressOver(eval.DistressPositives)
	r.Distress.FalseAlarms, r.Distress.NegativeClips = c.DistressOver(eval.DistressNegatives)
	return r
}

// allVocalClasses is the contract's class list, in its order.
var allVocalClasses = []perception.VocalClass{
	perception.VocalSilence, perception.VocalSpeech, perception.VocalLaugh, perception.VocalCough,
	perception.VocalMoan, perception.VocalCry, perception.VocalScream, perception.VocalSigh,
	perception.VocalPant, perception.VocalOther,
}

func (r *evalReport) print(w io.Writer) {
	fmt.Fprintf(w, "%d clips from %s, classifier %s\n\nconfusion (rows: labelled class, columns: ours)\n", r.Clips, r.Devset, r.Classifier)
	fmt.Fprintf(w, "%-16s %4s", "", "n")
	for _, p := range allVocalClasses {
		fmt.Fprintf(w, " %7s", p)
	}
	fmt.Fprintln(w)
	for _, c := range r.Classes {
		fmt.Fprintf(w, "%-16s %4d", c.Class, c.Clips)
		for _, p := range allVocalClasses {
			fmt.Fprintf(w, " %7d", r.Confusion[c.Class][string(p)])
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\n%-16s %4s %-8s %7s %9s\n", "class", "n", "maps to", "recall", "distress")
	for _, c := range r.Classes {
		rec := "-"
		if c.Recall != nil {
			rec = fmt.Sprintf("%.2f", *c.Recall)
		}
		fmt.Fprintf(w, "%-16s %4d %-8s %7s %9.2f\n", c.Class, c.Clips, or(c.MapsTo, "-"), rec, c.DistressShare)
	}
	var prec []string
	for _, p := range allVocalClasses {
		if v, ok := r.Precision[string(p)]; ok {
			prec = append(prec, fmt.Sprintf("%s %.2f", p, v))
		}
	}
	fmt.Fprintf(w, "\nprecision: %s\n", strings.Join(prec, ", "))
	d := r.Distress
	fmt.Fprintf(w, "distress >= %.1f on %s: %.1f %% of %d clips (target >= 85 %%)\n", d.Threshold, strings.Join(d.Positives, "+"), 100*d.Recognised, d.PositiveClips)
	fmt.Fprintf(w, "false alarms on %s: %.1f %% of %d clips (target <= 5 %%)\n", strings.Join(d.Negatives, "+"), 100*d.FalseAlarms, d.NegativeClips)
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
