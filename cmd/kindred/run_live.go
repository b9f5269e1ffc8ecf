package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/keywords"
	"github.com/kindred-hri/kindred/perception/microphone"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/sessiontime"
)

// openLive opens what `kindred run` watches and listens to: a video file
// now (a bad file is bad input), the camera and microphone each time the
// companion asks (at start and after the person opts back in), and the
// face and voice stages. Files are paced on the session clock.
func openLive(comp *companion.Companion, f runFlags, backend faceBackend, meshRate float64, turnedEvery int, scale *sessiontime.Clock) (companion.Live, error) {
	in := companion.Live{
		Faces: func(baseline func(track int) *face.Baseline) (companion.FaceStage, func(), error) {
			s := devices.FaceSchedule{DetectEvery: face.DefaultOpts().DetectEvery, MeshRate: meshRate, TurnedEvery: turnedEvery}
			if turnedEvery == 0 {
				s.TurnedEvery = -1 // face_turned_every: 0 is never
			}
			return openFacePipelineWith(s, backend, baseline, comp.VoiceDistressed)
		},
		Voice: func(live bool) (companion.VoiceStage, func(), error) { return openListener(comp, live, scale) },
		For:   f.forDur.d,
	}
	switch {
	case f.video != "":
		src, err := openVideoFile(f.video)
		if err != nil {
			return in, err
		}
		in.VideoFile, in.CloseVideo = src, func() { src.Close() }
	case f.camera >= 0:
		in.Camera = func(events chan<- perception.Event) (face.FrameSource, func(), error) {
			co := camera.DefaultCameraOpts()
			co.Origin = scale.Origin() // a camera reopened after an opt-in goes on in the run's time
			cam, err := camera.OpenCamera(f.camera, co, events)
			if err != nil {
				return nil, nil, err
			}
			return cam, func() { cam.Close() }, nil
		}
	}
	switch {
	case f.audio != "":
		samples, err := readAudioFile(f.audio)
		if err != nil {
			return in, err
		}
		in.AudioFile = voice.NewPaced(voice.NewSliceSource(samples), scale)
	case f.mic != "":
		in.Mic = func() (voice.AudioSource, func(), error) {
			o := microphone.DefaultOpts()
			o.Name = f.mic
			mic, err := microphone.Open(o)
			if err != nil {
				return nil, nil, err
			}
			return mic, func() { mic.Close() }, nil
		}
	}
	return in, nil
}

// openListener builds voice analysis with keyword spotting. A live
// microphone starts from the noise floor `kindred calibrate mic` measured,
// when there is one; otherwise the floor is learnt in silence.
func openListener(comp *companion.Companion, live bool, scale *sessiontime.Clock) (companion.VoiceStage, func(), error) {
	o := voice.DefaultOpts()
	if live {
		o.Origin = scale.Origin() // a microphone's time is the camera's and the run's
		if path, err := calibration.DefaultMicNoisePath(); err == nil {
			if err := micNoiseOpts(&o, path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				comp.NoteFault("microphone calibration", err)
			}
		}
	}
	closeWords := func() {}
	sp, err := keywords.New(keywords.DefaultOpts())
	if err != nil {
		comp.NoteFault("keywords", err) // voice measures go on without words
	} else {
		closeWords = func() { sp.Close() }
		o.Keywords = sp
	}
	// The live scorer stops when the listener is closed (Live.Close).
	closeVocal := func() {}
	if lv, stop, err := analysis.StartLiveVocal(context.Background(), func(err error) { comp.NoteFault("sound events", err) }); err != nil {
		comp.NoteFault("sound events", err) // the per-hop classifier stands in
	} else {
		closeVocal = stop
		if !live {
			lv.Played() // a file's hops are labelled by its audio, not by how far the scorer got
		}
		o.Labeller = lv
	}
	closeAll := func() { closeVocal(); closeWords() }
	an, err := voice.NewAnalyzer(o)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	return an, closeAll, nil
}

func openVideoFile(path string) (camera.Source, error) {
	src, err := camera.OpenFile(path, 0)
	if errors.Is(err, camera.ErrNotMedia) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, badInput("--video %s: %v", path, strings.TrimPrefix(err.Error(), "camera: "))
	}
	if err != nil {
		return nil, fmt.Errorf("--video %s: %w", path, err)
	}
	return src, nil
}

func readAudioFile(path string) ([]float32, error) {
	a, err := wav.DefaultOpts().DecodeFileMono16k(path)
	if errors.Is(err, wav.ErrInvalid) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return nil, badInput("--audio %s: %v", path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("--audio %s: %w", path, err)
	}
	return a.Samples, nil
}
