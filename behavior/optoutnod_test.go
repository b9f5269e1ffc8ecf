package behavior

import (
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// nodTo answers q by head at at: a nod (yes), a head-shake (no), or, for
// NoAnswer, nothing read in the window.
func nodTo(h *harness, at float64, q Question, a selfreport.Answer) []Output {
	heard := map[selfreport.Answer]string{selfreport.Yes: "nod", selfreport.No: "head-shake"}[a]
	conf := 1.0
	if a == selfreport.NoAnswer {
		conf = selfreport.Unestimated
	}
	return h.feed(AnswerInput(Answered{At: sec(at), Question: q, By: ByNod, Face: true,
		Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Heard: heard, Rating: selfreport.NoRating, Answer: a, Confidence: conf}}))
}

// A nodded yes to "Shall I stop watching over you for now?" is not yet an
// opt-out: the nod reader's 0 false yes in 21 windows of real faces is
// thin, and a person nodding along to talk, or a head bobbing with
// laughter, must not switch every alert off. The robot asks once more, by
// nod, saying what a yes will do, and only a second nodded yes opts out.
// A shake, nothing or anything unclear keeps care on: the robot still and
// quiet for the rest of the window, the confirmation's records saying it
// was not given, and a severe pain afterwards paged urgently. A spoken
// yes is confirmed by voice (TestOptOutSpokenYesIsConfirmed).
//
// Each rule was switched off in turn to see this fail: answerOptOut
// opting out on the first nod fails every by-nod case (and
// TestOptOutQuestion's); opt_out_confirm left out of askingOptOut fails
// "the word a third time"; the confirmation asked again (mayAskAgain)
// fails the no-answer and unclear cases on their records; no still after
// a shake fails "shook their head", none after a let-be the no-answer and
// unclear cases; the confirmation not put while hushed fails them all.
func TestOptOutByNodIsConfirmed(t *testing.T) {
	const q = `"Shall I stop watching over you for now?"`
	for _, tc := range []struct {
		name    string
		then    func(h *harness) // from 14 s, the confirmation asked at 14 s; ends by 45 s
		reason  string           // of the opt-out; "" for care on
		records []Outcome        // the opt_out_confirm self-reports, from the asking
	}{
		{name: "nodded again", then: func(h *harness) { nodTo(h, 20, QuestionOptOutConfirm, selfreport.Yes) },
			reason:  `said "stop" twice and nodded yes twice to ` + q,
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "shook their head", then: func(h *harness) { nodTo(h, 20, QuestionOptOutConfirm, selfreport.No) },
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "nothing read in the window", then: func(h *harness) { nodTo(h, 23, QuestionOptOutConfirm, selfreport.NoAnswer) },
			records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{name: "no answer from the wiring", then: func(h *harness) { h.hold(14.1, 45, 0) },
			records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{name: "unclear", then: func(h *harness) {
			h.feed(AnswerInput(Answered{At: sec(20), Question: QuestionOptOutConfirm, By: ByNod, Err: "head poses lost",
				Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}}))
		}, records: []Outcome{OutcomeAsked, OutcomeUnclear, OutcomeLetBe}},
		{name: "a nod after the wait", then: func(h *harness) {
			h.hold(14.1, 40, 0)
			nodTo(h, 40, QuestionOptOutConfirm, selfreport.Yes)
		}, records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe, OutcomeLate}},
		{name: "the word a third time is no answer, then a nod", then: func(h *harness) {
			h.event(17, perception.EventKeyword, "stop")
			nodTo(h, 20, QuestionOptOutConfirm, selfreport.Yes)
		}, reason: `said "stop" twice and nodded yes twice to ` + q,
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "a second nod to the first question is not the confirmation", then: func(h *harness) {
			nodTo(h, 16, QuestionOptOut, selfreport.Yes)
			h.hold(16.1, 45, 0)
		}, records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig() // confirm 2 min, ask on
			cfg.Speech.Lang = "de" // no answer model: asked by nod
			h := newHarness(t, cfg)
			h.arrive(6)
			h.event(8, perception.EventKeyword, "stop")
			h.event(10, perception.EventKeyword, "stop")
			got := nodTo(h, 14, QuestionOptOut, selfreport.Yes)
			wantConfirmationAsked(t, h, got, ByNod, IntentConfirmOptOutNod)
			before := len(h.outs)
			tc.then(h)
			after := h.outs[before:]
			if r := reportsOf(h.outs, QuestionOptOutConfirm); !slices.Equal(r, tc.records) {
				t.Errorf("opt_out_confirm records %v, want %v\n%s", r, tc.records, describe(after))
			}
			if tc.reason != "" {
				wantOptedOut(t, h, after, tc.reason)
				return
			}
			if h.e.State() == StateOptedOut || sensorsOff(after) {
				t.Fatalf("opted out without a second nod:\n%s", describe(after))
			}
			if n := len(listens(after)); n != 0 {
				t.Errorf("the confirmation was put again (%d listens): it is asked once\n%s", n, describe(after))
			}
			wantStillAndCaring(t, h, after)
		})
	}
}

