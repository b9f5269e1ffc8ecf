package companion

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
	"github.com/kindred-hri/kindred/voices"
)

// optOutByNod is a scenario: a calm person in view says "stop" twice, and
// the robot, whose persona speaks German (no answer model), asks by nod
// whether to stop; %s is the phases after the first nods.
var optOutByNod = optOutScenario("opt-out-by-nod", calmThenStopTwice(),
	optOutPhase("nods", 1500*time.Millisecond, true),
	optOutPhase("still", 3*time.Second, false),
	"%s", optOutPhase("after", 20*time.Second, false))

// End to end, the answer desk listens for a second nod: the real fusion,
// engine and desk, a fake speaker (each question's window opens as it is
// decided). One bout of nodding to "Shall I stop watching over you for
// now?" asks to be sure, by nod, and does not opt out; a second bout, to
// the confirmation, does, the reason naming both nods. With the engine's
// rule off (the first nod opts out) "one bout" fails.
func TestScenarioOptOutByNodIsConfirmed(t *testing.T) {
	const twice = `"Shall I stop watching over you for now?"`
	for _, tc := range []struct {
		name    string
		more    string // phases after the still
		steps   []string
		optedTo string // the opt-out's reason; "" for none
	}{
		{name: "one bout of nodding", steps: []string{"opt_out asked", "opt_out answered nod yes",
			"opt_out_confirm asked", "opt_out_confirm no_answer", "opt_out_confirm let_be"}},
		{name: "nodded again to the confirmation", more: optOutPhase("nods again", 1500*time.Millisecond, true), steps: []string{"opt_out asked", "opt_out answered nod yes", "opt_out_confirm asked", "opt_out_confirm answered nod yes"},
			optedTo: `said "stop" twice and nodded yes twice to ` + twice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.Parse("opt-out-by-nod", []byte(strings.Replace(optOutByNod, "%s", tc.more, 1)))
			if err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				var log optOutLog
				var fan Fanout
				fan.Add(log.record)
				comp := germanCompanion(t, fakeSpeaker{}, &fan)
				if err := comp.Run(comp.PlayScenario(s.Name, scenario.NewPlayer(s), scenario.PlayOpts{})); err != nil {
					t.Fatal(err)
				}
				log.check(t, tc.steps, behavior.IntentConfirmOptOutNod, tc.optedTo, "after one bout of nodding")
			})
		})
	}
}

// optOutLog records, from a companion's journal, the opt-out questions'
// self_report records, the intents said and the opt-outs' reasons.
type optOutLog struct {
	mu                   sync.Mutex
	steps, said, optedTo []string
}

func (l *optOutLog) record(r journal.Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch r := r.(type) {
	case journal.SelfReport:
		if strings.HasPrefix(r.Question, "opt_out") {
			l.steps = append(l.steps, strings.TrimSpace(r.Question+" "+r.Outcome+" "+
				map[bool]string{true: r.AnswerBy + " " + r.Answer}[r.Outcome == "answered"]))
		}
	case journal.Utterance:
		l.said = append(l.said, r.Intent)
	case journal.Transition:
		if r.To == string(behavior.StateOptedOut) {
			l.optedTo = append(l.optedTo, r.Reason)
		}
	}
}

// check wants the self_report records steps, the confirmation said as
// confirm, and an opt-out once for optedTo ("" for none; unwanted says when
// an opt-out came that should not have).
func (l *optOutLog) check(t *testing.T, steps []string, confirm behavior.IntentKind, optedTo, unwanted string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if strings.Join(l.steps, "|") != strings.Join(steps, "|") {
		t.Errorf("self_report records %q, want %q", l.steps, steps)
	}
	if !strings.Contains(strings.Join(l.said, " "), string(confirm)) {
		t.Errorf("said %v, want %s", l.said, confirm)
	}
	switch {
	case optedTo == "" && len(l.optedTo) != 0:
		t.Errorf("opted out (%q) %s", l.optedTo, unwanted)
	case optedTo != "" && (len(l.optedTo) != 1 || l.optedTo[0] != optedTo):
		t.Errorf("opted out %q, want once for %q", l.optedTo, optedTo)
	}
}

// speaker is what Parts.Speaker holds.
type speaker = interface {
	Run(ctx context.Context, intents <-chan behavior.Intent, mouth chan<- robot.Command, spoken chan<- voices.Spoken) error
	Hear(perception.VoiceObs)
}

// germanCompanion is a companion with real fusion and a real engine whose
// persona speaks German, a language without an answer model, so every
// question is put by nod; records go to fan.
func germanCompanion(t *testing.T, sp speaker, fan *Fanout) *Companion {
	t.Helper()
	return realCompanion(t, "de", sp, fan, nil)
}

// realCompanion is a companion with real fusion and a real engine whose
// persona speaks lang, spoken answers heard by answers (nil: none);
// records go to fan.
func realCompanion(t *testing.T, lang string, sp speaker, fan *Fanout, answers AnswerRecogniser) *Companion {
	t.Helper()
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	fu, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	cfg := behavior.DefaultConfig()
	cfg.Speech.Lang = lang
	e, err := behavior.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	comp, err := New(Parts{Clock: clock, Fuser: fu, Engine: e, Mirror: fakeMirror{}, Speaker: sp,
		Actuator: &fakeActuator{}, Records: fan, Answers: answers})
	if err != nil {
		t.Fatal(err)
	}
	comp.Bind(t.Context())
	return comp
}
