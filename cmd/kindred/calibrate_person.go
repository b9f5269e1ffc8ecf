package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/posture"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// calibratePerson observes a person at rest for about 20 s and stores their
// baselines (numbers only, never images or sound):
//
//	kindred calibrate person --name NAME [--seconds 20]
//	    [--video FILE | --camera N | --scenario NAME|FILE] [--audio FILE] [--dir DIR]
func calibratePerson(ctx context.Context, e env, args []string) error {
	fl := newFlags("calibrate person", e.stdout)
	name := fl.String("name", "", "the person's display name (the id is derived from it)")
	seconds := fl.Float64("seconds", 20, "how long to observe the person at rest")
	video := fl.String("video", "", "observe a video file of the person")
	cam := fl.Int("camera", -1, "observe camera N")
	audio := fl.String("audio", "", "observe a WAV file of the person's voice")
	scen := fl.String("scenario", "", "observe a scripted person: a built-in scenario's calm start, or a scenario file")
	backend := defaultFaceBackend
	fl.Var(&backend, "face-backend", faceBackendUsage)
	dir := fl.String("dir", "", "where person profiles are stored (default: the user config dir, kindred/persons)")
	if err := fl.parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return badInput("calibrate person: unexpected argument %q", fl.Arg(0))
	}
	if calibration.PersonID(*name) == "" {
		return badInput("calibrate person: --name is required and needs letters or digits")
	}
	if !(*seconds >= 2 && *seconds <= 600) {
		return badInput("calibrate person: --seconds %v outside 2..600", *seconds)
	}
	sources := 0
	for _, set := range []bool{*video != "", *cam >= 0, *scen != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return badInput("calibrate person: use only one of --video, --camera and --scenario")
	}
	if *scen != "" && *audio != "" {
		return badInput("calibrate person: --scenario brings its own voice; drop --audio")
	}
	if sources == 0 && *audio == "" {
		return badInput("calibrate person: say what to observe: --camera N, --video FILE, --audio FILE or --scenario NAME")
	}
	storeDir := *dir
	if storeDir == "" {
		d, err := calibration.DefaultPersonDir()
		if err != nil {
			return err
		}
		storeDir = d
	}
	span := time.Duration(*seconds * float64(time.Second))

	obs := &personObservations{backend: backend}
	var what []string
	switch {
	case *scen != "":
		s, err := scenario.Load(*scen)
		if errors.Is(err, scenario.ErrBadScenario) {
			return badInput("%w", err)
		}
		if err != nil {
			return err
		}
		// A scripted person need not be waited for: step, do not pace.
		scenario.NewPlayer(s).Step(span, obs, false)
		what = append(what, "scenario "+s.Name)
	case *video != "":
		src, err := camera.OpenVideo(*video)
		if errors.Is(err, camera.ErrNotMedia) || errors.Is(err, fs.ErrNotExist) {
			return badInput("calibrate person: --video %s: %w", *video, err)
		}
		if err != nil {
			return err
		}
		defer src.Close()
		if err := obs.watch(ctx, src, span); err != nil {
			return err
		}
		what = append(what, "video "+*video)
	case *cam >= 0:
		src, err := camera.OpenCamera(*cam, camera.DefaultCameraOpts(), nil)
		if err != nil {
			return fmt.Errorf("calibrate person: camera %d: %w", *cam, err)
		}
		defer src.Close()
		fmt.Fprintf(e.stderr, "observing camera %d for %v: please sit calmly, look at the robot and chat normally\n", *cam, span)
		if err := obs.watch(ctx, src, span); err != nil {
			return err
		}
		what = append(what, fmt.Sprintf("camera %d", *cam))
	}
	if *audio != "" {
		if err := obs.listen(ctx, *audio, span); err != nil {
			return err
		}
		what = append(what, "audio "+*audio)
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	p, err := calibration.BuildPerson(*name, obs.faces, obs.voices, obs.postures)
	if errors.Is(err, calibration.ErrNotCalm) || errors.Is(err, calibration.ErrNoObservations) {
		return badInput("calibrate person: %s: %w", strings.Join(what, " + "), err)
	}
	if err != nil {
		return err
	}
	// The calm half of the frames, as analyze ranks them (face.NeutralOf):
	// the live labels are read against the population's face until the
	// person was seen calm, and cannot pick the calm frames themselves.
	fo := face.DefaultOpts()
	if calm := face.LeastExpressive(obs.geometry, 0.5, &fo); len(obs.geometry) > 0 {
		if err := p.SetFaceGeometry(calm); err != nil {
			fmt.Fprintf(e.stderr, "kindred calibrate person: no neutral face geometry stored: %v\n", err)
		}
	}
	p.Created = time.Now().UTC().Truncate(time.Second)
	p.Source = strings.Join(what, " + ")
	store := calibration.NewPersonStore(storeDir)
	if err := store.Save(p); err != nil {
		return err
	}
	geometry := 0
	if p.FaceGeometry != nil {
		geometry = p.FaceGeometry.Frames
	}
	fmt.Fprintf(e.stdout, "saved %s (%s) in %s: %.0f s observed; face %d frames (%d with neutral geometry), resting PSPI %.1f; voice %d voiced hops, F0 %.0f±%.0f Hz; movement %d samples, breathing %.0f/min\n",
		p.Name, p.ID, store.Dir(), p.Seconds, p.Face.Frames, geometry, p.Face.PSPI, p.Voice.Hops, p.Voice.F0Mean, p.Voice.F0SD,
		p.Movement.Samples, p.Movement.BreathingRate)
	return nil
}

