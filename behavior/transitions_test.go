package behavior

import (
	"fmt"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// reach drives a fresh engine into state with real inputs and returns the
// observation time it got there, in seconds.
func reach(t *testing.T, h *harness, s State) float64 {
	t.Helper()
	var at float64
	switch s {
	case StateIdle:
	case StateAsleep:
		at = h.e.cfg.Presence.RestAfter.Seconds()
		h.tick(at)
	case StateEngaging:
		h.event(0, perception.EventArrived, "")
	case StateAttending:
		h.arrive(6)
		at = 6
	case StateConcerned:
		h.arrive(6)
		h.event(6, perception.EventKeyword, "ouch")
		at = 6
	case StateComforting:
		h.arrive(6)
		h.hold(6, 30, 5)
		at = 30
	case StateAlerting:
		h.arrive(6)
		h.callForHelp(5.5)
		at = 6.5
	case StatePaused:
		h.arrive(6)
		h.command(6, Command{Cmd: CmdPause})
		at = 6
	case StateOptedOut:
		h.optOutAloud(0, "stop")
	case StateFault:
		h.feed(FaultInput(Fault{Err: "servo 3 overheated"}))
	default:
		t.Fatalf("no way to reach %s", s)
	}
	if got := h.e.State(); got != s {
		t.Fatalf("reach %s: engine is in %s\n%s", s, got, describe(h.outs))
	}
	return at
}

// fireBy applies, at time at, real inputs that make the engine take trigger.
var fireBy = map[trigger]func(h *harness, at float64){
	trArrive:  func(h *harness, at float64) { h.event(at+0.1, perception.EventArrived, "") },
	trGreeted: func(h *harness, at float64) { h.tick(at + h.e.cfg.Presence.GreetFor.Seconds()) },
	trPainRising: func(h *harness, at float64) {
		h.event(at+0.1, perception.EventKeyword, "ouch")
	},
	trPainPersists: func(h *harness, at float64) { h.hold(at, at+12, 5) },
	// Calm long enough for any alert: one answering a call for help waits
	// for Alert.ReliefTimeout of calm (2 min).
	trPainEased: func(h *harness, at float64) { h.hold(at, at+130, 0) },
	trEscalate: func(h *harness, at float64) {
		// A call for help with distress already seen is urgent at once.
		moaning := assessment(at+0.05, 3)
		moaning.Items.Vocalisation = 2
		h.feed(AssessmentInput(moaning))
		h.event(at+0.1, perception.EventKeyword, "help")
	},
	trLeave: func(h *harness, at float64) {
		// In an episode the face lost ends the visit only once nobody has
		// been seen for Presence.LeaveAfter; before one, at once.
		h.event(at+0.1, perception.EventLeft, "")
		h.tick(at + 0.2 + h.e.cfg.Presence.LeaveAfter.Seconds())
	},
	trRest:  func(h *harness, at float64) { h.tick(at + h.e.cfg.Presence.RestAfter.Seconds()) },
	trPause: func(h *harness, at float64) { h.command(at+0.1, Command{Cmd: CmdPause}) },
	trResumeWithPerson: func(h *harness, at float64) {
		h.command(at+0.1, Command{Cmd: CmdResume})
	},
	trResumeAlone: func(h *harness, at float64) {
		h.event(at+0.1, perception.EventLeft, "")
		h.command(at+0.2, Command{Cmd: CmdResume})
	},
	trOptOut:       func(h *harness, at float64) { h.event(at+0.1, perception.EventTouch, "head") }, // a word in distress only stills (TestStopCriedInPainStillsButKeepsWatching)
	trOptIn:        func(h *harness, at float64) { h.command(at+0.1, Command{Cmd: CmdOptIn}) },
	trFault:        func(h *harness, at float64) { h.feed(FaultInput(Fault{At: sec(at + 0.1), Err: "bus error"})) },
	trFaultCleared: func(h *harness, at float64) { h.feed(FaultInput(Fault{At: sec(at + 0.1), Cleared: true})) },
}

// Every row of the transition table, from every source state, is taken by
// the running engine in response to real inputs.
func TestEveryTransition(t *testing.T) {
	for _, e := range transitions() {
		for _, from := range e.from {
			t.Run(fmt.Sprintf("%s/%s", e.on, from), func(t *testing.T) {
				h := newHarness(t, DefaultConfig())
				at := reach(t, h, from)
				do, ok := fireBy[e.on]
				if !ok {
					t.Fatalf("no input recipe for trigger %s", e.on)
				}
				before := len(h.outs)
				do(h, at)
				var first *Transition
				for _, o := range h.outs[before:] {
					if tr := of[Transition](o); tr != nil {
						first = tr
						break
					}
				}
				if first == nil || first.From != from || first.To != e.to {
					t.Fatalf("want %s -> %s, got %+v\n%s", from, e.to, first, describe(h.outs[before:]))
				}
				if first.Reason == "" {
					t.Errorf("transition without a reason")
				}
			})
		}
	}
}

// Opting out works from every state, by every means: a touch or the
// console within one input, a word said twice and a yes to the question
// it asks (said once it stills the robot:
// TestLoneStopStillsAndKeepsWatching; the question: TestOptOutQuestion);
// only a word said while in distress stills the robot instead, however
// often.
func TestOptOutFromEveryState(t *testing.T) {
	means := []struct {
		name string
		in   func(at float64) Input
	}{
		{"stop", func(at float64) Input {
			return EventInput(perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "Stop"})
		}},
		{"go away", func(at float64) Input {
			return EventInput(perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "go  away"})
		}},
		{"touch", func(at float64) Input {
			return EventInput(perception.Event{At: sec(at), Kind: perception.EventTouch, Text: "head"})
		}},
		{"console", func(at float64) Input { return CommandInput(Command{At: sec(at), Cmd: CmdOptOut}) }},
	}
	for _, s := range States {
		for _, m := range means {
			t.Run(string(s)+"/"+m.name, func(t *testing.T) {
				h := newHarness(t, DefaultConfig())
				at := reach(t, h, s)
				aloud := m.name == "stop" || m.name == "go away"
				distressed := s == StateConcerned || s == StateComforting || s == StateAlerting
				got := h.feed(m.in(at + 0.5))
				if aloud && s != StateOptedOut {
					got = h.feed(m.in(at + 1)) // the first stilled the robot
				}
				if aloud && s != StateOptedOut && !distressed {
					if h.e.State() == StateOptedOut || !slices.Contains(spoken(got), IntentAskOptOut) {
						t.Fatalf("state %s after %s twice, want the opt-out question asked\n%s", h.e.State(), m.name, describe(got))
					}
					h.answer(at+1.5, QuestionOptOut, "yes")
					got = h.answer(at+1.5, QuestionOptOutConfirm, "yes")
				}
				if s == StateOptedOut {
					if slices.Contains(intents(got), IntentOptOutAck) || len(visited(got)) > 0 {
						t.Fatalf("opting out twice acknowledged again:\n%s", describe(got))
					}
					return
				}
				if aloud && distressed {
					// A cry of "stop" in pain stills the robot but leaves it
					// watching (TestStopCriedInPainStillsButKeepsWatching).
					if h.e.State() == StateOptedOut || !slices.Contains(intents(got), IntentStill) {
						t.Fatalf("state %s after %s in distress, want still and not opted out\n%s", h.e.State(), m.name, describe(got))
					}
					return
				}
				if h.e.State() != StateOptedOut {
					t.Fatalf("state %s after %s, want opted_out\n%s", h.e.State(), m.name, describe(got))
				}
				checkOptedOut(t, got)
			})
		}
	}
}

