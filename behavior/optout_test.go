package behavior

import (
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// optOutReason is the reason of the transition to opted out in outs, or "".
func optOutReason(outs []Output) string {
	for _, o := range outs {
		if tr := of[Transition](o); tr != nil && tr.To == StateOptedOut {
			return tr.Reason
		}
	}
	return ""
}

func sensorsOff(outs []Output) bool {
	for _, o := range outs {
		if sc := of[SensorsChange](o); sc != nil && !sc.On {
			return true
		}
	}
	return false
}

// An opt-out word said twice, calmly, within opt_out.confirm asks "Shall I
// stop watching over you for now?" instead of opting out: two spotted
// words are not yet an explicit choice, and an opt-out switches every
// alert off. Only a yes confirmed by a second yes, in the way it was given
// (TestOptOutSpokenYesIsConfirmed, TestOptOutByNodIsConfirmed), a touch
// or the console opts out; the word a third time is no answer (the
// spotter's false words come in bursts), and a no or no answer leaves care
// on, the robot still and quiet for the rest of the window.
func TestOptOutQuestion(t *testing.T) {
	const q = `"Shall I stop watching over you for now?"`
	nod := func(h *harness, at float64, a selfreport.Answer) []Output {
		return h.feed(AnswerInput(Answered{At: sec(at), Question: QuestionOptOut, By: ByNod,
			Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Heard: "nod", Rating: selfreport.NoRating, Answer: a, Confidence: 1}}))
	}
	for _, tc := range []struct {
		name   string
		lang   string           // the persona's; "de" has no answer model: by nod
		then   func(h *harness) // from 10 s, the question asked at 10 s
		reason string           // of the opt-out; "" for none
		quiet  bool             // still and quiet for the rest of the window, care on
	}{
		{name: "yes, and yes to be sure", then: func(h *harness) {
			h.answer(14, QuestionOptOut, "yes")
			h.answer(20, QuestionOptOutConfirm, "yes")
		}, reason: `said "stop" twice and "yes" to ` + q + `, then "yes" to the confirmation`},
		{name: "yes in other words", then: func(h *harness) {
			h.answer(14, QuestionOptOut, "oh so alright")
			h.answer(20, QuestionOptOutConfirm, "yes please")
		}, reason: `said "stop" twice and "yes" ("oh so alright") to ` + q + `, then "yes" ("yes please") to the confirmation`},
		{name: "nodded yes, and again to be sure", lang: "de", then: func(h *harness) {
			nod(h, 14, selfreport.Yes)
			h.feed(AnswerInput(Answered{At: sec(20), Question: QuestionOptOutConfirm, By: ByNod,
				Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Heard: "nod", Rating: selfreport.NoRating, Answer: selfreport.Yes, Confidence: 1}}))
		}, reason: `said "stop" twice and nodded yes twice to ` + q},
		{name: "the word a third time is no answer", then: func(h *harness) { h.event(13, perception.EventKeyword, "go away") }},
		{name: "the word a third time, then yes", then: func(h *harness) {
			h.event(13, perception.EventKeyword, "go away")
			h.answer(16, QuestionOptOut, "yes")
			h.answer(22, QuestionOptOutConfirm, "yes")
		}, reason: `said "stop" twice and "yes" to ` + q + `, then "yes" to the confirmation`},
		{name: "unclear, then yes", then: func(h *harness) {
			h.answer(14, QuestionOptOut, "hmm")
			h.answer(20, QuestionOptOut, "yes")
			h.answer(26, QuestionOptOutConfirm, "yeah")
		}, reason: `said "stop" twice and "yes" to ` + q + `, then "yes" ("yeah") to the confirmation`},
		{name: "touch", then: func(h *harness) { h.event(12, perception.EventTouch, "head") },
			reason: `touch "head"`},
		{name: "console", then: func(h *harness) { h.command(12, Command{Cmd: CmdOptOut}) },
			reason: "console opt_out"},
		{name: "no", then: func(h *harness) { h.answer(14, QuestionOptOut, "no") }, quiet: true},
		{name: "shook their head", lang: "de", then: func(h *harness) { nod(h, 14, selfreport.No) }, quiet: true},
		{name: "no answer", then: func(h *harness) { h.hold(10.1, 60, 0) }, quiet: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig() // confirm 2 min, ask on
			cfg.Speech.Lang = tc.lang
			h := newHarness(t, cfg)
			h.arrive(6)
			h.event(8, perception.EventKeyword, "stop")
			got := h.event(10, perception.EventKeyword, "stop")
			if h.e.State() == StateOptedOut || sensorsOff(got) {
				t.Fatalf("stop said twice opted out unasked:\n%s", describe(got))
			}
			want := IntentAskOptOut
			if tc.lang == "de" {
				want = IntentAskOptOutNod
			}
			if k := spoken(got); !slices.Equal(k, []IntentKind{want}) {
				t.Fatalf("stop said twice: said %v, want %s\n%s", k, want, describe(got))
			}
			if l := listens(got); len(l) != 1 || l[0].Question != QuestionOptOut || l[0].Kind != selfreport.YesNoQuestion {
				t.Fatalf("listen %+v, want one for the opt_out question's yes or no", l)
			}
			before := len(h.outs)
			tc.then(h)
			after := h.outs[before:]
			if tc.reason != "" {
				wantOptedOut(t, h, after, tc.reason)
				return
			}
			if h.e.State() == StateOptedOut || sensorsOff(after) {
				t.Fatalf("opted out without a yes:\n%s", describe(after))
			}
			if !tc.quiet {
				return
			}
			if k := intents(after); len(k) == 0 || k[len(k)-1] != IntentStill {
				t.Errorf("after the question the robot was left moving: intents %v, want still last\n%s", k, describe(after))
			}
			// Care goes on: severe pain is still paged, and the robot says
			// nothing of its own until the window (from the first word) ends.
			before = len(h.outs)
			h.hold(60, 80, 8.5)
			if a := alerts(h.outs[before:]); !slices.Contains(a, AlertUrgent) {
				t.Errorf("severe pain after the question raised %v, want urgent", a)
			}
			h.hold(80, 127.9, 0)
			if s := spoken(h.outs[before:]); len(s) != 0 {
				t.Errorf("the robot spoke within the window it was asked to be quiet: %v\n%s", s, describe(h.outs[before:]))
			}
			before = len(h.outs)
			h.hold(128, 140, 5) // the window is over: care as before
			if s := spoken(h.outs[before:]); len(s) == 0 {
				t.Errorf("the robot said nothing to pain after the window\n%s", describe(h.outs[before:]))
			}
		})
	}
}

