package main

import (
	"fmt"

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

// openFacePipeline builds the face stack: dlib's HOG detector and 68-point
// landmarks, and solvePnP head pose. The model loads once (about 1 s).
func openFacePipeline(detectEvery int) (*face.Pipeline, func(), error) {
	lm, err := dlib.OpenLandmarker(dlib.DefaultModel)
	if err != nil {
		return nil, nil, fmt.Errorf("face: %w (apt-get install libdlib-data)", err)
	}
	det := dlib.NewDetector(dlib.DefaultDetectorOpts)
	o := face.DefaultOpts
	o.DetectEvery = detectEvery
	pipe, err := face.NewPipeline(det, lm, pose.New(), o)
	if err != nil {
		det.Close()
		lm.Close()
		return nil, nil, fmt.Errorf("face: %w", err)
	}
	return pipe, func() { det.Close(); lm.Close() }, nil
}
