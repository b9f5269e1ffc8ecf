package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
)

// openAnswers loads the recogniser that hears answers to the robot's
// questions (pocketsphinx's en-us model in grammar mode). Without the model
// the run goes on and says so: questions then lapse unanswered, or are
// answered with a nod where the persona's language asks for one.
func openAnswers(stderr io.Writer) (companion.AnswerRecogniser, func(context.Context) error) {
	rec, err := sphinx.New(sphinx.DefaultOpts())
	if err != nil {
		if errors.Is(err, sphinx.ErrNoModel) {
			fmt.Fprintf(stderr, "kindred: spoken answers are not heard: %v (apt install pocketsphinx-en-us)\n", err)
		} else {
			fmt.Fprintf(stderr, "kindred: spoken answers are not heard: %v\n", err)
		}
		return nil, func(context.Context) error { return nil }
	}
	return rec, func(context.Context) error { return rec.Close() }
}