// A question left unanswered is asked once more, then let be, and the
// journal's records say so: a carer can see that the robot asked whether
// to stop and heard nothing. Care goes on.
func TestOptOutQuestionUnansweredIsRecorded(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.event(8, perception.EventKeyword, "stop")
	h.event(10, perception.EventKeyword, "stop")
	h.hold(10.1, 60, 0)
	var got []Outcome
	for _, o := range h.outs {
		if r := of[Reported](o); r != nil && r.Question == QuestionOptOut {
			got = append(got, r.Outcome)
		}
	}
	want := []Outcome{OutcomeAsked, OutcomeNone, OutcomeAsked, OutcomeNone, OutcomeLetBe}
	if !slices.Equal(got, want) {
		t.Errorf("opt_out records %v, want %v\n%s", got, want, describe(h.outs))
	}
	if h.e.State() == StateOptedOut {
		t.Error("no answer opted out")
	}
	// A late yes, given after the wait, is recorded and not acted on: the
	// robot no longer asks, and the next word is a lone one again.
	late := h.answer(70, QuestionOptOut, "yes")
	if r := reports(late); !slices.Equal(r, []Outcome{OutcomeLate}) || h.e.State() == StateOptedOut {
		t.Errorf("a yes after the question was let be: %v, state %s", r, h.e.State())
	}
	again := h.event(75, perception.EventKeyword, "stop")
	if len(listens(again)) != 0 || h.e.State() == StateOptedOut {
		t.Errorf("a stop after the question was let be asked or opted out at once:\n%s", describe(again))
	}
}