// checkOptedOut asserts the outputs of the opting-out input: sensors off,
// still at once, then one spoken acknowledgement.
func checkOptedOut(t *testing.T, got []Output) {
	t.Helper()
	var sensorsOff bool
	for _, o := range got {
		if sc := of[SensorsChange](o); sc != nil && !sc.On {
			sensorsOff = true
		}
	}
	if !sensorsOff {
		t.Errorf("no Sensors{On:false}\n%s", describe(got))
	}
	if got := intents(got); !slices.Equal(got, []IntentKind{IntentStill, IntentOptOutAck}) {
		t.Errorf("intents %v, want [still opt_out_ack]", got)
	}
	if got := spoken(got); !slices.Equal(got, []IntentKind{IntentOptOutAck}) {
		t.Errorf("spoken %v, want the acknowledgement once", got)
	}
}

func TestOptedOutIgnoresSensingAndNeedsExplicitOptIn(t *testing.T) {
	cfg := DefaultConfig()
	cfg.OptOut.OptInTouch = []string{"hand"}
	h := newHarness(t, cfg)
	h.arrive(6)
	h.optOutAloud(7, "go away")
	before := len(h.outs)
	h.hold(8, 60, 9)                                          // severe pain still arriving: not looked at
	h.event(60, perception.EventKeyword, "help")              // microphone should be off; ignored
	h.event(61, perception.EventTouch, "head")                // the opt-out sensor does not opt in
	h.command(62, Command{Cmd: CmdSay, Text: "hello?"})       // refused
	h.command(63, Command{Cmd: CmdIntent, Kind: IntentGreet}) // refused
	if n := len(visited(h.outs[before:])); n != 0 || h.e.State() != StateOptedOut {
		t.Fatalf("opted-out engine moved:\n%s", describe(h.outs[before:]))
	}
	if k := intents(h.outs[before:]); !slices.Equal(k, []IntentKind{IntentStill}) {
		t.Fatalf("opted out, want only the final still once the acknowledgement is said: %v", k)
	}
	var rejected int
	for _, o := range h.outs[before:] {
		if r := of[Rejected](o); r != nil {
			rejected++
		}
	}
	if rejected != 2 {
		t.Errorf("%d rejections, want 2 (say, intent)\n%s", rejected, describe(h.outs[before:]))
	}
	got := h.event(64, perception.EventTouch, "hand")
	if h.e.State() != StateIdle {
		t.Fatalf("opt-in touch: state %s\n%s", h.e.State(), describe(got))
	}
	var on bool
	for _, o := range got {
		on = on || (of[SensorsChange](o) != nil && of[SensorsChange](o).On)
	}
	if !on || !slices.Equal(spoken(got), []IntentKind{IntentOptInAck}) {
		t.Errorf("opt-in outputs:\n%s", describe(got))
	}
	// Pain history was forgotten: a fresh arrival is needed before anything.
	h.hold(64, 66, 0)
	if h.e.State() != StateEngaging {
		t.Errorf("after opt-in and presence: state %s, want engaging", h.e.State())
	}
}

