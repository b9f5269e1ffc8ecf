package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// calibratePerson records about 20 s of a person at rest and stores their
// baselines: kindred calibrate person --name NAME [--seconds 20]
// [--video FILE | --camera N | --scenario NAME|FILE] [--audio FILE] [--dir DIR].
//
// The observations come from the scenario player for now; the live camera,
// video and audio sources are wired once the face and voice pipelines land.
func calibratePerson(ctx context.Context, e env, args []string) error {
	fs := newFlags("calibrate person", e.stderr)
	name := fs.String("name", "", "the person's display name (the id is derived from it)")
	seconds := fs.Float64("seconds", 20, "how long to observe the person at rest")
	video := fs.String("video", "", "observe a video file of the person")
	camera := fs.Int("camera", -1, "observe camera N")
	audio := fs.String("audio", "", "observe an audio file of the person")
	scen := fs.String("scenario", "", "observe a built-in scenario (calm part) or a scenario file instead of a person")
	dir := fs.String("dir", "", "where person profiles are stored (default: the user config dir, kindred/persons)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("calibrate person: unexpected argument %q", fs.Arg(0))
	}
	if calibration.PersonID(*name) == "" {
		return badInput("calibrate person: --name is required and needs letters or digits")
	}
	if *seconds < 2 || *seconds > 600 {
		return badInput("calibrate person: --seconds %v outside 2..600", *seconds)
	}
	sources := 0
	for _, set := range []bool{*video != "", *camera >= 0, *scen != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return badInput("calibrate person: use only one of --video, --camera and --scenario")
	}
	if sources == 0 && *audio == "" {
		return badInput("calibrate person: say what to observe: --scenario NAME, --video FILE, --camera N or --audio FILE")
	}
	if *video != "" || *camera >= 0 || *audio != "" {
		return errors.New("calibrate person: live and file observation (--video, --camera, --audio) is not wired in this build yet; use --scenario")
	}

	storeDir := *dir
	if storeDir == "" {
		d, err := calibration.DefaultPersonDir()
		if err != nil {
			return err
		}
		storeDir = d
	}
	s, err := scenario.Load(*scen)
	if errors.Is(err, scenario.ErrBadScenario) {
		return badInput("%w", err)
	}
	if err != nil {
		return err
	}
	obs := &personObservations{}
	span := time.Duration(*seconds * float64(time.Second))
	// The calm stretch is stepped, not paced: a scripted person need not be waited for.
	scenario.NewPlayer(s).Step(span, obs, false)
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := calibration.BuildPerson(*name, obs.faces, obs.voices, obs.postures)
	if errors.Is(err, calibration.ErrNotCalm) || errors.Is(err, calibration.ErrNoObservations) {
		return badInput("calibrate person: scenario %s: %w", s.Name, err)
	}
	if err != nil {
		return err
	}
	p.Created = time.Now().UTC().Truncate(time.Second)
	p.Source = "scenario " + s.Name
	store := calibration.NewPersonStore(storeDir)
	if err := store.Save(p); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "saved %s (%s) in %s: %.0f s observed; face %d frames, resting PSPI %.1f; voice %d voiced hops, F0 %.0f±%.0f Hz; movement %d samples, breathing %.0f/min\n",
		p.Name, p.ID, store.Dir(), p.Seconds, p.Face.Frames, p.Face.PSPI, p.Voice.Hops, p.Voice.F0Mean, p.Voice.F0SD,
		p.Movement.Samples, p.Movement.BreathingRate)
	return nil
}

// personObservations collects what a source emits, as plain values.
type personObservations struct {
	faces    []perception.FaceObs
	voices   []perception.VoiceObs
	postures []perception.PostureObs
}

func (o *personObservations) Face(f perception.FaceObs)       { o.faces = append(o.faces, f) }
func (o *personObservations) Voice(v perception.VoiceObs)     { o.voices = append(o.voices, v) }
func (o *personObservations) Posture(p perception.PostureObs) { o.postures = append(o.postures, p) }
func (o *personObservations) Event(perception.Event)          {}
