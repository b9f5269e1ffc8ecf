package companion

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// TestSummarySaysWhatIsWallClock: the summary names the figures a lab
// cannot expect again from the same input and seed (joint_commands
// 15,966 at --speed 1, 14,811 at 4 and 9,473 at 20 for pain-episode
// --seed 7), and each name is one of its own fields.
func TestSummarySaysWhatIsWallClock(t *testing.T) {
	r := newRig(t, 1, nil)
	raw, err := json.Marshal(r.comp.Summary(robot.LimiterStats{}, 1))
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	var named []string
	if err := json.Unmarshal(fields["wall_clock"], &named); err != nil {
		t.Fatalf("wall_clock: %v in %s", err, raw)
	}
	for _, want := range []string{"joint_commands", "dropped_frames", "latency_ms"} {
		if !slices.Contains(named, want) {
			t.Errorf("wall_clock %v does not name %s", named, want)
		}
	}
	for _, n := range named {
		if _, ok := fields[n]; !ok || n == "wall_clock" {
			t.Errorf("wall_clock names %q, not another field of the summary", n)
		}
	}
}

// TestSummary: the run's summary counts what the engine decided and the
// body did (states in the order first entered, transitions, utterances,
// alerts but not their resolutions, faults, the highest pain), takes the
// limiter's figures as they are, and names the session's condition and
// seed only once the engine has said what they are.
func TestSummary(t *testing.T) {
	cond := behavior.Condition{Name: "delayed-700", Mimicry: behavior.MimicryDelayed, Gain: 0.5,
		Delay: 700 * time.Millisecond, ComfortSpeech: true}
	episode := func(session bool) func(behavior.Input) []behavior.Output {
		return func(in behavior.Input) []behavior.Output {
			ev, ok := in.(*behavior.Observed)
			if !ok || ev.Kind != perception.EventArrived {
				return nil
			}
			at := ev.At
			var outs []behavior.Output
			if session {
				outs = append(outs, behavior.Session{Condition: cond, Seed: 42, Initial: behavior.StateIdle})
			}
			return append(outs,
				behavior.Transition{At: at, From: behavior.StateIdle, To: behavior.StateEngaging},
				behavior.Intent{At: at, Kind: behavior.IntentGreet, Say: &behavior.Utterance{Text: "hello"}},
				behavior.Transition{At: at, From: behavior.StateEngaging, To: behavior.StateAlerting},
				behavior.Alert{At: at, Level: behavior.AlertUrgent, Reason: "severe"},
				behavior.Intent{At: at, Kind: behavior.IntentStill}, // says nothing: not an utterance
				behavior.Transition{At: at, From: behavior.StateAlerting, To: behavior.StateEngaging},
				behavior.Alert{At: at, Level: behavior.AlertResolved, Reason: "eased"},
				behavior.SensorsChange{At: at, On: false},
			)
		}
	}
	ls := robot.LimiterStats{JointCommands: 17, Latency: robot.LatencyMS{P50: 1.5, P95: 4, Max: 9, N: 12}}
	for _, tc := range []struct {
		name    string
		session bool
		visited []string
		cond    *ConditionSummary
		seed    uint64
	}{
		{"with the session", true, []string{"idle", "engaging", "alerting"},
			&ConditionSummary{Name: "delayed-700", Mimicry: "delayed", Gain: 0.5, DelayMS: 700, ComfortSpeech: true}, 42},
		{"before the engine said", false, []string{"engaging", "alerting"}, nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, 20, episode(tc.session))
				r.comp.Bind(t.Context())
				if s := r.comp.Summary(ls, 20); s.Transitions != 0 || s.Condition != nil || !s.SensorsOn {
					t.Errorf("summary before the run: %+v", s)
				}
				start := func(ctx context.Context) error {
					r.comp.Face(perception.FaceObs{At: time.Second})
					r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
					r.comp.NoteFault("voice", errors.New("device gone"))
					time.Sleep(time.Second)
					synctest.Wait()
					r.comp.Stop()
					return nil
				}
				if err := r.comp.Run(start); err != nil {
					t.Fatal(err)
				}
				s := r.comp.Summary(ls, 20)
				if !slices.Equal(s.StatesVisited, tc.visited) {
					t.Errorf("states visited %v, want %v", s.StatesVisited, tc.visited)
				}
				if s.Transitions != 3 || s.Utterances != 1 || s.Alerts != 1 || s.Faults != 1 || s.MaxPain != 0.7 {
					t.Errorf("transitions %d, utterances %d, alerts %d, faults %d, max pain %g; want 3, 1, 1, 1, 0.7",
						s.Transitions, s.Utterances, s.Alerts, s.Faults, s.MaxPain)
				}
				if s.JointCommands != 17 || s.LatencyMS != (LatencySummary{P50: 1.5, P95: 4, Max: 9, N: 12}) || s.Speed != 20 {
					t.Errorf("joint commands %d, latency %+v, speed %g: not the limiter's and the clock's",
						s.JointCommands, s.LatencyMS, s.Speed)
				}
				if s.SensorsOn {
					t.Error("sensors on after the engine closed them")
				}
				if s.DurationS <= 0 {
					t.Errorf("duration %gs, want the session time run", s.DurationS)
				}
				switch {
				case tc.cond == nil && s.Condition != nil:
					t.Errorf("condition %+v before the engine named one", *s.Condition)
				case tc.cond != nil && (s.Condition == nil || *s.Condition != *tc.cond):
					t.Errorf("condition %+v, want %+v", s.Condition, *tc.cond)
				}
				if s.Seed != tc.seed {
					t.Errorf("seed %d, want %d", s.Seed, tc.seed)
				}
			})
		})
	}
}
