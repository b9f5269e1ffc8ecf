package companion

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/sessiontime"
)

// The answer desk tells the engine whether the person's face was in view
// as they answered (Answered.Face): the engine asks an unclear answer
// again by nod only then. With faceSeen always true the "never seen" and
// "gone" cases fail; always false, "in view" does.
func TestAnswerSaysWhetherTheFaceWasSeen(t *testing.T) {
	for _, tc := range []struct {
		name      string
		faceUntil time.Duration // faces are seen from 1 s until this
		want      bool
	}{
		{"in view as they answer", 10 * time.Second, true},
		{"never seen", 0, false},
		{"gone two seconds before the answer", 1500 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fr := &fakeRecogniser{reply: "hmm"}
				r, _ := answerRig(t, fr, askingEngine(behavior.ByVoice, 3*time.Second))
				r.comp.Bind(t.Context())
				err := r.comp.Run(func(ctx context.Context) error {
					r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
					for at := time.Second; at < 6*time.Second; at += 50 * time.Millisecond {
						if at < tc.faceUntil {
							r.comp.Face(perception.FaceObs{At: at, Track: 1})
						}
						time.Sleep(50 * time.Millisecond)
					}
					synctest.Wait()
					r.comp.Stop()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				got := r.engine.answers()
				if len(got) != 1 || got[0].Reply.Clear() || got[0].Reply.Heard != "hmm" {
					t.Fatalf("engine got %+v, want one unclear answer", got)
				}
				if got[0].Face != tc.want {
					t.Errorf("answer's Face %v, want %v", got[0].Face, tc.want)
				}
			})
		})
	}
}

// End to end (issue 16), testdata/nod-after-unclear.yaml: the real fusion
// and engine, a person in view who says "help" once, an answer the
// recogniser hears but does not understand, then a nod. The robot asks
// again by nod, saying why, and the nod pages the carer urgently; the
// journal records the repeat and the answer by nod. Without the engine's
// rule the repeat is by voice and no urgent alert comes; without the
// desk's Face the same.
func TestScenarioUnclearAnswerThenNod(t *testing.T) {
	dir := t.TempDir()
	doc, err := os.ReadFile("testdata/nod-after-unclear.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "nod-after-unclear.yaml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	writeWAV(t, filepath.Join(dir, "mumble.wav"), tone(12800, 0.3)) // 0.8 s
	s, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		j, err := journal.Open(ctx, filepath.Join(dir, "journal.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		w := j.NewWriter(journal.WriterOpts{Session: &journal.Session{ID: "s", Consent: true}})
		var fan Fanout
		fan.Add(func(r journal.Record) { w.Submit(r) })
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		fu, err := fusion.New(fusion.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		e, err := behavior.New(behavior.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		fr := &fakeRecogniser{reply: "hmm"} // heard, not understood
		comp, err := New(Parts{Clock: clock, Fuser: fu, Engine: e, Mirror: fakeMirror{}, Speaker: fakeSpeaker{},
			Actuator: &fakeActuator{}, Records: &fan, Answers: fr})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(ctx)
		comp.AddService(w.Run)
		comp.AddFinisher(w.End)
		if err := comp.Run(comp.PlayScenario(s.Name, scenario.NewPlayer(s), scenario.PlayOpts{})); err != nil {
			t.Fatal(err)
		}
		var steps, said, urgent []string
		for _, r := range sessionRecords(t, ctx, j) {
			switch r := r.(type) {
			case journal.SelfReport:
				if r.Question == "call" {
					steps = append(steps, r.Outcome+" "+r.AnswerBy+" "+r.Heard+r.Answer)
				}
			case journal.Utterance:
				said = append(said, r.Intent)
			case journal.Alert:
				if r.Level == journal.LevelUrgent {
					urgent = append(urgent, r.Reason)
				}
			}
		}
		want := []string{"asked voice ", "unclear voice hmm", "asked nod ", "answered nod nodyes"}
		if strings.Join(steps, "|") != strings.Join(want, "|") {
			t.Errorf("call question's records %q, want %q", steps, want)
		}
		if !strings.Contains(strings.Join(said, " "), string(behavior.IntentOfferCallNodUnclear)) {
			t.Errorf("said %v, want offer_call_nod_unclear", said)
		}
		if len(urgent) != 1 || !strings.Contains(urgent[0], `nodded (yes) to "Shall I call someone?"`) {
			t.Errorf("urgent alerts %q, want one naming the nod", urgent)
		}
	})
}