func TestOptInWithoutConfiguredTouchNeedsConsole(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.optOutAloud(1, "stop")
	h.event(2, perception.EventTouch, "hand")
	h.event(3, perception.EventTouch, "head")
	if h.e.State() != StateOptedOut {
		t.Fatalf("a touch opted back in without configuration: %s", h.e.State())
	}
	if got := h.command(4, Command{Cmd: CmdOptIn}); h.e.State() != StateIdle {
		t.Fatalf("console opt_in: state %s\n%s", h.e.State(), describe(got))
	}
	if got := h.command(5, Command{Cmd: CmdOptIn}); len(got) != 1 || of[Rejected](got[0]) == nil {
		t.Errorf("second opt_in: %s", describe(got))
	}
}

// A fault that arrives while opted out is not forgotten on opting in.
func TestFaultWhileOptedOut(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.optOutAloud(1, "stop")
	h.feed(FaultInput(Fault{At: sec(2), Err: "servo stalled"}))
	if h.e.State() != StateOptedOut {
		t.Fatalf("fault moved an opted-out engine to %s", h.e.State())
	}
	got := h.command(3, Command{Cmd: CmdOptIn})
	if want := []State{StateIdle, StateFault}; !slices.Equal(visited(got), want) {
		t.Fatalf("visited %v, want %v\n%s", visited(got), want, describe(got))
	}
	h.feed(FaultInput(Fault{At: sec(4), Cleared: true}))
	if h.e.State() != StateIdle {
		t.Fatalf("cleared: %s", h.e.State())
	}
}

// The final still comes once the acknowledgement has had time to be said,
// on observation time, and not at all if the person opts back in first.
func TestFinalStillAfterAcknowledgement(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // ack grace 6 s
	h.optOutAloud(1, "stop")
	if got := h.tick(6.9); len(intents(got)) != 0 {
		t.Fatalf("still before the grace: %s", describe(got))
	}
	if got := h.tick(7); !slices.Equal(intents(got), []IntentKind{IntentStill}) {
		t.Fatalf("at the grace: %s", describe(got))
	}
	if got := h.tick(60); len(got) != 0 {
		t.Fatalf("again later: %s", describe(got))
	}

	h2 := newHarness(t, DefaultConfig())
	h2.optOutAloud(1, "stop")
	h2.command(2, Command{Cmd: CmdOptIn})
	if got := h2.tick(10); slices.Contains(intents(got), IntentStill) {
		t.Fatalf("still after opting back in: %s", describe(got))
	}
}
