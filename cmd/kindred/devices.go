package main

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/pose"
	"io"

	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"
)

// openVoice opens speech synthesis and the speaker. Without an audio output
// the robot speaks silently (the mouth still moves) and says so once.
func openVoice(log io.Writer) (voices.Synthesizer, voices.Player, error) {
	synth, err := espeak.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("speech synthesis: %w (run kindred doctor)", err)
	}
	pl, err := playback.Open()
	if err != nil {
		fmt.Fprintf(log, "kindred: %v (kindred doctor explains more)\n", err)
		return synth, voices.SilentPlayer{}, nil
	}
	return synth, pl, nil
}

// faceBackend names the face models openFacePipeline runs, for reports
// (kindred eval prints it beside its face figures).
const faceBackend = "dlib HOG detector + 68-point shape predictor"

// openFacePipeline builds the face stack every command shares: dlib's HOG
// detector (a half-size scan first, the full-size scan only when it finds
// nothing, so a small, far face is still found at a quarter of the cost),
// its 68-point landmarks, and solvePnP head pose. The 100 MB shape model
// loads (about 1 s) while the detector is built (about 0.4 s).
func openFacePipeline(detectEvery int) (*face.Pipeline, func(), error) {
	return openFacePipelineWith(detectEvery, nil, nil)
}

// openFacePipelineWith scores each face against the calibrated neutral
// face baseline gives for its track, when it gives one (baseline may be
// nil), instead of learning one per face; distressed (may be nil) says when
// the voice sounded distressed, so the face is not learnt as calm then.
func openFacePipelineWith(detectEvery int, baseline func(track int) *face.Baseline, distressed func(at time.Duration) bool) (*face.Pipeline, func(), error) {
	type loaded struct {
		lm  *dlib.Landmarker
		err error
	}
	model := make(chan loaded, 1)
	go func() {
		lm, err := dlib.OpenLandmarker(dlib.DefaultModel)
		model <- loaded{lm, err}
	}()
	fine := dlib.NewDetector(dlib.DefaultDetectorOpts)
	m := <-model
	if m.err != nil {
		fine.Close()
		return nil, nil, fmt.Errorf("face: %w (apt-get install libdlib-data)", m.err)
	}
	o := face.DefaultOpts
	o.DetectEvery = detectEvery
	o.BaselineFor = baseline
	o.Distressed = distressed
	pipe, err := face.NewPipeline(face.Fallback{First: fine.Shrunk(320), Then: fine}, m.lm, pose.New(), o)
	if err != nil {
		fine.Close()
		m.lm.Close()
		return nil, nil, fmt.Errorf("face pipeline: %w", err)
	}
	return pipe, func() { fine.Close(); m.lm.Close() }, nil
}
