package main

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

// clipClassifier names a whole recording's vocalisation: YAMNet runs on
// its own goroutine while the voice analysis runs on the caller's, and the
// shipped combiner weighs both (perception/vocalisation, MODEL_CARD.md).
type clipClassifier struct {
	net   *yamnet.Net
	cm    *soundevents.ClassMap
	model *vocalisation.Model
}

func openClipClassifier() (*clipClassifier, error) {
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
	return &clipClassifier{net: net, cm: cm, model: model}, nil
}

func (c *clipClassifier) Close() error { return c.net.Close() }

// start scores samples on another goroutine; the returned function waits
// for the clip's group scores.
func (c *clipClassifier) start(ctx context.Context, samples []float32) func() (soundevents.ClipScores, error) {
	wait := soundevents.ScoreAll(ctx, c.net, samples)
	return func() (soundevents.ClipScores, error) {
		ws, err := wait()
		if err != nil {
			return soundevents.ClipScores{}, fmt.Errorf("sound events: %w", err)
		}
		return c.cm.Clip(ws), nil
	}
}

// classify gives the whole recording's class, distress and per-class
// scores. A recording without voice activity stays silence: the combiner
// was never shown silence.
func (c *clipClassifier) classify(hops []voice.HopFeatures, events soundevents.ClipScores) (perception.Vocalisation, map[perception.VocalClass]float64) {
	a := voice.ClipFeatures(hops)
	if a.ActiveFraction == 0 {
		return perception.Vocalisation{Class: perception.VocalSilence}, nil
	}
	f := vocalisation.Extract(a, events)
	return c.model.Classify(f), c.model.Scores(f)
}