// The wiring is told to take a nodded yes only from a head still before
// it (Listen.FromStill) for the opt-out question and its confirmation,
// whose yes switches care off, and for no other question: a false yes to
// "Shall I call someone?" or "Does it hurt?" reaches a carer, and a head
// that cannot keep still must go on being able to nod yes to them. With
// FromStill set for every question the call and rating cases fail; with
// it set for none, the opt-out's.
func TestListenFromStillOnlyForTheOptOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		ask  func(h *harness) []Output
		q    Question
		want bool
	}{
		{name: "opt-out", q: QuestionOptOut, want: true, ask: func(h *harness) []Output {
			h.event(8, perception.EventKeyword, "stop")
			return h.event(10, perception.EventKeyword, "stop")
		}},
		{name: "opt-out's confirmation", q: QuestionOptOutConfirm, want: true, ask: func(h *harness) []Output {
			h.event(8, perception.EventKeyword, "stop")
			h.event(10, perception.EventKeyword, "stop")
			return nodTo(h, 14, QuestionOptOut, selfreport.Yes)
		}},
		{name: "call", q: QuestionCall, ask: func(h *harness) []Output {
			return h.event(8, perception.EventKeyword, "help")
		}},
		{name: "rating", q: QuestionRating, ask: func(h *harness) []Output {
			concernRises(h, 6)
			return h.outs
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Speech.Lang = "de" // no answer model: asked by nod
			h := newHarness(t, cfg)
			h.arrive(6)
			var l *Listen
			for _, x := range listens(tc.ask(h)) {
				if x.Question == tc.q {
					l = &x
				}
			}
			if l == nil || l.By != ByNod {
				t.Fatalf("no listen for %s by nod: %+v", tc.q, listens(h.outs))
			}
			if l.FromStill != tc.want {
				t.Errorf("%s: FromStill %v, want %v", tc.q, l.FromStill, tc.want)
			}
		})
	}
}

// wantConfirmationAsked checks, in the outputs got of one yes (by voice or
// by nod) to the opt-out question, that care is still on and that the
// confirmation was said as intent and listened for, by the same mode.
func wantConfirmationAsked(t *testing.T, h *harness, got []Output, by AnswerMode, intent IntentKind) {
	t.Helper()
	if h.e.State() == StateOptedOut || sensorsOff(got) {
		t.Fatalf("one yes by %s opted out:\n%s", by, describe(got))
	}
	if k := spoken(got); !slices.Equal(k, []IntentKind{intent}) {
		t.Fatalf("after one yes by %s: said %v, want %s\n%s", by, k, intent, describe(got))
	}
	if l := listens(got); len(l) != 1 || l[0].Question != QuestionOptOutConfirm || l[0].By != by ||
		l[0].Kind != selfreport.YesNoQuestion || l[0].Intent != intent {
		t.Fatalf("after one yes by %s: listen %+v, want one for opt_out_confirm by %s", by, l, by)
	}
}

// wantStillAndCaring checks, after an opt-out confirmation not given (the
// outputs after), that the robot was left still, and that care goes on:
// severe pain is paged, and the robot says nothing of its own until the
// window (from the first word, at 8 s) ends.
func wantStillAndCaring(t *testing.T, h *harness, after []Output) {
	t.Helper()
	if k := intents(after); len(k) == 0 || k[len(k)-1] != IntentStill {
		t.Errorf("after the confirmation the robot was left moving: intents %v, want still last\n%s", k, describe(after))
	}
	h.hold(45, 60, 0)
	before := len(h.outs)
	h.hold(60, 80, 8.5)
	if a := alerts(h.outs[before:]); !slices.Contains(a, AlertUrgent) {
		t.Errorf("severe pain after the confirmation raised %v, want urgent", a)
	}
	h.hold(80, 127.9, 0)
	if s := spoken(h.outs[before:]); len(s) != 0 {
		t.Errorf("the robot spoke within the window it was asked to be quiet: %v\n%s", s, describe(h.outs[before:]))
	}
}
