package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/keywords"
	"github.com/kindred-hri/kindred/perception/microphone"
	"github.com/kindred-hri/kindred/perception/posture"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// startLive feeds the companion from a camera or video file and a
// microphone or audio file. Each modality runs on its own: a camera that is
// missing or lost leaves voice running, and the other way round. Files are
// played at the run's speed; when every file has ended the session ends.
func startLive(ctx context.Context, comp *companion, f runFlags, cfg runConfig, done context.CancelFunc) error {
	events := make(chan perception.Event, 32)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case e := <-events:
				comp.Event(e)
			}
		}
	})
	gate := newSensorGate()
	comp.onSensors = append(comp.onSensors, gate.set)

	var files sync.WaitGroup
	switch {
	case f.video != "":
		src, err := openVideoFile(f.video)
		if err != nil {
			return err
		}
		files.Add(1)
		g.Go(func() error {
			defer files.Done()
			defer src.Close()
			return watchVideo(ctx, paced(src, cfg.Speed), comp, events)
		})
	case f.camera >= 0:
		g.Go(func() error {
			// The camera is closed while the person has opted out.
			return gate.whileOn(ctx, func(ctx context.Context) error {
				cam, err := camera.OpenCamera(f.camera, camera.DefaultCameraOpts, events)
				if err != nil {
					comp.noteFault("camera", err)
					return nil // voice and posture go on; a later opt-in tries again
				}
				defer cam.Close()
				return watchVideo(ctx, cam, comp, events)
			})
		})
	}
	switch {
	case f.audio != "":
		samples, err := readAudioFile(f.audio)
		if err != nil {
			return err
		}
		src, err := voice.NewPaced(voice.NewSliceSource(samples), cfg.Speed)
		if err != nil {
			return err
		}
		files.Add(1)
		g.Go(func() error {
			defer files.Done()
			return listen(ctx, src, false, comp, events)
		})
	case f.mic != "":
		g.Go(func() error {
			return gate.whileOn(ctx, func(ctx context.Context) error {
				o := microphone.DefaultOpts()
				o.Name = f.mic
				mic, err := microphone.Open(o)
				if err != nil {
					comp.noteFault("microphone", err)
					return nil
				}
				defer mic.Close()
				return listen(ctx, mic, true, comp, events)
			})
		})
	}
	if f.video != "" || f.audio != "" {
		g.Go(func() error {
			files.Wait()
			if (f.camera < 0 || f.video != "") && (f.mic == "" || f.audio != "") {
				done() // only files: the session ends with them
			}
			return nil
		})
	}
	return g.Wait()
}

// watchVideo runs the face pipeline and movement analysis on frames.
func watchVideo(ctx context.Context, src face.FrameSource, comp *companion, events chan<- perception.Event) error {
	pipe, closeFace, err := openFacePipelineWith(face.DefaultOpts.DetectEvery, comp.faceBaselineFor, comp.voiceDistressed)
	if err != nil {
		comp.noteFault("face", err)
		return nil
	}
	defer closeFace()
	moves, err := posture.New(posture.DefaultOpts())
	if err != nil {
		return err
	}
	tee := &lastFrame{src: src}
	err = pipe.Run(ctx, tee, func(faces []perception.FaceObs) {
		var attended *perception.FaceObs
		if len(faces) > 0 {
			attended = &faces[0]
			comp.Face(faces[0])
		}
		comp.Posture(moves.Update(tee.frame, attended))
	}, events)
	if err != nil && ctx.Err() == nil {
		comp.noteFault("video", err)
	}
	return nil
}

// listen runs voice analysis and keyword spotting on an audio source. A
// live microphone starts from the noise floor `kindred calibrate mic`
// measured, when there is one; otherwise the floor is learnt in silence.
func listen(ctx context.Context, src voice.AudioSource, live bool, comp *companion, events chan<- perception.Event) error {
	o := voice.DefaultOpts()
	if live {
		if path, err := calibration.DefaultMicNoisePath(); err == nil {
			if err := micNoiseOpts(&o, path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				comp.noteFault("microphone calibration", err)
			}
		}
	}
	sp, err := keywords.New(keywords.DefaultOpts())
	if err != nil {
		comp.noteFault("keywords", err) // voice measures go on without words
	} else {
		defer sp.Close()
		o.Keywords = sp
	}
	an, err := voice.NewAnalyzer(o)
	if err != nil {
		return err
	}
	if err := an.Run(ctx, src, comp.Voice, events); err != nil && ctx.Err() == nil {
		comp.noteFault("audio", err)
	}
	return nil
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

// lastFrame remembers the frame the pipeline is working on, so movement
// analysis sees the same frame as the face it is anchored to. Pipeline.Run
// calls Next and then out on one goroutine.
type lastFrame struct {
	src   face.FrameSource
	frame perception.Frame
}

func (l *lastFrame) Next(ctx context.Context) (perception.Frame, error) {
	f, err := l.src.Next(ctx)
	l.frame = f
	return f, err
}

// pacedVideo releases a file's frames at their media time scaled by speed,
// as a camera would deliver them.
type pacedVideo struct {
	src   face.FrameSource
	speed float64
	start time.Time
}

func paced(src face.FrameSource, speed float64) *pacedVideo {
	return &pacedVideo{src: src, speed: speed}
}

func (p *pacedVideo) Next(ctx context.Context) (perception.Frame, error) {
	f, err := p.src.Next(ctx)
	if err != nil {
		return f, err
	}
	if p.start.IsZero() {
		p.start = time.Now()
	}
	if err := waitUntil(ctx, p.start.Add(time.Duration(float64(f.At)/p.speed))); err != nil {
		return f, err
	}
	f.Wall = time.Now()
	return f, nil
}

func waitUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sensorGate closes the camera and microphone while the person has opted
// out and reopens them when they opt back in.
type sensorGate struct {
	mu      sync.Mutex
	on      bool
	changed chan struct{}
}

func newSensorGate() *sensorGate { return &sensorGate{on: true, changed: make(chan struct{})} }

func (s *sensorGate) set(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.on == on {
		return
	}
	s.on = on
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *sensorGate) state() (bool, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.on, s.changed
}

// whileOn runs use while the gate is on, cancelling it when the gate turns
// off and starting it again when it turns back on, until ctx ends.
func (s *sensorGate) whileOn(ctx context.Context, use func(ctx context.Context) error) error {
	for {
		on, changed := s.state()
		if !on {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return nil
			}
		}
		uctx, cancel := context.WithCancel(ctx)
		finished := make(chan error, 1)
		go func() { finished <- use(uctx) }()
		select {
		case <-changed:
			cancel()
			if err := <-finished; err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
		case err := <-finished:
			cancel()
			if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, io.EOF) {
				return err
			}
			// The device gave up by itself (reported as a fault); wait for
			// the next change rather than spin.
			select {
			case <-changed:
			case <-ctx.Done():
				return nil
			}
		case <-ctx.Done():
			cancel()
			<-finished
			return nil
		}
	}
}
