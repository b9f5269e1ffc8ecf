package observe

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

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/staged"
)

// Options say whom to observe, and from what; the kindred command fills
// them from its flags and checks that exactly one source is named.
type Options struct {
	Name        string        // the person's display name (the id is derived from it)
	Span        time.Duration // how long to observe the person at rest
	Video       string        // a video file of the person
	Camera      int           // camera N, or -1 for none
	Audio       string        // a WAV file of the person's voice
	Scenario    string        // a built-in scenario's calm start, or a scenario file
	FaceBackend devices.FaceBackend
	Dir         string // where person profiles are stored ("": the user config dir's)
}

// Person observes a person at rest for o.Span and stores their baselines
// (numbers only, never images or sound) in o.Dir, saying what it stored on
// stdout and asking the person to sit calmly on stderr. Bad input (an
// unreadable file, a person who was not calm) is a badinput error.
func Person(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	storeDir := o.Dir
	if err := staged.CheckDir(storeDir); err != nil { // before the person sits for it
		return badInput("calibrate person: --dir %s: %w", storeDir, err)
	}
	if storeDir == "" {
		d, err := calibration.DefaultPersonDir()
		if err != nil {
			return err
		}
		storeDir = d
	}
	span := o.Span

	obs := &personObservations{backend: o.FaceBackend}
	var what []string
	switch {
	case o.Scenario != "":
		s, err := scenario.Load(o.Scenario)
		if errors.Is(err, scenario.ErrBadScenario) {
			return badInput("%w", err)
		}
		if err != nil {
			return err
		}
		// A scripted person need not be waited for: step, do not pace.
		scenario.NewPlayer(s).Step(span, obs, false)
		what = append(what, "scenario "+s.Name)
	case o.Video != "":
		src, err := camera.OpenVideo(o.Video)
		if errors.Is(err, camera.ErrNotMedia) || errors.Is(err, fs.ErrNotExist) {
			return badInput("calibrate person: --video %s: %w", o.Video, err)
		}
		if err != nil {
			return err
		}
		defer src.Close()
		if err := obs.watch(ctx, src, span); err != nil {
			return err
		}
		what = append(what, "video "+o.Video)
	case o.Camera >= 0:
		src, err := camera.OpenCamera(o.Camera, camera.DefaultCameraOpts(), nil)
		if err != nil {
			return fmt.Errorf("calibrate person: camera %d: %w", o.Camera, err)
		}
		defer src.Close()
		fmt.Fprintf(stderr, "observing camera %d for %v: please sit calmly, look at the robot and chat normally\n", o.Camera, span)
		if err := obs.watch(ctx, src, span); err != nil {
			return err
		}
		what = append(what, fmt.Sprintf("camera %d", o.Camera))
	}
	if o.Audio != "" {
		if err := obs.listen(ctx, o.Audio, span); err != nil {
			return err
		}
		what = append(what, "audio "+o.Audio)
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	p, err := calibration.BuildPerson(o.Name, obs.faces, obs.voices, obs.postures)
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
			fmt.Fprintf(stderr, "kindred calibrate person: no neutral face geometry stored: %v\n", err)
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
	fmt.Fprintf(stdout, "saved %s (%s) in %s: %.0f s observed; face %d frames (%d with neutral geometry), resting PSPI %.1f; voice %d voiced hops, F0 %.0f±%.0f Hz; movement %d samples, breathing %.0f/min\n",
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
	backend  devices.FaceBackend // the face models that watch
}

func (o *personObservations) Face(f perception.FaceObs)       { o.faces = append(o.faces, f) }
func (o *personObservations) Voice(v perception.VoiceObs)     { o.voices = append(o.voices, v) }
func (o *personObservations) Posture(p perception.PostureObs) { o.postures = append(o.postures, p) }
func (o *personObservations) Event(perception.Event)          {}

// watch runs the face pipeline and the movement analyser over span of
// frames. The first posture window is left out: it has not seen enough
// movement yet to say anything.
func (o *personObservations) watch(ctx context.Context, src face.FrameSource, span time.Duration) error {
	pipe, closeFace, err := devices.OpenFacePipeline(face.DefaultOpts().DetectEvery, o.backend)
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
