package evaluate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"os"
	"path/filepath"
	"strings"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/vocalisation"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/voices/espeak"

	"github.com/kindred-hri/kindred/devices"
)

// Options say what one evaluation is asked to do; the kindred command
// fills them from its flags.
type Options struct {
	Devset  string // labelled folder (dev set layout)
	JSON    bool   // one JSON object instead of tables
	Fit     bool   // refit the vocalisation combiner on all clips and write it to Out
	Out     string // the parameter file Fit writes
	Data    string // what the clips are, for the model card (default: Devset)
	Licence string // the clips' licence, for the model card
	// Augment names dev-set-layout folders of degraded copies of the
	// clips (scripts/degrade-devset.sh), comma-separated: their clips
	// and contexts join every fit, each under its speaker, so the folds
	// stay speaker-disjoint; the figures are still those of the clean
	// clips of Devset.
	Augment string
	// MultiCondition also fits on copies of every clip degraded in
	// process (trainingRooms: pink noise, two simulated rooms, a
	// synthetic talker), each under its speaker; the figures are still
	// those of the clean clips.
	MultiCondition bool
	Only           string // "faces", "vocalisations", "words", "words-live", or "" for faces and vocalisations where their labels exist
	FaceBackend    devices.FaceBackend
	MeshEvery      int // faces: analyze's --mesh-every (0 or 1: every frame)
	// Cache is where "words" renders its synthetic speech (testdata/hour
	// in a checkout).
	Cache string
	// WordsProgress, when not nil, gives a progress line for a step of
	// "words" (total 0 when unknown); it may return nil.
	WordsProgress func(what string, total int) analysis.Progress
	// Run is `kindred run` with its arguments, which "words-live" plays
	// the hour to.
	Run func(ctx context.Context, args []string) error
}

// Run measures the classifiers on o.Devset and prints the report on
// stdout. Bad input (an unknown part, a folder without labels) is a
// badinput error.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	switch o.Only {
	case "", "faces", "vocalisations":
	case "words":
		return runWords(ctx, o, stdout)
	case "words-live":
		return runWordsLive(ctx, o, stdout)
	default:
		return badInput("--only %q: want faces, vocalisations, words or words-live", o.Only)
	}
	if o.Fit && o.Only == "faces" {
		return badInput("--fit refits the vocalisation combiner: drop --only faces")
	}
	if o.Only != "vocalisations" && (o.MeshEvery < 1 || o.MeshEvery > face.MaxMeshEvery) { // as analyze's
		return badInput("--mesh-every %d: must be in [1, %d]", o.MeshEvery, face.MaxMeshEvery)
	}
	var faces *FaceReport
	if o.Only != "vocalisations" {
		labels, err := eval.ReadFaceLabels(o.Devset)
		switch {
		case errors.Is(err, eval.ErrNoDevset) && o.Only == "faces":
			return badInput("%s: no faces/labels.csv (pass --devset DIR)", o.Devset)
		case errors.Is(err, eval.ErrNoDevset):
		case err != nil:
			return badInput("%v", err)
		default:
			if faces, err = evalFaces(ctx, o.Devset, labels, o.FaceBackend, o.MeshEvery); err != nil {
				return err
			}
		}
	}
	if o.Only == "faces" {
		return report(stdout, o.JSON, struct {
			Faces *FaceReport `json:"faces"`
		}{faces}, faces.print)
	}
	clips, err := eval.ReadDevset(o.Devset)
	switch {
	case errors.Is(err, eval.ErrNoDevset):
		return badInput("%s: no vocalisations/labels.csv (pass --devset DIR)", o.Devset)
	case err != nil:
		return badInput("%v", err)
	}
	clf, err := analysis.OpenClipClassifier()
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	defer clf.Close()
	recs := make([]clipRecord, 0, len(clips))
	conf, hop := eval.NewConfusion(), eval.NewConfusion()
	for _, c := range clips {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := measureClip(ctx, clf, c, filepath.Join(o.Devset, filepath.FromSlash(c.File)))
		if err != nil {
			return err
		}
		recs = append(recs, r)
		conf.Add(eval.Result{Truth: c.Class, Pred: r.Analyze.Class, Distress: r.Analyze.Distress})
		hop.Add(eval.Result{Truth: c.Class, Pred: r.Hops.Class, Distress: r.Hops.Distress})
	}
	rep := newReport(o.Devset, "kindred analyze --audio (shipped combiner)", conf)
	rep.Faces = faces
	hf := figureOf(hop)
	rep.HopClassifier = &hf
	rep.ZeroShot = zeroShot(recs)
	samples := trainingSamples(recs, clf.ClassMap())
	augmented, err := augmentSamples(ctx, clf, o.Augment)
	if err != nil {
		return err
	}
	samples = append(samples, augmented.samples...)
	if o.MultiCondition {
		talker, err := espeak.Open()
		if err != nil {
			return fmt.Errorf("eval: multi-condition fitting: %w", err)
		}
		multi, err := multiConditionSamples(ctx, clf, o.Devset, talker)
		if err != nil {
			return err
		}
		samples = append(samples, multi...)
		augmented.dirs = append(augmented.dirs, multiConditionNote()...)
	}
	rep.Augmented = augmented.dirs
	card, err := crossValidate(recs, samples, o.Devset, clf)
	switch {
	case errors.Is(err, vocalisation.ErrTooFew) && o.Fit:
		return badInput("eval: %s: cannot fit the combiner: %v", o.Devset, err)
	case errors.Is(err, vocalisation.ErrTooFew):
		rep.CombinerNote = fmt.Sprintf("not cross-validated: %v", err)
	case err != nil:
		return fmt.Errorf("eval: %w", err)
	default:
		rep.Combiners = card.Figures
		card.Augmented = augmented.dirs
	}
	if o.Fit {
		if o.Data != "" {
			card.Data = o.Data
		}
		card.Licence = o.Licence
		if err := fitCombiner(samples, card, o.Out); err != nil {
			return err
		}
		rep.Wrote = o.Out
	}
	return report(stdout, o.JSON, rep, rep.print)
}

