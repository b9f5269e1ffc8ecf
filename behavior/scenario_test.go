package behavior_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// loopSink hands the player's observations to fusion and keeps its events
// for the engine too, as the wiring does.
type loopSink struct {
	f      *fusion.Fuser
	events []perception.Event
}

func (s *loopSink) Face(o perception.FaceObs)       { s.f.Face(o) }
func (s *loopSink) Voice(o perception.VoiceObs)     { s.f.Voice(o) }
func (s *loopSink) Posture(o perception.PostureObs) { s.f.Posture(o) }
func (s *loopSink) Event(e perception.Event) {
	s.f.Event(e)
	s.events = append(s.events, e)
}

// recordingWords are what the built-in scenarios' recorded answers say:
// hearing them is the wiring's (cmd/kindred's TestRunOptOutStopsWithinASecond
// plays them to the answer recogniser), so here they are taken as heard.
var recordingWords = map[string]string{"yes.wav": "yes"}

// answerDelay is when a recorded answer ends after its question is asked:
// the question said, then the answer.
const answerDelay = 4 * time.Second

// closedLoop plays a built-in scenario through fusion into the engine at
// 10 Hz, feeding the engine's comfort back to the person (when listens) and
// to fusion's consolability, and the scenario's recorded answers to the
// questions they answer, and returns everything the engine decided.
func closedLoop(t *testing.T, name string, cfg behavior.Config, listens bool, length time.Duration) []behavior.Output {
	t.Helper()
	s, err := scenario.Load(name)
	if err != nil {
		t.Skipf("scenario %s: %v", name, err)
	}
	p := scenario.NewPlayer(s)
	f, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	e, err := behavior.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := &loopSink{f: f}
	recorded := p.Answers()
	var answers []behavior.Answered // due to be given
	in, out := make(chan behavior.Input), make(chan behavior.Output, 64)
	done := make(chan error, 1)
	go func() { done <- e.Run(t.Context(), in, out) }()
	var got []behavior.Output
	drain := func() {
		for {
			select {
			case o := <-out:
				got = append(got, o)
				if c := of[behavior.Comforted](o); c != nil {
					f.Event(c.Event())
					if listens {
						p.Comforted(c.At)
					}
				}
				if l := of[behavior.Listen](o); l != nil {
					for i, a := range recorded {
						if a.Question != string(l.Question) && a.Question != "any" {
							continue
						}
						recorded = slices.Delete(recorded, i, i+1)
						words, ok := recordingWords[filepath.Base(a.Audio)]
						if !ok {
							t.Fatalf("scenario %s: what does %s say?", name, a.Audio)
						}
						answers = append(answers, behavior.Answered{At: l.At + answerDelay, Question: l.Question,
							By: l.By, Reply: selfreport.Parse(l.Kind, words)})
						break
					}
				}
			default:
				return
			}
		}
	}
	for at := 100 * time.Millisecond; at <= length; at += 100 * time.Millisecond {
		for len(answers) > 0 && answers[0].At <= at {
			in <- behavior.AnswerInput(answers[0])
			answers = answers[1:]
		}
		p.Step(at, sink, false)
		for _, ev := range sink.events {
			in <- behavior.EventInput(ev)
		}
		sink.events = sink.events[:0]
		in <- behavior.AssessmentInput(f.Assess(at))
		drain()
	}
	close(in)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for o := range out {
		got = append(got, o)
	}
	return got
}

func statesOf(outs []behavior.Output) []behavior.State {
	var s []behavior.State
	for _, o := range outs {
		if t, ok := o.(behavior.Transition); ok {
			s = append(s, t.To)
		}
	}
	return s
}

// inOrder reports whether want appears in got as a subsequence.
func inOrder(got, want []behavior.State) bool {
	i := 0
	for _, s := range got {
		if i < len(want) && s == want[i] {
			i++
		}
	}
	return i == len(want)
}

func journal(outs []behavior.Output) string {
	var b strings.Builder
	for _, o := range outs {
		switch o := o.(type) {
		case behavior.Transition:
			b.WriteString(o.At.String() + " " + string(o.From) + " -> " + string(o.To) + " (" + o.Reason + ")\n")
		case behavior.Intent:
			b.WriteString(o.At.String() + "   " + string(o.Kind) + "\n")
		case behavior.Alert:
			b.WriteString(o.At.String() + "   alert " + string(o.Level) + " (" + o.Reason + ")\n")
		}
	}
	return b.String()
}

// of returns o as a *T (a copy) when it is a T, else nil.
func of[T behavior.Output](o behavior.Output) *T {
	if t, ok := o.(T); ok {
		return &t
	}
	return nil
}

// The built-in pain-episode scenario, through the real fusion: engaging,
// concerned, comforting in that order, with utterances; relief after comfort
// brings it back to attending, and without relief a carer is alerted.
func TestBuiltinPainEpisode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		listens bool
		want    []behavior.State
		alerts  []behavior.AlertLevel // the peak is severe: a carer hears of it either way
	}{
		{"comfort helps", true, []behavior.State{behavior.StateEngaging, behavior.StateConcerned,
			behavior.StateComforting, behavior.StateAlerting, behavior.StateAttending},
			[]behavior.AlertLevel{behavior.AlertUrgent, behavior.AlertResolved}},
		{"no relief", false, []behavior.State{behavior.StateEngaging, behavior.StateConcerned,
			behavior.StateComforting, behavior.StateAlerting},
			[]behavior.AlertLevel{behavior.AlertUrgent}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outs := closedLoop(t, "pain-episode", behavior.DefaultConfig(), tc.listens, 4*time.Minute)
			if got := statesOf(outs); !inOrder(got, tc.want) {
				t.Fatalf("visited %v, want %v in that order\n%s", got, tc.want, journal(outs))
			}
			var said []behavior.IntentKind
			var alerts []behavior.AlertLevel
			for _, o := range outs {
				if it, ok := o.(behavior.Intent); ok && it.Say != nil {
					said = append(said, it.Kind)
				}
				if a, ok := o.(behavior.Alert); ok {
					alerts = append(alerts, a.Level)
				}
			}
			for _, k := range []behavior.IntentKind{behavior.IntentGreet, behavior.IntentComfort} {
				if !slices.Contains(said, k) {
					t.Errorf("never said %s\n%s", k, journal(outs))
				}
			}
			if !slices.Equal(alerts, tc.alerts) {
				t.Errorf("alerts %v, want %v\n%s", alerts, tc.alerts, journal(outs))
			}
		})
	}
}

// The built-in opt-out scenario: the first "stop" stills the robot, the
// second asks whether to stop, the recorded "yes" asks to be sure, and the
// second "yes" opts out.
func TestBuiltinOptOut(t *testing.T) {
	outs := closedLoop(t, "opt-out", behavior.DefaultConfig(), true, 40*time.Second)
	got := statesOf(outs)
	if len(got) == 0 || got[len(got)-1] != behavior.StateOptedOut {
		t.Fatalf("visited %v, want to end opted out\n%s", got, journal(outs))
	}
	for _, o := range outs {
		if tr, ok := o.(behavior.Transition); ok && tr.To == behavior.StateOptedOut &&
			tr.Reason != `said "stop" twice and "yes" to "Shall I stop watching over you for now?", then "yes" to the confirmation` {
			t.Errorf("opted out for %q", tr.Reason)
		}
	}
}
