package companion

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception/scenario"
)

// optOutSpoken is a scenario: a calm person in view says "stop" twice and
// answers the robot's questions aloud (the recordings beside the file; the
// recogniser says what they hold); %s is the answers. Her head is still,
// then nods once a bout after the answers, so that a confirmation moved
// to a nod would read a yes.
var optOutSpoken = optOutScenario("opt-out-spoken", calmThenStopTwice(),
	optOutPhase("still", 4500*time.Millisecond, false),
	optOutPhase("nods", 1500*time.Millisecond, true),
	optOutPhase("after", 20*time.Second, false)) + "answers:\n%s"

// End to end, the spoken opt-out is confirmed by voice: the real fusion,
// engine and answer desk, a fake speaker (each window opens as its
// question is decided) and a recogniser that hears, in turn, what the
// case says. A yes to "Shall I stop watching over you for now?" asks to
// be sure, by voice; only a plain yes to that opts out, the reason naming
// both answers. A no, the live hour's "oh so alright", or nothing keeps
// care on, and the confirmation is not asked again, by voice or by nod,
// though the face is in view and the head nods after it. With a spoken
// yes opting out at once (behavior's answerOptOut) every case fails.
func TestScenarioOptOutSpokenIsConfirmed(t *testing.T) {
	const q = `"Shall I stop watching over you for now?"`
	for _, tc := range []struct {
		name    string
		answers []string // the recordings' questions, in order
		heard   []string // what the recogniser hears in each
		steps   []string
		optedTo string // the opt-out's reason; "" for none
	}{
		{name: "yes, then yes", answers: []string{"opt_out", "opt_out_confirm"}, heard: []string{"yes", "yes"},
			steps:   []string{"opt_out asked", "opt_out answered voice yes", "opt_out_confirm asked", "opt_out_confirm answered voice yes"},
			optedTo: `said "stop" twice and "yes" to ` + q + `, then "yes" to the confirmation`},
		{name: "yes, then no", answers: []string{"opt_out", "opt_out_confirm"}, heard: []string{"yes", "no"},
			steps: []string{"opt_out asked", "opt_out answered voice yes", "opt_out_confirm asked", "opt_out_confirm answered voice no"}},
		{name: "oh so alright, twice", answers: []string{"opt_out", "opt_out_confirm"}, heard: []string{"oh so alright", "oh so alright"},
			steps: []string{"opt_out asked", "opt_out answered voice yes", "opt_out_confirm asked", "opt_out_confirm unclear", "opt_out_confirm let_be"}},
		{name: "yes, then nothing", answers: []string{"opt_out"}, heard: []string{"yes"},
			steps: []string{"opt_out asked", "opt_out answered voice yes", "opt_out_confirm asked", "opt_out_confirm no_answer", "opt_out_confirm let_be"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var answers strings.Builder
			for _, q := range tc.answers {
				name := filepath.Join(dir, q+".wav")
				writeWAV(t, name, tone(12800, 0.3)) // 0.8 s of speech
				answers.WriteString("  - {question: " + q + ", audio: " + filepath.Base(name) + "}\n")
			}
			path := filepath.Join(dir, "opt-out-spoken.yaml")
			if err := os.WriteFile(path, []byte(strings.Replace(optOutSpoken, "%s", answers.String(), 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			s, err := scenario.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			synctest.Test(t, func(t *testing.T) {
				var log optOutLog
				var fan Fanout
				fan.Add(log.record)
				// The default language, English: answered by voice.
				comp := realCompanion(t, "", fakeSpeaker{}, &fan, &fakeRecogniser{replies: tc.heard})
				if err := comp.Run(comp.PlayScenario(s.Name, scenario.NewPlayer(s), scenario.PlayOpts{})); err != nil {
					t.Fatal(err)
				}
				log.check(t, tc.steps, behavior.IntentConfirmOptOut, tc.optedTo, "without a plain second yes")
			})
		})
	}
}
