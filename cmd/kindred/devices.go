package main

import (
	"context"
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/pca9685"
	"github.com/kindred-hri/kindred/robot/sim"
	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"
)

// openBody opens the body a profile describes: the simulator or a servo
// board. The returned close function releases the hardware.
func openBody(ctx context.Context, p *robot.Profile) (robot.Actuator, func(), error) {
	switch p.Board.Kind {
	case robot.BoardSim:
		return sim.New(p), func() {}, nil
	case robot.BoardPCA9685:
		b, err := pca9685.Open(p)
		if err != nil {
			return nil, nil, err
		}
		return b, func() { _ = b.Halt() }, nil
	}
	return nil, nil, fmt.Errorf("board kind %q has no driver in this build", p.Board.Kind)
}

// openVoice opens speech synthesis and the speaker. Without an audio output
// the robot speaks silently (the mouth still moves) and says so once.
func openVoice(log io.Writer) (voices.Synthesizer, voices.Player, error) {
	synth, err := espeak.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("speech synthesis: %w (run kindred doctor)", err)
	}
	pl, err := playback.Open()
	if err != nil {
		fmt.Fprintf(log, "kindred: %v (kindred doctor explains more)\n", err)
		return synth, voices.SilentPlayer{}, nil
	}
	return synth, pl, nil
}
