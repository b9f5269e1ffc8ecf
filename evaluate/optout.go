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

// OptOutFigure is how often ordinary speech would have switched care off
// under one opt-out policy. Each side of the hour is played to the
// behaviour engine as `kindred eval --only words-live` plays it to the
// robot: as one recording, its clips one after another with liveGap of
// quiet between them, a calm person sitting with the robot, every word
// the spotter heard falsely in a clip at its time. When the engine asks
// whether to stop, or asks again, or asks to be sure, the answer
// recogniser hears what is being said in that answer window, which may be
// the next clip. A false opt-out switches sensing and every alert off; the
// person is then opted back in (as a carer would) and the hour goes on.
type OptOutFigure struct {
	Policy       string   `json:"policy"`
	Real         int      `json:"real"`      // false opt-outs in the real side
	Synthetic    int      `json:"synthetic"` // and in the synthetic side
	RealPerHour  float64  `json:"real_per_hour"`
	SynthPerHour float64  `json:"synthetic_per_hour"`
	Questions    int      `json:"questions"` // opt-out questions put, repeats and confirmations included
	Clips        []string `json:"clips"`     // each false opt-out: side, time, clip and reason
}

// The opt-out policies measured: the one-word opt-out, the second word
// within opt_out.confirm, the question answered by one yes (the policy
// before the spoken confirmation), and the shipped one.
const (
	firstWordOptOut  = "first word (opt_out.confirm: 0)"
	secondWordOptOut = "second word (opt_out.ask: false)"
	oneYesOptOut     = "second word and a yes (before opt_out_confirm by voice)"
	shippedOptOut    = "second word, a yes and a plain yes to be sure (shipped)"
)

// optOutPolicy is an opt-out policy: the shipped configuration, edited.
type optOutPolicy struct {
	name string
	edit func(*behavior.Config)
}

// optOutPolicies are the policies played through the engine. The one-yes
// policy is not played: it opted out wherever the shipped one hears a yes
// to the question, and up to that yes the two are the same engine.
var optOutPolicies = []optOutPolicy{
	{firstWordOptOut, func(c *behavior.Config) { c.OptOut.Confirm = 0 }},
	{secondWordOptOut, func(c *behavior.Config) { c.OptOut.Ask = false }},
	{shippedOptOut, func(*behavior.Config) {}},
}

// spokenFor is how long the robot takes to say a question, after which its
// answer window opens: "Shall I stop watching over you for now, Ruth?"
// 2.8 s in the voices' English (`kindred say --out`), its confirmation
// ("To be sure, Ruth: I will stop watching over you, …") 7.9-9.0 s. The
// window is heard whole: the live desk may end it early once an answer
// was heard, never later.
func spokenFor(k behavior.IntentKind) time.Duration {
	if k == behavior.IntentConfirmOptOut {
		return 9 * time.Second
	}
	return 3 * time.Second
}

// afterSide is how long the engine runs past a side's end, so that a
// question asked near it is answered (by silence) and settled.
const afterSide = time.Minute

// sideClip is where a clip begins in its side's recording.
type sideClip struct {
	name  string
	start int // sample
}

// sideRecording joins one side's clips (the synthetic ones or the real
// ones) as the live hour plays them: liveGap of quiet before each clip and
// after the last, the dev set's recording of spoken numbers left out (it
// is an answer).
func sideRecording(clips []speechcorpus.Clip, synthetic bool) ([]float32, []sideClip) {
	var x []float32
	var at []sideClip
	for _, c := range clips {
		if c.Synthetic != synthetic || isAnswerRecording(c.Name) {
			continue
		}
		x = append(x, make([]float32, liveGap)...)
		at = append(at, sideClip{c.Name, len(x)})
		x = append(x, c.X...)
	}
	if len(x) > 0 {
		x = append(x, make([]float32, liveGap)...)
	}
	return x, at
}

// clipAt names the clip playing at sample i.
func clipAt(at []sideClip, i int) string {
	n, _ := slices.BinarySearchFunc(at, i, func(c sideClip, i int) int { return cmp.Compare(c.start, i+1) })
	if n == 0 {
		return ""
	}
	return at[n-1].name
}

