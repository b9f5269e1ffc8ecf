package behavior

import (
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// answerSeen answers q by voice with text at at, the person's face in
// view (so that an unclear answer could be asked again by nod).
func (h *harness) answerSeen(at float64, q Question, text string) []Output {
	return h.feed(AnswerInput(Answered{At: sec(at), Question: q, By: ByVoice, Face: true,
		Reply: selfreport.Parse(questionKind(q, ByVoice), text)}))
}

// A spoken yes to "Shall I stop watching over you for now?" is not yet an
// opt-out: an hour of ordinary speech played to the live robot heard "oh
// so alright" as a yes to the question's repeat, and one false yes
// switched every alert off. The robot asks once more, by voice, saying
// what a yes will do, and only a plain spoken yes to that opts out, the
// reason naming both answers. A no, silence, anything unclear, or a yes
// in other words ("okay", "oh so alright") keeps care on: the confirmation
// is not asked again, by voice or by nod, the robot is still and quiet for
// the rest of the window, its records say it was not given, and pain is
// paged as before, also while the confirmation is open.
//
// Each rule was switched off in turn to see this fail: a spoken yes
// opting out at once (answerOptOut) fails every case here, and
// TestOptOutQuestion's; any yes taken for the confirmation (PlainYes
// left out of onAnswer) fails "okay" and "oh so alright"; the
// confirmation asked again (mayAskAgain) fails the unclear and silent
// cases, asked again by nod (nodAfterUnclear) the unclear ones.
func TestOptOutSpokenYesIsConfirmed(t *testing.T) {
	const q = `"Shall I stop watching over you for now?"`
	for _, tc := range []struct {
		name    string
		then    func(h *harness) // from 14 s, the confirmation asked at 14 s; ends by 45 s
		reason  string           // of the opt-out; "" for care on
		records []Outcome        // the opt_out_confirm self-reports, from the asking
		urgent  bool             // an urgent alert is raised in then
	}{
		{name: "yes", then: func(h *harness) { h.answer(20, QuestionOptOutConfirm, "yes") },
			reason:  `said "stop" twice and "yes" to ` + q + `, then "yes" to the confirmation`,
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "yeah", then: func(h *harness) { h.answer(20, QuestionOptOutConfirm, "yeah") },
			reason:  `said "stop" twice and "yes" to ` + q + `, then "yes" ("yeah") to the confirmation`,
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "no", then: func(h *harness) { h.answer(20, QuestionOptOutConfirm, "no") },
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "no thanks", then: func(h *harness) { h.answer(20, QuestionOptOutConfirm, "no thanks") },
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "okay is no plain yes", then: func(h *harness) { h.answerSeen(20, QuestionOptOutConfirm, "okay") },
			records: []Outcome{OutcomeAsked, OutcomeUnclear, OutcomeLetBe}},
		{name: "oh so alright is no plain yes", then: func(h *harness) { h.answerSeen(20, QuestionOptOutConfirm, "oh so alright") },
			records: []Outcome{OutcomeAsked, OutcomeUnclear, OutcomeLetBe}},
		{name: "unclear, face seen", then: func(h *harness) { h.answerSeen(20, QuestionOptOutConfirm, "hmm") },
			records: []Outcome{OutcomeAsked, OutcomeUnclear, OutcomeLetBe}},
		{name: "nothing heard", then: func(h *harness) { h.answer(23, QuestionOptOutConfirm, "") },
			records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{name: "no answer from the wiring", then: func(h *harness) { h.hold(14.1, 45, 0) },
			records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{name: "a second yes to the first question is not the confirmation", then: func(h *harness) {
			h.answer(16, QuestionOptOut, "yes")
			h.hold(16.1, 45, 0)
		}, records: []Outcome{OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{name: "the word a third time is no answer, then yes", then: func(h *harness) {
			h.event(17, perception.EventKeyword, "stop")
			h.answer(20, QuestionOptOutConfirm, "yes")
		}, reason: `said "stop" twice and "yes" to ` + q + `, then "yes" to the confirmation`,
			records: []Outcome{OutcomeAsked, OutcomeAnswered}},
		{name: "severe pain while it is open is paged", then: func(h *harness) {
			h.hold(14.1, 21.9, 8.5)
			h.answer(22, QuestionOptOutConfirm, "no")
		}, records: []Outcome{OutcomeAsked, OutcomeAnswered}, urgent: true},
		{name: "a call for help while it is open is paged", then: func(h *harness) {
			h.callForHelp(16)
			h.hold(17.1, 45, 0)
		}, records: []Outcome{OutcomeAsked, OutcomeLetBe}, urgent: true}, // dropped at the call (TestHelpDropsOptOutQuestion)
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // English: answered by voice
			h.arrive(6)
			h.event(8, perception.EventKeyword, "stop")
			h.event(10, perception.EventKeyword, "stop")
			got := h.answer(14, QuestionOptOut, "yes")
			wantConfirmationAsked(t, h, got, ByVoice, IntentConfirmOptOut)
			before := len(h.outs)
			tc.then(h)
			after := h.outs[before:]
			if r := reportsOf(h.outs, QuestionOptOutConfirm); !slices.Equal(r, tc.records) {
				t.Errorf("opt_out_confirm records %v, want %v\n%s", r, tc.records, describe(after))
			}
			if a := alerts(after); slices.Contains(a, AlertUrgent) != tc.urgent {
				t.Errorf("alerts %v while the confirmation was open, want urgent %v\n%s", a, tc.urgent, describe(after))
			}
			if tc.reason != "" {
				wantOptedOut(t, h, after, tc.reason)
				checkOptedOut(t, after)
				return
			}
			if h.e.State() == StateOptedOut || sensorsOff(after) {
				t.Fatalf("opted out without a plain second yes:\n%s", describe(after))
			}
			for _, l := range listens(after) {
				if l.Question.optingOut() {
					t.Errorf("the confirmation was put again (%+v): it is asked once\n%s", l, describe(after))
				}
			}
			if tc.urgent {
				return // the carer is on the way; the robot is no longer only quiet
			}
			wantStillAndCaring(t, h, after)
		})
	}
}
