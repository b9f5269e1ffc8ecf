package main

import (
	"context"
)

// PLACEHOLDER until the camera and microphone pipelines are wired.
func startLive(ctx context.Context, comp *companion, f runFlags, cfg runConfig, done context.CancelFunc) error {
	return badInput("live camera and microphone input is not wired yet")
}