// measureOptOuts plays each side of the hour with its falsely spotted
// words through the engine under each policy.
func measureOptOuts(ctx context.Context, clips []speechcorpus.Clip, heard []WordEvent, o answers.Opts) ([]OptOutFigure, error) {
	var r *answers.Recogniser // started for the first question only
	defer func() {
		if r != nil {
			r.Close()
		}
	}()
	figs := []OptOutFigure{{Policy: firstWordOptOut}, {Policy: secondWordOptOut}, {Policy: oneYesOptOut}, {Policy: shippedOptOut}}
	fig := func(policy string) *OptOutFigure {
		return &figs[slices.IndexFunc(figs, func(f OptOutFigure) bool { return f.Policy == policy })]
	}
	for _, synthetic := range []bool{false, true} {
		x, at := sideRecording(clips, synthetic)
		if len(x) == 0 {
			continue
		}
		start := map[string]int{}
		for _, c := range at {
			start[c.name] = c.start
		}
		var words []WordEvent // at their time in the side's recording
		for _, e := range heard {
			if s, ok := start[e.Clip]; ok && e.Synthetic == synthetic {
				e.At += float64(s) / answers.Rate
				words = append(words, e)
			}
		}
		slices.SortFunc(words, func(a, b WordEvent) int { return cmp.Compare(a.At, b.At) })
		hear := func(k selfreport.Kind, a, b int) (selfreport.Reply, error) {
			none := selfreport.Reply{Kind: k, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}
			a, b = min(a, len(x)), min(b, len(x))
			if b-a < answers.Rate/4 {
				return none, nil // after the side's end: silence
			}
			if r == nil {
				var err error
				if r, err = answers.New(o); err != nil {
					return none, fmt.Errorf("eval: %w", err)
				}
			}
			// The live desk stops listening once the answer is over
			// (speech, then 0.7 s of quiet): hear only what it would.
			rep, err := r.Recognise(k, selfreport.Cut(x[a:b], selfreport.AnswerChunk))
			if err != nil {
				return none, fmt.Errorf("eval: %s: %w", clipAt(at, a), err)
			}
			return rep, nil
		}
		side := "real"
		if synthetic {
			side = "synthetic"
		}
		count := func(f *OptOutFigure, events []optOutEvent) {
			if synthetic {
				f.Synthetic += len(events)
				f.SynthPerHour = perHour(f.Synthetic, float64(len(x))/answers.Rate/3600)
			} else {
				f.Real += len(events)
				f.RealPerHour = perHour(f.Real, float64(len(x))/answers.Rate/3600)
			}
			for _, e := range events {
				f.Clips = append(f.Clips, fmt.Sprintf("%s %.1f s (%s): %s", side, e.At.Seconds(), clipAt(at, int(e.At.Seconds()*answers.Rate)), e.What))
			}
		}
		length := time.Duration(float64(len(x)) / answers.Rate * float64(time.Second))
		for _, p := range optOutPolicies {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			cfg := behavior.DefaultConfig()
			p.edit(&cfg)
			play, err := playOptOut(ctx, cfg, length, words, hear)
			if err != nil {
				return nil, err
			}
			f := fig(p.name)
			f.Questions += play.asked
			count(f, play.optOuts)
			if p.name == shippedOptOut {
				oneYes := fig(oneYesOptOut)
				oneYes.Questions += play.asked - play.confirmations
				count(oneYes, play.yeses)
			}
		}
	}
	return figs, nil
}

// optOutEvent is an opt-out, or a yes that would have been one.
type optOutEvent struct {
	At   time.Duration
	What string
}

// optOutPlay is what became of one side under one policy.
type optOutPlay struct {
	optOuts       []optOutEvent // the opt-outs, with their reasons
	yeses         []optOutEvent // the yeses to the question (by voice, answered): opt-outs of the one-yes policy
	asked         int           // opt-out questions put: repeats and confirmations included
	confirmations int           // of them, confirmations
}

// playOptOut runs the engine over a recording length long: a calm person
// present from the start, the spotted words (in time order) at their
// times, and for each opt-out question, repeat and confirmation the reply
// hear gives for its answer window (samples a to b), heard with the
// question's grammar. After each opt-out the person is opted back in.
func playOptOut(ctx context.Context, cfg behavior.Config, length time.Duration, words []WordEvent,
	hear func(k selfreport.Kind, a, b int) (selfreport.Reply, error)) (play optOutPlay, err error) {
	e, err := behavior.New(cfg)
	if err != nil {
		return play, fmt.Errorf("eval: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in, out := make(chan behavior.Input), make(chan behavior.Output, 4096)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, in, out) }()
	var due []behavior.Answered
	optedOut := false
	sample := func(d time.Duration) int { return int(d.Seconds() * answers.Rate) }
	take := func(o behavior.Output) error {
		switch o := o.(type) {
		case behavior.Listen:
			if o.Question != behavior.QuestionOptOut && o.Question != behavior.QuestionOptOutConfirm {
				return nil
			}
			play.asked++
			if o.Question == behavior.QuestionOptOutConfirm {
				play.confirmations++
			}
			open := o.At + spokenFor(o.Intent)
			rep, err := hear(o.Kind, sample(open), sample(open+o.Window))
			if err != nil {
				return err
			}
			due = append(due, behavior.Answered{At: open + o.Window, Question: o.Question, By: o.By, Reply: rep})
		case behavior.Reported:
			if o.Question == behavior.QuestionOptOut && o.Outcome == behavior.OutcomeAnswered && o.Reply.Answer == selfreport.Yes {
				play.yeses = append(play.yeses, optOutEvent{o.At, fmt.Sprintf("%q heard as yes to the opt-out question (attempt %d)", o.Reply.Heard, o.Attempt)})
			}
		case behavior.Transition:
			if o.To == behavior.StateOptedOut {
				play.optOuts = append(play.optOuts, optOutEvent{o.At, o.Reason})
				optedOut = true
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
	for at := 100 * time.Millisecond; at <= length+afterSide; at += 100 * time.Millisecond {
		if optedOut {
			optedOut = false // a carer opts the person back in, and the hour goes on
			if err := send(behavior.CommandInput(behavior.Command{At: at, Cmd: behavior.CmdOptIn})); err != nil {
				return play, err
			}
		}
		for len(due) > 0 && due[0].At <= at {
			if err := send(behavior.AnswerInput(due[0])); err != nil {
				return play, err
			}
			due = due[1:]
		}
		for len(words) > 0 && time.Duration(words[0].At*float64(time.Second)) <= at {
			w := words[0]
			words = words[1:]
			ev := perception.Event{At: time.Duration(w.At * float64(time.Second)), Kind: perception.EventKeyword, Text: w.Heard, Person: "p"}
			if err := send(behavior.EventInput(ev)); err != nil {
				return play, err
			}
		}
		a := perception.PainAssessment{At: at, Person: "p", Confidence: 0.9, Present: true}
		if err := send(behavior.AssessmentInput(a)); err != nil {
			return play, err
		}
	}
	close(in)
	if err := <-done; err != nil {
		return play, fmt.Errorf("eval: %w", err)
	}
	for o := range out {
		if err := take(o); err != nil {
			return play, err
		}
	}
	return play, nil
}
