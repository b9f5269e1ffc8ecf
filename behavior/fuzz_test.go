package behavior

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// decodeInputs turns fuzz bytes into a sequence of inputs: every kind of
// input, odd values included (NaN scores, time going back, unknown words).
func decodeInputs(data []byte) []Input {
	var ins []Input
	at := time.Duration(0)
	words := []string{"stop", "ouch", "help", "go away", "hello", ""}
	kinds := []perception.EventKind{perception.EventArrived, perception.EventLeft, perception.EventKeyword,
		perception.EventTouch, perception.EventModalityLost, perception.EventModalityBack, "bogus"}
	cmds := []CommandKind{CmdPause, CmdResume, CmdOptOut, CmdOptIn, CmdSay, CmdIntent, CmdMimicry,
		CmdAnnotate, CmdApprove, CmdReplace, "bogus"}
	for i := 0; i+2 < len(data); i += 3 {
		op, a, b := data[i], data[i+1], data[i+2]
		step := time.Duration(a) * 100 * time.Millisecond
		if op&0x80 != 0 {
			at -= step / 4 // late input
		} else {
			at += step
		}
		switch op % 6 {
		case 0, 1:
			score := float64(b) / 20
			if b == 255 {
				score = nanValue()
			}
			ins = append(ins, AssessmentInput(perception.PainAssessment{At: at, Person: "p", Score: score,
				Confidence: float64(a%11) / 10, Present: b%7 != 0}))
		case 2:
			ins = append(ins, EventInput(perception.Event{At: at, Kind: kinds[int(b)%len(kinds)],
				Text: words[int(a)%len(words)], Modality: perception.ModFace}))
		case 3:
			g, d, on := float64(b)/200, int(a)*50, b%2 == 0
			ins = append(ins, CommandInput(Command{At: at, Cmd: cmds[int(b)%len(cmds)], Text: words[int(a)%len(words)],
				Kind: IntentKinds[int(a)%len(IntentKinds)], Intent: IntentKinds[int(b)%len(IntentKinds)],
				ID: uint64(a % 5), Gain: &g, DelayMS: &d, Enabled: &on}))
		case 4:
			ins = append(ins, FaultInput(Fault{At: at, Err: "x", Cleared: b%2 == 0}))
		case 5:
			if a%3 != 1 {
				ins = append(ins, TickInput(at))
				break
			}
			// An answer, to the open question or another, clear or not.
			answers := []string{"seven", "yes", "no", "about a two", "he was not", "", "my back"}
			qs := []Question{QuestionRating, QuestionCall, QuestionPlace, QuestionBreathe, QuestionOptOut}
			q := qs[int(b/7)%len(qs)]
			k := questionKind(q, ByVoice)
			ins = append(ins, AnswerInput(Answered{At: at, Question: q, By: ByVoice,
				Reply: selfreport.Parse(k, answers[int(b)%len(answers)]), Face: a%2 == 1}))
		}
	}
	return ins
}

func FuzzStep(f *testing.F) {
	f.Add([]byte{0, 10, 0, 0, 10, 0, 0, 10, 100, 0, 200, 100, 2, 0, 1, 3, 1, 3})
	f.Add([]byte{2, 0, 0, 2, 1, 2, 3, 0, 3, 5, 255, 0, 4, 1, 1, 4, 1, 0, 0, 5, 255})
	f.Add([]byte{0, 20, 140, 0, 20, 140, 0, 20, 140, 0, 255, 140, 5, 255, 0, 5, 255, 0, 0, 10, 0})
	f.Add([]byte{3, 0, 11, 3, 1, 8, 3, 2, 9, 131, 40, 1, 0, 30, 160, 2, 3, 2})
	f.Add([]byte{2, 10, 0, 0, 10, 20, 0, 10, 20, 0, 10, 20, 2, 2, 2}) // arrives, says "help" once: the stop settles it
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, wizard := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Supervision.Wizard = wizard
			e, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range decodeInputs(data) {
				before, now := e.State(), e.now
				cmd, isCmd := in.(*Command)
				ev, isEvent := in.(*Observed)
				optingIn := (isCmd && cmd.Cmd == CmdOptIn) || (isEvent && ev.Kind == perception.EventTouch)
				state := before
				for _, o := range e.step(in) {
					if o == nil {
						t.Fatal("a nil output")
					}
					if tr := of[Transition](o); tr != nil {
						if tr.From != state {
							t.Fatalf("transition from %s while in %s", tr.From, state)
						}
						state = tr.To
					}
					if before == StateOptedOut && !optingIn && of[Intent](o) != nil && of[Intent](o).Kind != IntentStill {
						t.Fatalf("opted out, yet %s", of[Intent](o).Kind)
					}
					if before == StateOptedOut && !optingIn && of[Listen](o) != nil {
						t.Fatalf("opted out, yet listening for an answer to %s", of[Listen](o).Question)
					}
					if tr := of[Transition](o); tr != nil && tr.To == StateOptedOut && isEvent && ev.Kind == perception.EventKeyword {
						// Words alone never switch care off: a yes to the
						// opt-out question, a touch or the console does.
						t.Fatalf("a spoken word opted out unasked: %s", tr.Reason)
					}
					if sc := of[SensorsChange](o); sc != nil && sc.On && before != StateOptedOut {
						t.Fatalf("sensors turned on from %s", before)
					}
				}
				if state != e.State() {
					t.Fatalf("transitions end in %s, engine in %s", state, e.State())
				}
				if e.now < now {
					t.Fatalf("time went back from %v to %v", now, e.now)
				}
			}
			// The stop settles a call for help still waiting, and moves
			// nothing: it only tells a carer.
			state := e.State()
			for _, o := range e.stopping() {
				if of[Transition](o) != nil || of[Intent](o) != nil {
					t.Fatalf("the stop moved the robot: %s", describe([]Output{o}))
				}
			}
			if e.alert.help || e.State() != state {
				t.Fatalf("after the stop: a call for help pending %v, state %s (was %s)", e.alert.help, e.State(), state)
			}
		}
	})
}
