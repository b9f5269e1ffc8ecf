package evaluate

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
	answers "github.com/kindred-hri/kindred/perception/selfreport/sphinx"
)

// OptOutFigure is how much of ordinary speech would have switched care off
// under one opt-out policy. Each clip is played to the behaviour engine as
// a calm person sitting with the robot, with every word the spotter heard
// falsely in it at its time; when the engine asks whether to stop, the
// answer recogniser hears the clip's audio in the answer window as the
// answer. A clip that ends opted out is a false opt-out: sensing and every
// alert off until someone opts back in.
type OptOutFigure struct {
	Policy    string   `json:"policy"`
	Real      int      `json:"real"`      // real clips that ended opted out
	Synthetic int      `json:"synthetic"` // synthetic clips that did
	Questions int      `json:"questions"` // opt-out questions put (repeats included)
	Clips     []string `json:"clips"`     // the clips that ended opted out, with the reason
}

// optOutPolicies are the opt-out policies measured: the one-word opt-out,
// the second word within opt_out.confirm, and the question it asks now.
var optOutPolicies = []struct {
	name string
	edit func(*behavior.Config)
}{
	{"first word (opt_out.confirm: 0)", func(c *behavior.Config) { c.OptOut.Confirm = 0 }},
	{"second word (opt_out.ask: false)", func(c *behavior.Config) { c.OptOut.Ask = false }},
	{shippedOptOut, func(*behavior.Config) {}},
}

// shippedOptOut is the policy the default configuration ships.
const shippedOptOut = "second word and a yes (shipped)"

// questionSpeech is how long the robot takes to ask "Shall I stop watching
// over you for now, Ruth?" (about 3 s in the voices' English), after
// which the answer window opens. The window is heard whole: the live desk
// may end it early once an answer was heard, never later.
const questionSpeech = 3 * time.Second

// afterClip is how long the engine runs past a clip's end, so that a
// question asked near it is answered (by silence) and settled.
const afterClip = time.Minute

// measureOptOuts plays each clip with false keywords through the engine
// under each policy.
func measureOptOuts(ctx context.Context, clips []speechcorpus.Clip, heard []WordEvent, o answers.Opts) ([]OptOutFigure, error) {
	byClip := map[string][]WordEvent{} // each clip's words, in time order
	for _, e := range heard {
		byClip[e.Clip] = append(byClip[e.Clip], e)
	}
	for _, ws := range byClip {
		slices.SortFunc(ws, func(a, b WordEvent) int { return cmp.Compare(a.At, b.At) })
	}
	var r *answers.Recogniser // started for the first question only
	defer func() {
		if r != nil {
			r.Close()
		}
	}()
	figs := make([]OptOutFigure, len(optOutPolicies))
	for i, p := range optOutPolicies {
		cfg := behavior.DefaultConfig()
		p.edit(&cfg)
		figs[i].Policy = p.name
		for _, c := range clips {
			words := byClip[c.Name]
			if len(words) == 0 {
				continue
			}
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			hear := func(a, b int) (selfreport.Reply, error) {
				none := selfreport.Reply{Kind: selfreport.YesNoQuestion, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}
				a, b = min(a, len(c.X)), min(b, len(c.X))
				if b-a < answers.Rate/4 {
					return none, nil // after the clip's end: silence
				}
				if r == nil {
					var err error
					if r, err = answers.New(o); err != nil {
						return none, fmt.Errorf("eval: %w", err)
					}
				}
				rep, err := r.Recognise(selfreport.YesNoQuestion, c.X[a:b])
				if err != nil {
					return none, fmt.Errorf("eval: %s: %w", c.Name, err)
				}
				return rep, nil
			}
			reason, asked, err := playOptOut(ctx, cfg, c, words, hear)
			if err != nil {
				return nil, err
			}
			figs[i].Questions += asked
			if reason == "" {
				continue
			}
			if c.Synthetic {
				figs[i].Synthetic++
			} else {
				figs[i].Real++
			}
			figs[i].Clips = append(figs[i].Clips, fmt.Sprintf("%s: %s", c.Name, reason))
		}
	}
	return figs, nil
}

// playOptOut runs the engine over one clip: a calm person present from
// the start, the spotted words (in time order) at their times, and for
// each question the reply hear gives for its answer window (samples a to
// b). It returns the reason of the opt-out ("" for none) and how many
// opt-out questions were put.
func playOptOut(ctx context.Context, cfg behavior.Config, c speechcorpus.Clip, words []WordEvent,
	hear func(a, b int) (selfreport.Reply, error)) (reason string, asked int, err error) {
	e, err := behavior.New(cfg)
	if err != nil {
		return "", 0, fmt.Errorf("eval: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in, out := make(chan behavior.Input), make(chan behavior.Output, 4096)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, in, out) }()
	var due []behavior.Answered
	sample := func(d time.Duration) int { return int(d.Seconds() * answers.Rate) }
	take := func(o behavior.Output) error {
		switch o := o.(type) {
		case behavior.Listen:
			if o.Question != behavior.QuestionOptOut {
				return nil
			}
			asked++
			open := o.At + questionSpeech
			rep, err := hear(sample(open), sample(open+o.Window))
			if err != nil {
				return err
			}
			due = append(due, behavior.Answered{At: open + o.Window, Question: o.Question, By: o.By, Reply: rep})
		case behavior.Transition:
			if o.To == behavior.StateOptedOut && reason == "" {
				reason = o.Reason
			}
		}
		return nil
	}
	drain := func() error {
		for {
			select {
			case o := <-out:
				if err := take(o); err != nil {
					return err
				}
			default:
				return nil
			}
		}
	}
	send := func(x behavior.Input) error {
		select {
		case in <- x:
			return drain()
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	length := time.Duration(float64(len(c.X)) / answers.Rate * float64(time.Second))
	for at := 100 * time.Millisecond; at <= length+afterClip; at += 100 * time.Millisecond {
		for len(due) > 0 && due[0].At <= at {
			if err := send(behavior.AnswerInput(due[0])); err != nil {
				return "", asked, err
			}
			due = due[1:]
		}
		for len(words) > 0 && time.Duration(words[0].At*float64(time.Second)) <= at {
			w := words[0]
			words = words[1:]
			ev := perception.Event{At: time.Duration(w.At * float64(time.Second)), Kind: perception.EventKeyword, Text: w.Heard, Person: "p"}
			if err := send(behavior.EventInput(ev)); err != nil {
				return "", asked, err
			}
		}
		a := perception.PainAssessment{At: at, Person: "p", Confidence: 0.9, Present: true}
		if err := send(behavior.AssessmentInput(a)); err != nil {
			return "", asked, err
		}
	}
	close(in)
	if err := <-done; err != nil {
		return "", asked, fmt.Errorf("eval: %w", err)
	}
	for o := range out {
		if err := take(o); err != nil {
			return "", asked, err
		}
	}
	return reason, asked, nil
}
