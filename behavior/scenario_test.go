package behavior_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
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

// closedLoop plays a built-in scenario through fusion into the engine at
// 10 Hz, feeding the engine's comfort back to the person (when listens) and
// to fusion's consolability, and returns everything the engine decided.
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
	in, out := make(chan behavior.Input), make(chan behavior.Output, 64)
	done := make(chan error, 1)
	go func() { done <- e.Run(t.Context(), in, out) }()
	var got []behavior.Output
	drain := func() {
		for {
			select {
			case o := <-out:
				got = append(got, o)
				if c := o.Comforted; c != nil {
					f.Event(c.Event())
					if listens {
						p.Comforted(c.At)
					}
				}
			default:
				return
			}
		}
	}
	for at := 100 * time.Millisecond; at <= length; at += 100 * time.Millisecond {
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
		if o.Transition != nil {
			s = append(s, o.Transition.To)
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
		switch {
		case o.Transition != nil:
			b.WriteString(o.Transition.At.String() + " " + string(o.Transition.From) + " -> " + string(o.Transition.To) + " (" + o.Transition.Reason + ")\n")
		case o.Intent != nil:
			b.WriteString(o.Intent.At.String() + "   " + string(o.Intent.Kind) + "\n")
		case o.Alert != nil:
			b.WriteString(o.Alert.At.String() + "   alert " + string(o.Alert.Level) + " (" + o.Alert.Reason + ")\n")
		}
	}
	return b.String()
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
				if o.Intent != nil && o.Intent.Say != nil {
					said = append(said, o.Intent.Kind)
				}
				if o.Alert != nil {
					alerts = append(alerts, o.Alert.Level)
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

// The built-in opt-out scenario: "stop" opts out within that one input.
func TestBuiltinOptOut(t *testing.T) {
	outs := closedLoop(t, "opt-out", behavior.DefaultConfig(), true, 40*time.Second)
	got := statesOf(outs)
	if len(got) == 0 || got[len(got)-1] != behavior.StateOptedOut {
		t.Fatalf("visited %v, want to end opted out\n%s", got, journal(outs))
	}
	for _, o := range outs {
		if o.Transition != nil && o.Transition.To == behavior.StateOptedOut && !strings.Contains(o.Transition.Reason, "stop") {
			t.Errorf("opted out for %q", o.Transition.Reason)
		}
	}
}
