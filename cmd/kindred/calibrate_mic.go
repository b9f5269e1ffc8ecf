package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/internal/staged"
	"github.com/kindred-hri/kindred/perception/microphone"
	"github.com/kindred-hri/kindred/perception/voice"
)

// calibrateMic measures the microphone's noise floor in a quiet room and
// stores it (features only, never audio) for the voice analyser:
//
//	kindred calibrate mic [--mic NAME] [--seconds N] [--out FILE]
func calibrateMic(ctx context.Context, e env, args []string) error {
	fs := newFlags("calibrate mic", e.stdout)
	name := fs.String("mic", "", "microphone by name (default: the system's default input)")
	seconds := fs.Float64("seconds", 5, "how long to listen, in seconds (1..60)")
	out := fs.String("out", "", "where to store the noise floor (default: the user's config dir, kindred/mic-noise.yaml)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("calibrate mic: unexpected argument %q", fs.Arg(0))
	}
	if !(*seconds >= 1 && *seconds <= 60) { // NaN too
		return badInput("calibrate mic: --seconds %g: want 1..60", *seconds)
	}
	if *out != "" {
		if err := staged.Check(*out); err != nil {
			return badInput("calibrate mic: --out %s: %v", *out, err)
		}
	}
	path := *out
	if path == "" {
		p, err := calibration.DefaultMicNoisePath()
		if err != nil {
			return err
		}
		path = p
	}
	mo := microphone.DefaultOpts()
	mo.Name = *name
	mic, err := microphone.Open(mo)
	if errors.Is(err, microphone.ErrNoDevice) {
		return badInput("calibrate mic: --mic: %v", err)
	}
	if err != nil {
		return fmt.Errorf("calibrate mic: %w", err)
	}
	defer mic.Close()
	fmt.Fprintf(e.stderr, "Listening to %q for %.0f s; please keep the room quiet.\n", mic.Name(), *seconds)
	samples, err := record(ctx, mic, int(*seconds*voice.Rate))
	if err != nil {
		return fmt.Errorf("calibrate mic: %s: %w", mic.Name(), err)
	}
	floor, voiced, err := voice.MeasureNoise(samples, voice.DefaultOpts())
	if err != nil {
		return fmt.Errorf("calibrate mic: %w", err)
	}
	if voiced > 0.2 {
		return fmt.Errorf("calibrate mic: %w: a voice or tone was heard %.0f %% of the time; try again in silence", calibration.ErrNotQuiet, 100*voiced)
	}
	n := calibration.MicNoise{Device: mic.Name(), MeasuredAt: time.Now().UTC(), Seconds: float64(len(samples)) / voice.Rate,
		Rate: voice.Rate, LevelDB: floor.LevelDB, Spectrum: floor.Spectrum}
	if err := calibration.SaveMicNoise(path, n); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "microphone %q: noise floor %.1f dB over %.1f s, saved to %s\n", n.Device, n.LevelDB, n.Seconds, path)
	return nil
}

// record reads n samples from src, or fails on a lost device or ctx.
func record(ctx context.Context, src voice.AudioSource, n int) ([]float32, error) {
	samples := make([]float32, 0, n)
	buf := make([]float32, voice.HopSamples)
	for len(samples) < n {
		k, err := src.Read(ctx, buf[:min(len(buf), n-len(samples))])
		if err != nil {
			return nil, err
		}
		samples = append(samples, buf[:k]...)
	}
	return samples, nil
}

// micNoiseOpts loads the stored noise floor into voice options for a live
// run; without a calibration the analyser learns the floor itself.
func micNoiseOpts(o *voice.Opts, path string) error {
	n, err := calibration.LoadMicNoise(path)
	if err != nil {
		return err
	}
	if len(n.Spectrum) != voice.FFTBins(*o) || n.Rate != voice.Rate {
		return fmt.Errorf("calibration %s was made for other analysis settings; run kindred calibrate mic again", path)
	}
	o.Noise = &voice.NoiseFloor{Spectrum: n.Spectrum, LevelDB: n.LevelDB}
	return nil
}
