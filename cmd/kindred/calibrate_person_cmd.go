package main

import (
	"context"
	"strings"
	"time"
	"unicode"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/calibration/observe"
)

// calibratePerson observes a person at rest for about 20 s and stores their
// baselines (package calibration/observe); here are its flags:
//
//	kindred calibrate person --name NAME [--seconds 20]
//	    [--video FILE | --camera N | --scenario NAME|FILE] [--audio FILE] [--dir DIR]
func calibratePerson(ctx context.Context, e env, args []string) error {
	o := observe.Options{FaceBackend: defaultFaceBackend}
	fl := newFlags("calibrate person", e.stdout)
	fl.StringVar(&o.Name, "name", "", "the person's display name (the id is derived from it)")
	seconds := fl.Float64("seconds", 20, "how long to observe the person at rest")
	fl.StringVar(&o.Video, "video", "", "observe a video file of the person")
	fl.IntVar(&o.Camera, "camera", -1, "observe camera N")
	fl.StringVar(&o.Audio, "audio", "", "observe a WAV file of the person's voice")
	fl.StringVar(&o.Scenario, "scenario", "", "observe a scripted person: a built-in scenario's calm start, or a scenario file")
	fl.Var(&o.FaceBackend, "face-backend", faceBackendUsage)
	fl.StringVar(&o.Dir, "dir", "", "where person profiles are stored (default: the user config dir, kindred/persons)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return badInput("calibrate person: unexpected argument %q", fl.Arg(0))
	}
	if o.Camera < -1 {
		return badInput("calibrate person: --camera %d: want a camera index of 0 or more", o.Camera)
	}
	if strings.ContainsFunc(o.Name, unicode.IsControl) { // it is shown on terminals and the console
		return badInput("calibrate person: --name %q: control characters are not part of a name", o.Name)
	}
	if calibration.PersonID(o.Name) == "" {
		return badInput("calibrate person: --name is required and needs letters or digits")
	}
	if !(*seconds >= 2 && *seconds <= 600) {
		return badInput("calibrate person: --seconds %v outside 2..600", *seconds)
	}
	sources := 0
	for _, set := range []bool{o.Video != "", o.Camera >= 0, o.Scenario != ""} {
		if set {
			sources++
		}
	}
	if sources > 1 {
		return badInput("calibrate person: use only one of --video, --camera and --scenario")
	}
	if o.Scenario != "" && o.Audio != "" {
		return badInput("calibrate person: --scenario brings its own voice; drop --audio")
	}
	if sources == 0 && o.Audio == "" {
		return badInput("calibrate person: say what to observe: --camera N, --video FILE, --audio FILE or --scenario NAME")
	}
	o.Span = time.Duration(*seconds * float64(time.Second))
	return observe.Person(ctx, o, e.stdout, e.stderr)
}