// report writes a report to w: as indented JSON (v) when asJSON, else as
// the text print writes.
func report(w io.Writer, asJSON bool, v any, print func(io.Writer)) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(v)
	}
	print(w)
	return nil
}

// clipRecord is what eval measures of one clip: the whole-file answer of
// `kindred analyze --audio` (the shipped combiner), the answer of the
// running classifier the live robot uses (YAMNet windows judged in
// context, summarised per clip as analyze summarises hops), the clip's acoustic features and
// its YAMNet groups.
type clipRecord struct {
	eval.Clip
	Analyze, Hops perception.Vocalisation
	Acoustic      voice.SegmentFeatures
	Events        soundevents.ClipScores
	// hops and windows, to judge the clip as the running classifier
	// does with a combiner fitted without its speaker.
	hops    []voice.HopFeatures
	windows []soundevents.Window
}

// measureClip decodes one clip and analyses it as `kindred analyze
// --audio` does (without keywords, which do not change the class).
func measureClip(ctx context.Context, clf *analysis.ClipClassifier, c eval.Clip, path string) (clipRecord, error) {
	x, err := decodeClip(path)
	if err != nil {
		return clipRecord{Clip: c}, err
	}
	return measureSamples(ctx, clf, c, x, path)
}

// decodeClip reads a clip's file as 16 kHz mono samples; a file that is
// missing, unreadable or not audio is bad input.
func decodeClip(path string) ([]float32, error) {
	audio, err := wav.DecodeFile(path)
	switch {
	case errors.Is(err, wav.ErrInvalid), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return nil, badInput("eval: %v", err)
	case err != nil:
		return nil, fmt.Errorf("eval: %w", err)
	}
	return audio.Mono16k(), nil
}

// measureSamples analyses one clip's 16 kHz samples as measureClip does;
// name says which clip an error is of.
func measureSamples(ctx context.Context, clf *analysis.ClipClassifier, c eval.Clip, samples []float32, name string) (clipRecord, error) {
	r := clipRecord{Clip: c}
	events := clf.Start(ctx, samples)
	res, err := voice.AnalyzeSamples(ctx, samples, voice.DefaultOpts())
	ws, ev, everr := events()
	if err = errors.Join(err, everr); err != nil {
		return r, fmt.Errorf("eval: %s: %w", name, err)
	}
	clf.LabelHops(res, ws)
	r.Hops = perception.Vocalisation{Class: analysis.HopsClass(res), Distress: meanSoundingDistress(res.Obs)}
	r.Analyze = r.Hops
	if r.Hops.Class != perception.VocalSilence {
		r.Analyze, _ = clf.Classify(res.Hops, ws)
	}
	r.Acoustic = voice.ClipFeatures(res.Hops)
	r.Events = ev
	r.hops, r.windows = res.Hops, ws
	return r, nil
}

