package companion

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/voices"
)

// wordySpeaker says each utterance in words, of session time: it reports
// it spoken only when its words end, as a real voice does, so a question's
// answer window opens words after the question was decided.
type wordySpeaker struct{ words time.Duration }

func (s wordySpeaker) Run(ctx context.Context, intents <-chan behavior.Intent, mouth chan<- robot.Command, spoken chan<- voices.Spoken) error {
	defer close(mouth)
	defer close(spoken)
	for {
		select {
		case <-ctx.Done():
			return nil
		case in, ok := <-intents:
			if !ok {
				return nil
			}
			if in.Say == nil {
				continue
			}
			select {
			case <-time.After(s.words):
			case <-ctx.Done():
				return nil
			}
			spoken <- voices.Spoken{At: in.At + s.words, Person: in.Person, Intent: in.Kind, Text: in.Say.Text}
		}
	}
}
func (wordySpeaker) Hear(perception.VoiceObs) {}

// optOutPhase is one phase of optOutBob: still, or nodding (a pitch sway
// of 8° every 600 ms), with events.
// optOutScenario is a scenario named name, of a calm person, Ruth, in
// view, in the given phases (optOutPhase).
func optOutScenario(name string, phases ...string) string {
	return "name: " + name + "\nnoise: 0.15\nperson: {id: ruth, name: Ruth}\nphases:\n" + strings.Join(phases, "")
}

// calmThenStopTwice is the calm phase, 8 s, in which the person says
// "stop" at 6 and 7 s.
func calmThenStopTwice() string {
	return optOutPhase("calm", 8*time.Second, false, "{at: 6s, kind: keyword, text: stop}", "{at: 7s, kind: keyword, text: stop}")
}

func optOutPhase(name string, d time.Duration, nodding bool, events ...string) string {
	sway := ""
	if nodding {
		sway = ", sway: {pitch: 8, period: 600ms}"
	}
	s := fmt.Sprintf(`  - name: %s
    duration: %v
    face: {expression: neutral, au: {AU12: 0.5}%s}
    posture: {amplitude: 0.2, speed: 0.2, jerk: 0.1, restlessness: 0.1, breathing: 14}
`, name, d, sway)
	if len(events) > 0 {
		s += "    events:\n"
		for _, e := range events {
			s += "      - " + e + "\n"
		}
	}
	return s
}

// A head that keeps nodding never confirms an opt-out. End to end (the
// real fusion, engine and answer desk; a speaker whose words take 2 s): a
// calm person in view says "stop" twice, at 6 and 7 s, and the robot,
// its persona German (no answer model), asks by nod whether to stop.
// Heads that bob through the question's words and its window, steadily or
// in bouts of nodding along (1.2 s of nodding, 1.2 s still), answer
// nothing, so care stays on: "help" said twice at 45 and 46 s pages the
// carer urgently. A head still while the question is said that nods after
// it, and again after the confirmation, opts out, and the later "help"
// raises nothing. With the desk's rule off (FromStill ignored: the reader
// reset as each window opens, as before) both bobbing cases opt out.
func TestScenarioBobbingHeadNeverOptsOut(t *testing.T) {
	const (
		stops = "{at: 6s, kind: keyword, text: stop}"
		stop2 = "{at: 7s, kind: keyword, text: stop}"
	)
	help := []string{"{at: 5s, kind: keyword, text: help}", "{at: 6s, kind: keyword, text: help}"}
	bouts := optOutPhase("calm", 3*time.Second, false)
	for i := range 12 { // 3 s to 31.8 s
		var ev []string
		if i == 1 { // starts at 5.4 s
			ev = []string{"{at: 600ms, kind: keyword, text: stop}", "{at: 1100ms, kind: keyword, text: stop}"}
		}
		bouts += optOutPhase(fmt.Sprintf("nodding along %d", i), 1200*time.Millisecond, true, ev...)
		bouts += optOutPhase(fmt.Sprintf("pause %d", i), 1200*time.Millisecond, false)
	}
	bouts += optOutPhase("still", 8200*time.Millisecond, false) // to 40 s
	for _, tc := range []struct {
		name    string
		phases  string // to 40 s
		optsOut bool
	}{
		{name: "bobbing steadily through the question and its window",
			phases: optOutPhase("calm", 3*time.Second, false) + optOutPhase("bobbing", 28*time.Second, true,
				"{at: 3s, kind: keyword, text: stop}", "{at: 4s, kind: keyword, text: stop}") +
				optOutPhase("still", 9*time.Second, false)},
		{name: "nodding along in bouts through the question and its window", phases: bouts},
		{name: "still, nodding after the question and after the confirmation", optsOut: true,
			// the question's words end at 9 s, the confirmation's 2 s
			// after the first nod (about 10.5 s)
			phases: optOutPhase("calm", 9500*time.Millisecond, false, stops, stop2) +
				optOutPhase("nods", 1500*time.Millisecond, true) +
				optOutPhase("still", 4*time.Second, false) +
				optOutPhase("nods again", 1500*time.Millisecond, true) +
				optOutPhase("still", 23500*time.Millisecond, false)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := optOutScenario("opt-out-bobbing", tc.phases, optOutPhase("after", 20*time.Second, false, help...))
			s, err := scenario.Parse("opt-out-bobbing", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				var (
					mu             sync.Mutex
					steps, optedTo []string
					urgent         []string
				)
				var fan Fanout
				fan.Add(func(r journal.Record) {
					mu.Lock()
					defer mu.Unlock()
					switch r := r.(type) {
					case journal.SelfReport:
						steps = append(steps, strings.TrimSpace(r.Question+" "+r.Outcome+" "+r.Answer))
					case journal.Transition:
						if r.To == string(behavior.StateOptedOut) {
							optedTo = append(optedTo, r.Reason)
						}
					case journal.Alert:
						if r.Level == journal.LevelUrgent {
							urgent = append(urgent, r.Reason)
						}
					}
				})
				comp := germanCompanion(t, wordySpeaker{2 * time.Second}, &fan)
				if err := comp.Run(comp.PlayScenario(s.Name, scenario.NewPlayer(s), scenario.PlayOpts{})); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				defer mu.Unlock()
				t.Logf("self_report records %q", steps)
				switch {
				case tc.optsOut && len(optedTo) != 1:
					t.Errorf("opted out %q, want once; self_report records %q", optedTo, steps)
				case !tc.optsOut && len(optedTo) != 0:
					t.Errorf("a bobbing head opted out (%q); self_report records %q", optedTo, steps)
				case !tc.optsOut && len(urgent) == 0:
					t.Errorf("care stayed on, yet \"help\" said twice paged nobody urgently; self_report records %q", steps)
				case tc.optsOut && len(urgent) != 0:
					t.Errorf("opted out, yet urgent alerts %q", urgent)
				}
			})
		})
	}
}