// The question is for a calm person only: a word said in distress hushes
// as before, however often (TestStopCriedInPainStillsButKeepsWatching),
// and nothing is asked; with opt_out.ask off the second word opts out
// unasked, as it did before the question.
func TestOptOutQuestionWhenNotAsked(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.event(7, perception.EventKeyword, "stop") // calm: stills the robot
	h.hold(7, 21, 5)                            // then in pain: concerned, comforting
	got := h.event(21, perception.EventKeyword, "stop")
	if len(listens(got)) != 0 || h.e.State() == StateOptedOut {
		t.Errorf("stop said again in distress asked or opted out:\n%s", describe(got))
	}
	if !slices.Contains(alerts(got), AlertWarning) {
		t.Errorf("stop in distress: alerts %v, want a warning to a carer\n%s", alerts(got), describe(got))
	}

	off := DefaultConfig()
	off.OptOut.Ask = false
	h = newHarness(t, off)
	h.arrive(6)
	h.event(8, perception.EventKeyword, "stop")
	got = h.event(10, perception.EventKeyword, "stop")
	if len(listens(got)) != 0 || h.e.State() != StateOptedOut {
		t.Fatalf("ask off: stop said twice left state %s, want opted_out unasked\n%s", h.e.State(), describe(got))
	}
	if r := optOutReason(got); r != `said "stop"` {
		t.Errorf("ask off: opted out for %q, want %q", r, `said "stop"`)
	}
	checkOptedOut(t, got)

	// The pair is spent: opted back in within opt_out.confirm of it, one
	// word stills the robot and does not opt out again.
	h.command(20, Command{Cmd: CmdOptIn})
	if h.e.State() == StateOptedOut {
		t.Fatalf("opt_in refused:\n%s", describe(h.outs))
	}
	got = h.event(30, perception.EventKeyword, "stop")
	if h.e.State() == StateOptedOut {
		t.Errorf("ask off: one word after opting back in opted out again\n%s", describe(got))
	}
}

// The word said again while the question is open is a wish for quiet: the
// robot keeps quiet for opt_out.confirm from then, past the first word's
// window, still sensing and still paging.
func TestStopWhileAskedKeepsTheRobotQuiet(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // confirm 2 min
	h.arrive(6)
	h.event(8, perception.EventKeyword, "stop") // quiet until 128 s
	h.event(10, perception.EventKeyword, "stop")
	h.hold(10, 40, 0)
	h.event(40, perception.EventKeyword, "stop") // the question is open: quiet until 160 s
	h.hold(40, 130, 0)
	before := len(h.outs)
	h.hold(130, 159.9, 8.5)
	if s := spoken(h.outs[before:]); len(s) != 0 {
		t.Errorf("the robot spoke within the quiet the third word asked for: %v\n%s", s, describe(h.outs[before:]))
	}
	if a := alerts(h.outs[before:]); !slices.Contains(a, AlertUrgent) {
		t.Errorf("severe pain while quiet raised %v, want urgent", a)
	}
	if h.e.State() == StateOptedOut {
		t.Error("the word a third time opted out")
	}
}

// wantOptedOut checks that the engine opted out, for reason, in the
// outputs after.
func wantOptedOut(t *testing.T, h *harness, after []Output, reason string) {
	t.Helper()
	if h.e.State() != StateOptedOut {
		t.Fatalf("state %s, want opted_out\n%s", h.e.State(), describe(after))
	}
	if r := optOutReason(after); r != reason {
		t.Errorf("opted out for %q, want %q", r, reason)
	}
}
