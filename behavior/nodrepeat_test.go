package behavior

import (
	"errors"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// heard hands the engine a spoken answer to q as the recogniser understood
// text (or failed with err); face says the person's face was seen as they
// answered.
func (h *harness) heard(at float64, q Question, text string, err error, face bool) []Output {
	a := Answered{At: sec(at), Question: q, By: ByVoice, Reply: selfreport.Parse(questionKind(q, ByVoice), text), Face: face}
	if err != nil {
		a.Err = err.Error()
	}
	return h.feed(AnswerInput(a))
}

// nodded hands the engine a nod (yes) or a head-shake (no) to q, as the
// head-gesture reader delivers it.
func (h *harness) nodded(at float64, q Question, ans selfreport.Answer) []Output {
	gesture := map[selfreport.Answer]string{selfreport.Yes: "nod", selfreport.No: "head-shake"}[ans]
	return h.feed(AnswerInput(Answered{At: sec(at), Question: q, By: ByNod, Face: true,
		Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Heard: gesture, Answer: ans, Rating: selfreport.NoRating, Confidence: 1}}))
}

// questionOpen puts question q to the person by voice and returns when it
// was asked.
func questionOpen(t *testing.T, h *harness, q Question) float64 {
	t.Helper()
	switch q {
	case QuestionRating:
		h.arrive(6)
		concernRises(h, 6)
	case QuestionCall:
		callOnce(t, h)
	case QuestionPlace:
		rated(h, "seven")
		h.hold(12, 20, 3.5)
	case QuestionBreathe:
		offered(h)
	case QuestionOptOut:
		h.arrive(6)
		h.event(8, perception.EventKeyword, "stop")
		h.event(10, perception.EventKeyword, "stop")
	}
	l := listens(h.outs)
	if len(l) == 0 || l[len(l)-1].Question != q || l[len(l)-1].By != ByVoice || !h.e.dlg.open {
		t.Fatalf("want the %s question open by voice; listens %+v\n%s", q, l, describe(h.outs))
	}
	return l[len(l)-1].At.Seconds()
}

// nodConfig is the default with the place question and the breathing offer
// out of the way of the question under test, unless it is the one.
func nodConfig(q Question) Config {
	cfg := DefaultConfig()
	switch q {
	case QuestionRating:
		cfg.Comfort.Breathing = BreathingAlways
	case QuestionBreathe:
		cfg.SelfReport.PlaceFrom = 0
	}
	return cfg
}

// Issue 16: when a spoken answer is heard but not understood and the
// person's face is seen, the one repeat asks for a nod or a head-shake,
// with words that say why; silence, an unseen face, the policy turned off
// or "Where does it hurt?" keep the repeat as it was. Each case fails with
// its part of nodAfterUnclear switched off: the outcome (none), the face,
// the policy, the place question, or the whole rule (the nod cases).
func TestUnclearAnswerAskedAgainByNod(t *testing.T) {
	for _, tc := range []struct {
		name   string
		q      Question
		text   string // what the recogniser heard
		err    error  // the recogniser failed
		face   bool
		off    bool // self_report.nod_after_unclear: false
		by     AnswerMode
		intent IntentKind // the repeat's words
	}{
		{name: "rating unclear, face seen", q: QuestionRating, text: "hmm the", face: true, by: ByNod, intent: IntentAskPainNodUnclear},
		{name: "rating unclear, recogniser failed", q: QuestionRating, err: errors.New("decoding failed"), face: true,
			by: ByNod, intent: IntentAskPainNodUnclear},
		{name: "rating silent", q: QuestionRating, text: "", face: true, by: ByVoice, intent: IntentAskRating},
		{name: "rating unclear, no face", q: QuestionRating, text: "hmm the", by: ByVoice, intent: IntentAskRating},
		{name: "rating unclear, policy off", q: QuestionRating, text: "hmm the", face: true, off: true, by: ByVoice, intent: IntentAskRating},
		{name: "call unclear, face seen", q: QuestionCall, text: "hmm", face: true, by: ByNod, intent: IntentOfferCallNodUnclear},
		{name: "call silent", q: QuestionCall, face: true, by: ByVoice, intent: IntentOfferCall},
		{name: "breathe unclear, face seen", q: QuestionBreathe, text: "hmm", face: true, by: ByNod, intent: IntentOfferBreathingNodUnclear},
		{name: "opt-out never by nod", q: QuestionOptOut, text: "hmm", face: true, by: ByVoice, intent: IntentAskOptOut},
		{name: "place never by nod", q: QuestionPlace, text: "hmm", face: true, by: ByVoice, intent: IntentAskPlace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := nodConfig(tc.q)
			cfg.SelfReport.NodAfterUnclear = !tc.off
			h := newHarness(t, cfg)
			at := questionOpen(t, h, tc.q) + 2
			got := h.heard(at, tc.q, tc.text, tc.err, tc.face)
			wantFirst := OutcomeUnclear
			if tc.text == "" && tc.err == nil {
				wantFirst = OutcomeNone
			}
			if r := reportsOf(got, tc.q); !slices.Equal(r, []Outcome{wantFirst, OutcomeAsked}) {
				t.Fatalf("outcomes %v, want %s then asked again\n%s", r, wantFirst, describe(got))
			}
			l := listens(got)
			if len(l) != 1 || l[0].Question != tc.q || l[0].Attempt != 2 || l[0].By != tc.by || l[0].Intent != tc.intent {
				t.Fatalf("repeat %+v, want attempt 2 of %s by %s in the words of %s\n%s", l, tc.q, tc.by, tc.intent, describe(got))
			}
			if wantKind := questionKind(tc.q, tc.by); l[0].Kind != wantKind {
				t.Errorf("repeat listens for %s, want %s", l[0].Kind, wantKind)
			}
			if k := spoken(got); !slices.Equal(k, []IntentKind{tc.intent}) {
				t.Errorf("said %v, want %s", k, tc.intent)
			}
			for _, o := range got {
				if r := of[Reported](o); r != nil && r.Outcome == OutcomeAsked && (r.By != tc.by || r.Attempt != 2) {
					t.Errorf("the repeat is recorded by %s attempt %d, want by %s attempt 2", r.By, r.Attempt, tc.by)
				}
			}
		})
	}
}

