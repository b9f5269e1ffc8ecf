package main

import (
	"context"
	"errors"
	"io"

	"github.com/kindred-hri/kindred/journal"
)

// PLACEHOLDER until the camera and microphone pipelines are wired.
func startLive(ctx context.Context, comp *companion, f runFlags, cfg runConfig, done context.CancelFunc) error {
	return badInput("live camera and microphone input is not wired yet")
}

type fleetLink struct{}

func (fleetLink) Record(journal.Record)         {}
func (fleetLink) Run(ctx context.Context) error { return nil }

func openFleet(ctx context.Context, cfg runConfig, comp *companion, log io.Writer) (*fleetLink, error) {
	return nil, errors.New("mqtt: not wired yet")
}
