package main

import (
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"
)

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