// After the repeat by nod the answer is a nod or a head-shake, acted on as
// one: a nod to "Shall I call someone?" pages the carer urgently with the
// answer in the reason; a nod to "Does it hurt?" carries no number and
// asks no place; nothing at all lets the question be, with no third
// asking.
func TestNodRepeatIsAnsweredByNod(t *testing.T) {
	for _, tc := range []struct {
		name   string
		q      Question
		answer selfreport.Answer // NoAnswer: nothing comes
		check  func(t *testing.T, h *harness, got []Output)
	}{
		{name: "nod to the call question", q: QuestionCall, answer: selfreport.Yes, check: func(t *testing.T, h *harness, got []Output) {
			var reason string
			for _, o := range got {
				if a := of[Alert](o); a != nil && a.Level == AlertUrgent {
					reason = a.Reason
				}
			}
			if want := `asked for help ("help"), nodded (yes) to "Shall I call someone?"`; reason != want {
				t.Errorf("urgent alert's reason %q, want %q\n%s", reason, want, describe(got))
			}
		}},
		{name: "head-shake to the call question", q: QuestionCall, answer: selfreport.No, check: func(t *testing.T, h *harness, got []Output) {
			if a := alerts(got); !slices.Equal(a, []AlertLevel{AlertWarning}) {
				t.Errorf("alerts %v, want a warning: a carer is still told\n%s", a, describe(got))
			}
		}},
		{name: "nod to does it hurt", q: QuestionRating, answer: selfreport.Yes, check: func(t *testing.T, h *harness, got []Output) {
			for _, o := range got {
				if r := of[Reported](o); r != nil && r.Outcome == OutcomeAnswered {
					if v, ok := r.Rating(); ok {
						t.Errorf("a nod made a rating of %d", v)
					}
				}
			}
			at := h.e.now.Seconds()
			h.hold(at, at+30, 3.5)
			if n := asked(h.outs, QuestionPlace); n != 0 {
				t.Errorf("asked where it hurts %d times after a nod, want never", n)
			}
		}},
		{name: "nothing after the nod repeat", q: QuestionRating, check: func(t *testing.T, h *harness, got []Output) {
			at := h.e.now.Seconds()
			h.hold(at, at+60, 3.5)
			if r := reportsOf(h.outs, QuestionRating); !slices.Equal(r, []Outcome{OutcomeAsked, OutcomeUnclear, OutcomeAsked, OutcomeNone, OutcomeLetBe}) {
				t.Errorf("outcomes %v, want asked, unclear, asked, none, let be\n%s", r, describe(h.outs))
			}
			for _, o := range h.outs {
				if r := of[Reported](o); r != nil && r.Attempt == 2 && r.By != ByNod {
					t.Errorf("attempt 2 %s recorded by %s, want nod", r.Outcome, r.By)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nodConfig(tc.q))
			at := questionOpen(t, h, tc.q) + 2
			h.heard(at, tc.q, "hmm the", nil, true)
			if l := listens(h.outs); l[len(l)-1].By != ByNod {
				t.Fatalf("the repeat is by %s, want nod\n%s", l[len(l)-1].By, describe(h.outs))
			}
			var got []Output
			if tc.answer != selfreport.NoAnswer {
				got = h.nodded(at+8, tc.q, tc.answer)
				rep := reportsOf(got, tc.q)
				if len(rep) == 0 || rep[0] != OutcomeAnswered {
					t.Fatalf("the nod's outcomes %v, want answered\n%s", rep, describe(got))
				}
				for _, o := range got {
					if r := of[Reported](o); r != nil && r.Outcome == OutcomeAnswered && (r.By != ByNod || r.Attempt != 2) {
						t.Errorf("answer recorded by %s attempt %d, want by nod attempt 2", r.By, r.Attempt)
					}
				}
			}
			tc.check(t, h, got)
		})
	}
}

// A question already put by nod (no answer model for the language) is put
// again as it was: "I couldn't hear you" would be wrong for a nod.
func TestNodQuestionRepeatedAsItWas(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Speech.Lang = "de"
	h := newHarness(t, cfg)
	h.arrive(6)
	h.event(10, perception.EventKeyword, "help")
	got := h.feed(AnswerInput(Answered{At: sec(14), Question: QuestionCall, By: ByNod, Face: true, Err: "head poses stopped",
		Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Rating: selfreport.NoRating, Confidence: selfreport.Unestimated}}))
	if l := listens(got); len(l) != 1 || l[0].Attempt != 2 || l[0].By != ByNod || l[0].Intent != IntentOfferCallNod {
		t.Fatalf("repeat %+v, want attempt 2 by nod in the words of offer_call_nod\n%s", l, describe(got))
	}
}
