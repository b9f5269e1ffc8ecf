package main

import (
	"context"
	"errors"
	"os"

	"github.com/kindred-hri/kindred/doctor"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/journal/fleet"
	"github.com/kindred-hri/kindred/robot"
)

// cmdDoctor checks cameras, audio, models and boards (package doctor); here
// are its flags, and the run config whose board, broker and journal it
// checks.
func cmdDoctor(ctx context.Context, e env, args []string) error {
	fs := newFlags("doctor", e.stdout)
	config := fs.String("config", "", "the run's config file: check the board, broker and journal it names")
	profile := fs.String("robot", "", "body profile whose board to check (default: the config's, else sim)")
	mqtt := fs.String("mqtt", "", "also check this MQTT broker, tcp://HOST:PORT (default: the config's)")
	jpath := fs.String("journal", "", "check this journal file (default: the config's, else the default path; off: none)")
	live := fs.Bool("live", false, "this robot runs live: camera, microphone and speaker are required")
	var backend faceBackend
	fs.Var(&backend, "face-backend", faceBackendUsage+" (default: the config's, else mesh)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := loadRunConfig(*config)
	if err != nil {
		return err
	}
	if *profile == "" {
		*profile = cfg.Robot.Profile
	}
	if *mqtt == "" {
		*mqtt = cfg.MQTT
	}
	if *jpath == "" {
		*jpath = cfg.Journal
	}
	if *jpath == "" {
		if *jpath, err = journal.DefaultPath(); err != nil {
			return err
		}
	}
	p, err := robot.LoadProfile(*profile)
	if err != nil {
		if errors.Is(err, robot.ErrBadProfile) {
			return &usageError{err}
		}
		return err
	}
	if backend == "" {
		backend = faceBackend(cfg.FaceBackend)
	}
	o := doctor.Options{Profile: p, Camera: *live, Mic: *live, Speaker: *live, Journal: *jpath, Broker: *mqtt, Face: backend,
		Robot: cfg.Robot.Name, BrokerUser: os.Getenv(fleet.UserEnv)}
	return doctor.Run(ctx, o, e.stdout)
}
