package analysis

import (
	"context"
	"fmt"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/soundevents/yamnet"
	"github.com/kindred-hri/kindred/perception/vocalisation"
	"github.com/kindred-hri/kindred/perception/voice"
)

// ClipClassifier names a whole recording's vocalisation: YAMNet runs on
// its own goroutine while the voice analysis runs on the caller's, and the
// shipped combiner weighs both (perception/vocalisation, MODEL_CARD.md).
type ClipClassifier struct {
	net   *yamnet.Net
	cm    *soundevents.ClassMap
	model *vocalisation.Model
}

func OpenClipClassifier() (*ClipClassifier, error) {
	cm, err := soundevents.ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		return nil, err
	}
	model, err := vocalisation.Default()
	if err != nil {
		return nil, err
	}
	net, err := yamnet.Open()
	if err != nil {
		return nil, err
	}
	return &ClipClassifier{net: net, cm: cm, model: model}, nil
}

func (c *ClipClassifier) Close() error { return c.net.Close() }

// Start scores samples on another goroutine; the returned function waits
// for the windows and the clip's group scores.
func (c *ClipClassifier) Start(ctx context.Context, samples []float32) func() ([]soundevents.Window, soundevents.ClipScores, error) {
	wait := soundevents.ScoreAll(ctx, c.net, samples)
	return func() ([]soundevents.Window, soundevents.ClipScores, error) {
		ws, err := wait()
		if err != nil {
			return nil, soundevents.ClipScores{}, fmt.Errorf("sound events: %w", err)
		}
		return ws, c.cm.Clip(ws), nil
	}
}

// LabelHops gives each hop of a recording the running classifier's class
// and distress (the window centred nearest it, judged with the windows
// before it), as the voice CSV and the live robot see it.
func (c *ClipClassifier) LabelHops(res *voice.Analysis, ws []soundevents.Window) {
	labels := vocalisation.LabelHops(c.model, c.cm, res.Hops, ws)
	for i := range res.Obs {
		if i < len(labels) {
			res.Obs[i].Vocalisation = labels[i]
		}
	}
}

// Classify gives the whole recording's class, distress and per-class
// scores from its foreground (vocalisation.ClipFeatures). A recording
// without voice activity stays silence: the combiner was never shown
// silence.
func (c *ClipClassifier) Classify(hops []voice.HopFeatures, ws []soundevents.Window) (perception.Vocalisation, map[perception.VocalClass]float64) {
	f, ok := vocalisation.ClipFeatures(c.cm, hops, ws)
	if !ok {
		return perception.Vocalisation{Class: perception.VocalSilence}, nil
	}
	return c.model.Classify(f), c.model.Scores(f)
}

// StartLiveVocal starts the running classifier of `kindred run`: YAMNet on
// its own goroutine and the combiner over its last windows, labelling the
// voice hops in place of the old per-hop classifier. A scorer failure is a
// fault and the hops fall back to that classifier; the run goes on.
func StartLiveVocal(ctx context.Context, onFault func(error)) (*vocalisation.Live, func(), error) {
	c, err := OpenClipClassifier()
	if err != nil {
		return nil, nil, err
	}
	live := vocalisation.StartLive(ctx, c.net, c.model, c.cm, onFault)
	// A scorer's failure has already reached onFault; closing the
	// network frees C memory and cannot fail in a way the run could mend.
	return live, func() { _ = live.Close(); _ = c.Close() }, nil
}

// ClassMap is how YAMNet's classes group into the combiner's features.
func (c *ClipClassifier) ClassMap() *soundevents.ClassMap { return c.cm }