// meanSoundingDistress is the mean distress of the hops that are not
// silence: a clip's distress as the running classifier tells fusion, which
// averages the hops of its last seconds (the 90th percentile analyze
// reports for a file counts one bad window of a clip in full).
func meanSoundingDistress(obs []perception.VoiceObs) float64 {
	var sum, n float64
	for _, o := range obs {
		if o.Vocalisation.Class != perception.VocalSilence {
			sum += o.Vocalisation.Distress
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// zeroShotLevel is the group score the models README counts a clip at.
const zeroShotLevel = 0.2

// zeroShot is, per labelled class, the share of clips whose largest
// moan-, cry- or scream-like YAMNet group reaches zeroShotLevel in some
// window: YAMNet's distress evidence out of the box.
func zeroShot(recs []clipRecord) map[string]float64 {
	hit, n := map[string]int{}, map[string]int{}
	for _, r := range recs {
		n[r.Class]++
		m := r.Events.Max
		if max(m[soundevents.GroupMoan], m[soundevents.GroupCry], m[soundevents.GroupScream]) >= zeroShotLevel {
			hit[r.Class]++
		}
	}
	out := map[string]float64{}
	for c, k := range n {
		out[c] = float64(hit[c]) / float64(k)
	}
	return out
}

// Report is `kindred eval --json`.
type Report struct {
	Devset     string                    `json:"devset"`
	Classifier string                    `json:"classifier"`
	Clips      int                       `json:"clips"`
	Confusion  map[string]map[string]int `json:"confusion"` // labelled class → our class → clips
	Classes    []evalClass               `json:"classes"`
	Precision  map[string]float64        `json:"precision"` // our class → share
	Distress   evalDistress              `json:"distress"`
	// Combiners are the cross-validated figures of the combiner on each
	// feature set (acoustic, yamnet, combined).
	// HopClassifier is the running classifier's figure (the live robot's,
	// and analyze's before the combiner).
	HopClassifier *vocalisation.Figure           `json:"hop_classifier,omitempty"`
	Combiners     map[string]vocalisation.Figure `json:"combiners,omitempty"`
	CombinerNote  string                         `json:"combiner_note,omitempty"`
	// Augmented are the folders of degraded copies that joined the fits.
	Augmented []string `json:"augmented,omitempty"`
	Wrote     string   `json:"wrote,omitempty"`
	// ZeroShot is, per labelled class, the share of clips where YAMNet's
	// largest moan/cry/scream group reaches 0.2.
	ZeroShot map[string]float64 `json:"yamnet_zero_shot"`
	// Faces are the face figures, when the folder has face labels.
	Faces *FaceReport `json:"faces,omitempty"`
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

func newReport(dir, classifier string, c *eval.Confusion) *Report {
	r := &Report{Devset: dir, Classifier: classifier, Confusion: map[string]map[string]int{}, Precision: map[string]float64{}}
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

func (r *Report) print(w io.Writer) {
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
	if h := r.HopClassifier; h != nil {
		fmt.Fprintf(w, "running classifier (live robot, per window; clip = most frequent class, mean distress of its sounding hops): macro recall %.2f, distress on positives %.1f %%, false alarms %.1f %%\n", h.MacroRecall, 100*h.Recognised, 100*h.FalseAlarms)
	}
	fmt.Fprintln(w, "(on the folder the shipped combiner was fitted on, the figures above are in-sample; the cross-validated ones below are for unseen speakers)")
	if r.Combiners == nil {
		fmt.Fprintf(w, "\ncombiner: %s\n", r.CombinerNote)
	} else {
		r.printCombiners(w)
	}
	if len(r.Augmented) > 0 {
		fmt.Fprintf(w, "fits also trained on the degraded copies in %s (same speakers, same folds; figures on the clean clips)\n", strings.Join(r.Augmented, ", "))
	}
	if r.Wrote != "" {
		also := ""
		if len(r.Augmented) > 0 {
			also = " and their degraded copies"
		}
		fmt.Fprintf(w, "wrote the combiner fitted on all %d clips%s to %s\n", r.Clips, also, r.Wrote)
	}
	fmt.Fprintf(w, "\nYAMNet zero-shot: share of clips whose largest moan/cry/scream group reaches %.1f\n", zeroShotLevel)
	for _, c := range r.Classes {
		fmt.Fprintf(w, "  %-16s %5.0f %%\n", c.Class, 100*r.ZeroShot[c.Class])
	}
	if r.Faces != nil {
		fmt.Fprintln(w)
		r.Faces.print(w)
	}
}

func (r *Report) printCombiners(w io.Writer) {
	fmt.Fprintf(w, "\ncombiner, %d speaker-disjoint folds (each clip judged by a fit that never heard its speaker)\n", combinerFolds)
	fmt.Fprintf(w, "%-9s %6s %6s %6s", "features", "macro", "recog%", "false%")
	for _, c := range r.Classes {
		fmt.Fprintf(w, " %6.6s", c.Class)
	}
	fmt.Fprintln(w)
	for _, set := range featureSets {
		f := r.Combiners[set.name]
		fmt.Fprintf(w, "%-9s %6.2f %6.1f %6.1f", set.name, f.MacroRecall, 100*f.Recognised, 100*f.FalseAlarms)
		for _, c := range r.Classes {
			if v, ok := f.Recall[c.Class]; ok {
				fmt.Fprintf(w, " %6.2f", v)
			} else {
				fmt.Fprintf(w, " %6s", "-")
			}
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "%-9s %20s", "", "distress share")
		for _, c := range r.Classes {
			fmt.Fprintf(w, " %6.2f", f.Distress[c.Class])
		}
		fmt.Fprintln(w)
	}
	if f, ok := r.Combiners["running"]; ok {
		fmt.Fprintf(w, "%-9s %6.2f %6.1f %6.1f", "running", f.MacroRecall, 100*f.Recognised, 100*f.FalseAlarms)
		for _, c := range r.Classes {
			if v, ok := f.Recall[c.Class]; ok {
				fmt.Fprintf(w, " %6.2f", v)
			} else {
				fmt.Fprintf(w, " %6s", "-")
			}
		}
		fmt.Fprintf(w, "\n%-9s %20s", "", "distress share")
		for _, c := range r.Classes {
			fmt.Fprintf(w, " %6.2f", f.Distress[c.Class])
		}
		fmt.Fprintln(w, "\n(running: the live robot's window-by-window classifier, combined features, clip = most frequent class and mean distress)")
	}
	fmt.Fprintf(w, "(macro: mean recall over mapped classes; recog: moaning+crying+screaming called distress; false: negatives called distress)\n")
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// combinerFolds is how many speaker-disjoint folds eval uses.
const combinerFolds = 5

// featureSets are the combiner's inputs eval compares: the combination
// must beat each part alone.
var featureSets = []struct {
	name     string
	features []string
}{
	{"acoustic", vocalisation.AcousticFeatures},
	{"yamnet", vocalisation.EventFeatures},
	{"combined", vocalisation.AllFeatures},
}

// trainingSamples are what the combiner is fitted on
// (vocalisation.TrainingSamples): every clip whole, in the order of recs,
// then the running classifier's contexts of each clip.
func trainingSamples(recs []clipRecord, cm *soundevents.ClassMap) []vocalisation.Sample {
	out := make([]vocalisation.Sample, len(recs))
	var contexts []vocalisation.Sample
	for i, r := range recs {
		// Unmapped classes (yawning, sneezing, …) are fitted as one
		// "other": split into their own labels they pulled moans away
		// (cross-validated moans called distress 69 % against 71 %).
		// Only those of vocalisation.FittedApart (throat-clearing) keep
		// their own label.
		s := vocalisation.TrainingSamples(cm, r.hops, r.windows, vocalisation.Label(eval.Target(r.Class), r.Class), r.Speaker)
		out[i] = s[0]
		contexts = append(contexts, s[1:]...)
	}
	return append(out, contexts...)
}

// augmented are the fitting samples of the degraded copies --augment
// names, and the folders they came from.
type augmented struct {
	dirs    []string
	samples []vocalisation.Sample
}

// augmentSamples measures every clip of each folder in dirs (comma-
// separated) and gives its training samples, as trainingSamples gives the
// clean clips'. Training on copies degraded by reverberation and noise
// makes a classifier lean less on what a room changes (Ko et al. 2017,
// "A study on data augmentation of reverberant speech for robust speech
// recognition", ICASSP). A folder without labels is bad input.
func augmentSamples(ctx context.Context, clf *analysis.ClipClassifier, dirs string) (augmented, error) {
	var out augmented
	if strings.TrimSpace(dirs) == "" {
		return out, nil
	}
	for _, dir := range strings.Split(dirs, ",") {
		dir = strings.TrimSpace(dir)
		clips, err := eval.ReadDevset(dir)
		switch {
		case errors.Is(err, eval.ErrNoDevset):
			return out, badInput("--augment %s: no vocalisations/labels.csv (write one with scripts/degrade-devset.sh)", dir)
		case err != nil:
			return out, badInput("--augment: %v", err)
		}
		recs := make([]clipRecord, 0, len(clips))
		for _, c := range clips {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			r, err := measureClip(ctx, clf, c, filepath.Join(dir, filepath.FromSlash(c.File)))
			if err != nil {
				return out, err
			}
			recs = append(recs, r)
		}
		out.dirs = append(out.dirs, dir)
		out.samples = append(out.samples, trainingSamples(recs, clf.ClassMap())...)
	}
	return out, nil
}

// crossValidate measures the combiner on each feature set with
// speaker-disjoint folds and returns the figures as a model card. Only
// the first len(recs) samples (the clips whole) are judged; samples after
// them (contexts, degraded copies) only join the fits.
//
// The "running" figure is the live robot's classifier on unseen speakers:
// per fold, the combiner fitted on the other folds' clips judges the
// held-out clips window by window (vocalisation.LabelHops), each clip
// summarised as its most frequent sounding class and mean distress.
// samples are trainingSamples(recs): each fold is fitted on the other
// folds' clips and contexts, and judges its own clips whole.
func crossValidate(recs []clipRecord, samples []vocalisation.Sample, dir string, clf *analysis.ClipClassifier) (*vocalisation.Card, error) {
	card := &vocalisation.Card{Data: dir, Clips: map[string]int{}, Folds: combinerFolds, Figures: map[string]vocalisation.Figure{}}
	for _, r := range recs {
		card.Clips[r.Class]++
	}
	for _, set := range featureSets {
		pred, err := vocalisation.CrossValidate(samples, set.features, combinerFolds, vocalisation.DefaultFitOpts())
		if err != nil {
			return nil, err
		}
		conf := eval.NewConfusion()
		for i, r := range recs {
			conf.Add(eval.Result{Truth: r.Class, Pred: pred[i].Class, Distress: pred[i].Distress})
		}
		card.Figures[set.name] = figureOf(conf)
	}
	running, err := crossValidateRunning(recs, samples, clf)
	if err != nil {
		return nil, err
	}
	card.Figures["running"] = figureOf(running)
	return card, nil
}

func crossValidateRunning(recs []clipRecord, samples []vocalisation.Sample, clf *analysis.ClipClassifier) (*eval.Confusion, error) {
	speakers := make([]string, len(samples))
	for i, s := range samples {
		speakers[i] = s.Speaker
	}
	fold := vocalisation.Folds(speakers, combinerFolds)
	conf := eval.NewConfusion()
	for f := range combinerFolds {
		var train []vocalisation.Sample
		for _, s := range samples {
			if fold[s.Speaker] != f {
				train = append(train, s)
			}
		}
		m, err := vocalisation.Fit(train, vocalisation.AllFeatures, vocalisation.DefaultFitOpts())
		if err != nil {
			return nil, fmt.Errorf("vocalisation: fold %d: %w", f, err)
		}
		for _, r := range recs {
			if fold[r.Speaker] == f {
				conf.Add(judgeRunning(m, clf.ClassMap(), r))
			}
		}
	}
	return conf, nil
}

// judgeRunning is a clip as the running classifier judges it with m:
// its most frequent sounding class and the mean distress of its sounding
// hops.
func judgeRunning(m *vocalisation.Model, cm *soundevents.ClassMap, r clipRecord) eval.Result {
	labels := vocalisation.LabelHops(m, cm, r.hops, r.windows)
	obs := make([]perception.VoiceObs, len(labels))
	counts := map[perception.VocalClass]int{}
	for i, l := range labels {
		obs[i].Vocalisation = l
		if l.Class != perception.VocalSilence {
			counts[l.Class]++
		}
	}
	class, best := perception.VocalSilence, 0
	for _, c := range allVocalClasses {
		if counts[c] > best {
			class, best = c, counts[c]
		}
	}
	return eval.Result{Truth: r.Class, Pred: class, Distress: meanSoundingDistress(obs)}
}

func figureOf(c *eval.Confusion) vocalisation.Figure {
	f := vocalisation.Figure{Recall: map[string]float64{}, Distress: map[string]float64{}, MacroRecall: c.MacroRecall()}
	for _, t := range c.Truths() {
		if r, ok := c.Recall(t); ok {
			f.Recall[t] = r
		}
		f.Distress[t], _ = c.DistressShare(t)
	}
	f.Recognised, _ = c.DistressOver(eval.DistressPositives)
	f.FalseAlarms, _ = c.DistressOver(eval.DistressNegatives)
	return f
}

// fitCombiner fits the combiner on every clip and its contexts
// (trainingSamples) with all features and writes it, with its card, to
// path.
func fitCombiner(samples []vocalisation.Sample, card *vocalisation.Card, path string) error {
	m, err := vocalisation.Fit(samples, vocalisation.AllFeatures, vocalisation.DefaultFitOpts())
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	m.Card = card
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return badInput("eval: --out: %v", err)
	}
	return nil
}