// personObservations collects what a source shows of the person, as plain values.
type personObservations struct {
	geometry []face.Features // faces with landmarks, measured
	faces    []perception.FaceObs
	voices   []perception.VoiceObs
	postures []perception.PostureObs
	backend  faceBackend // the face models that watch
}

func (o *personObservations) Face(f perception.FaceObs)       { o.faces = append(o.faces, f) }
func (o *personObservations) Voice(v perception.VoiceObs)     { o.voices = append(o.voices, v) }
func (o *personObservations) Posture(p perception.PostureObs) { o.postures = append(o.postures, p) }
func (o *personObservations) Event(perception.Event)          {}

// watch runs the face pipeline and the movement analyser over span of
// frames. The first posture window is left out: it has not seen enough
// movement yet to say anything.
func (o *personObservations) watch(ctx context.Context, src face.FrameSource, span time.Duration) error {
	pipe, closeFace, err := openFacePipeline(face.DefaultOpts().DetectEvery, o.backend)
	if err != nil {
		return fmt.Errorf("calibrate person: %w", err)
	}
	defer closeFace()
	popts := posture.DefaultOpts()
	moves, err := posture.New(popts)
	if err != nil {
		return fmt.Errorf("calibrate person: %w", err)
	}
	var start time.Duration = -1
	for {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) || ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("calibrate person: %w", err)
		}
		if start < 0 {
			start = f.At
		}
		if f.At-start > span {
			return nil
		}
		var attended *perception.FaceObs
		if faces := pipe.Process(f); len(faces) > 0 {
			attended = &faces[0] // the largest face: the person in front of the robot
			o.faces = append(o.faces, faces[0])
			if a := attended; a.HasLandmarks && a.Confidence >= 0.5 {
				if g, ok := face.MeasureObs(f.Gray, a); ok {
					o.geometry = append(o.geometry, g)
				}
			}
		}
		p := moves.Update(f, attended)
		if f.At-start >= popts.Window {
			o.postures = append(o.postures, p)
		}
	}
}

// listen analyses the first span of a WAV file's voice.
func (o *personObservations) listen(ctx context.Context, path string, span time.Duration) error {
	a, err := wav.DefaultOpts().DecodeFileMono16k(path)
	if errors.Is(err, wav.ErrInvalid) || errors.Is(err, fs.ErrNotExist) {
		return badInput("calibrate person: --audio %s: %w", path, err)
	}
	if err != nil {
		return fmt.Errorf("calibrate person: %w", err)
	}
	samples := a.Samples
	if n := int(span.Seconds() * wav.AnalysisRate); len(samples) > n {
		samples = samples[:n]
	}
	res, err := voice.AnalyzeSamples(ctx, samples, voice.DefaultOpts())
	if err != nil {
		return fmt.Errorf("calibrate person: %s: %w", path, err)
	}
	o.voices = append(o.voices, res.Obs...)
	return nil
}
