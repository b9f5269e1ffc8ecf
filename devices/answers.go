package devices

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/selfreport/sphinx"
)

// OpenAnswers starts loading the recogniser that hears answers to the
// robot's questions (pocketsphinx's en-us model in grammar mode, about a
// second with its language model) beside the run, so the session does not
// wait for it; a question asked before it is ready waits for it. Without
// the model the run goes on and says so once: questions then lapse
// unanswered, or are answered with a nod where the persona's language asks
// for one. The returned finisher closes it.
func OpenAnswers(stderr io.Writer) (companion.AnswerRecogniser, func(context.Context) error) {
	l := &loadingAnswers{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.rec, l.err = sphinx.New(sphinx.DefaultOpts())
		if l.err != nil {
			hint := ""
			if errors.Is(l.err, sphinx.ErrNoModel) {
				hint = " (apt install pocketsphinx-en-us)"
			}
			fmt.Fprintf(stderr, "kindred: spoken answers are not heard: %v%s\n", l.err, hint)
		}
	}()
	return l, func(context.Context) error {
		<-l.done
		if l.rec == nil {
			return nil
		}
		return l.rec.Close()
	}
}

// loadingAnswers is the recogniser once loaded; the desk's one goroutine
// calls it.
type loadingAnswers struct {
	done chan struct{}
	rec  *sphinx.Recogniser
	err  error
}

func (l *loadingAnswers) get() (*sphinx.Recogniser, error) {
	<-l.done
	if l.err != nil {
		return nil, fmt.Errorf("%w: %v", companion.ErrNoRecogniser, l.err)
	}
	return l.rec, nil
}

func (l *loadingAnswers) Listen(k selfreport.Kind) error {
	r, err := l.get()
	if err != nil {
		return err
	}
	return r.Listen(k)
}

func (l *loadingAnswers) Feed(s []float32) error {
	r, err := l.get()
	if err != nil {
		return err
	}
	return r.Feed(s)
}

func (l *loadingAnswers) End() (selfreport.Reply, error) {
	r, err := l.get()
	if err != nil {
		return selfreport.Reply{Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}, err
	}
	return r.End()
}
