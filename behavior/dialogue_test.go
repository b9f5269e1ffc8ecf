package behavior

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// answer hands the engine what the wiring understood of an answer.
func (h *harness) answer(at float64, q Question, text string) []Output {
	k := questionKind(q, ByVoice)
	return h.feed(AnswerInput(Answered{At: sec(at), Question: q, By: ByVoice, Reply: selfreport.Parse(k, text)}))
}

func reports(outs []Output) []Outcome {
	var r []Outcome
	for _, o := range outs {
		if rep := of[Reported](o); rep != nil {
			r = append(r, rep.Outcome)
		}
	}
	return r
}

func listens(outs []Output) []Listen {
	var l []Listen
	for _, o := range outs {
		if of[Listen](o) != nil {
			l = append(l, *of[Listen](o))
		}
	}
	return l
}

func count[T comparable](list []T, v T) int {
	n := 0
	for _, x := range list {
		if x == v {
			n++
		}
	}
	return n
}

// concernRises arrives, then holds concern-level pain until concerned.
func concernRises(h *harness, from float64) {
	h.hold(from, from+7, 3.5)
	if s := h.e.State(); s != StateConcerned {
		h.t.Fatalf("state %s, want concerned\n%s", s, describe(h.outs))
	}
}

func TestAsksForARatingWhenConcernRises(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	concernRises(h, 6)
	if n := count(spoken(h.outs), IntentAskRating); n != 1 {
		t.Fatalf("asked for a rating %d times, want 1\n%s", n, describe(h.outs))
	}
	l := listens(h.outs)
	if len(l) != 1 || l[0].Question != QuestionRating || l[0].Kind != selfreport.RatingQuestion || l[0].By != ByVoice ||
		l[0].Window != DefaultConfig().SelfReport.Window {
		t.Fatalf("listen %+v, want one for a rating by voice for the window", l)
	}
	got := h.answer(16, QuestionRating, "about a seven")
	if r := reports(got); !slices.Equal(r, []Outcome{OutcomeAnswered}) {
		t.Fatalf("reports %v, want answered\n%s", r, describe(got))
	}
	rep := of[Reported](got[0])
	if v, ok := rep.Rating(); !ok || v != 7 || rep.Reply.Heard != "about a seven" || rep.Person != "ada" {
		t.Errorf("reported %+v, want rating 7 heard \"about a seven\" for ada", rep)
	}
	// The question was answered: no repeat when its wait runs out.
	h.hold(16, 60, 3.5)
	if n := count(spoken(h.outs), IntentAskRating); n != 1 {
		t.Errorf("asked %d times after a clear answer, want 1\n%s", n, describe(h.outs))
	}
}

// The robot never nags: a second rise of concern within MinInterval does
// not ask again; one after it does.
func TestRatingQuestionRateLimit(t *testing.T) {
	cfg := DefaultConfig()
	h := newHarness(t, cfg)
	h.arrive(6)
	concernRises(h, 6)
	h.answer(16, QuestionRating, "four")
	h.hold(16, 40, 0) // eases
	if s := h.e.State(); s != StateAttending {
		t.Fatalf("state %s, want attending", s)
	}
	concernRises(h, 40) // well within five minutes
	if n := count(spoken(h.outs), IntentAskRating); n != 1 {
		t.Errorf("asked %d times within min_interval, want 1\n%s", n, describe(h.outs))
	}
	h.hold(47, 60, 0)
	at := 6 + cfg.SelfReport.MinInterval.Seconds() + 5
	h.hold(60, at, 0)
	concernRises(h, at)
	if n := count(spoken(h.outs), IntentAskRating); n != 2 {
		t.Errorf("asked %d times after min_interval, want 2", n)
	}
}

// No answer, or an unclear one, is asked once more; then the robot lets
// it be and does not ask again.
func TestAsksOnceMoreThenLetsBe(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer func(h *harness, at float64) // nil: no answer comes
		want   []Outcome
	}{
		{"no answer", nil, []Outcome{OutcomeAsked, OutcomeNone, OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{"unclear", func(h *harness, at float64) { h.answer(at, QuestionRating, "he was not an ill disposed young man") },
			[]Outcome{OutcomeAsked, OutcomeUnclear, OutcomeAsked, OutcomeUnclear, OutcomeLetBe}},
		{"silence from the recogniser", func(h *harness, at float64) { h.answer(at, QuestionRating, "") },
			[]Outcome{OutcomeAsked, OutcomeNone, OutcomeAsked, OutcomeNone, OutcomeLetBe}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Comfort.Breathing = BreathingAlways // the rating question alone
			h := newHarness(t, cfg)
			h.arrive(6)
			concernRises(h, 6)
			for at := 13.0; at < 120; at += 0.1 {
				h.assess(at, 3.5)
				if tc.answer != nil && h.e.dlg.open && h.e.now-h.e.dlg.askedAt >= sec(9) && h.e.now-h.e.dlg.askedAt < sec(9.1) {
					tc.answer(h, at)
				}
			}
			if got := reports(h.outs); !slices.Equal(got, tc.want) {
				t.Errorf("outcomes %v, want %v\n%s", got, tc.want, describe(h.outs))
			}
			if n := count(spoken(h.outs), IntentAskRating); n != 2 {
				t.Errorf("asked %d times, want 2 (once more, then let be)", n)
			}
		})
	}
}

// callOnce says "help" once in attending: the robot asks "Shall I call
// someone?" and waits for the answer.
func callOnce(t *testing.T, h *harness) {
	t.Helper()
	h.arrive(6)
	h.event(10, perception.EventKeyword, "help")
	l := listens(h.outs)
	if len(l) != 1 || l[0].Question != QuestionCall || l[0].Kind != selfreport.YesNoQuestion {
		t.Fatalf("listen %+v, want one for the call question\n%s", l, describe(h.outs))
	}
}

// "Yes" to "Shall I call someone?" is the second cue: an urgent alert whose
// reason carries the answer.
func TestYesToCallRaisesUrgentAlertWithTheAnswer(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	callOnce(t, h)
	got := h.answer(15, QuestionCall, "yes please")
	if a := alerts(got); !slices.Equal(a, []AlertLevel{AlertUrgent}) {
		t.Fatalf("alerts %v, want urgent\n%s", a, describe(got))
	}
	var reason string
	for _, o := range got {
		if a := of[Alert](o); a != nil {
			reason = a.Reason
		}
	}
	want := `asked for help ("help"), answered "yes" ("yes please") to "Shall I call someone?"`
	if reason != want {
		t.Errorf("reason %q, want %q", reason, want)
	}
	// Settled: the corroboration wait raises nothing more.
	h.hold(15, 60, 0)
	if a := alerts(h.outs); !slices.Equal(a, []AlertLevel{AlertUrgent}) {
		t.Errorf("alerts %v, want the one urgent", a)
	}
}

// "No" settles the call for help at warning level, as the path without a
// second cue does: a carer is told, never nobody.
func TestNoToCallStillWarnsACarer(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	callOnce(t, h)
	got := h.answer(15, QuestionCall, "no thank you")
	if a := alerts(got); !slices.Equal(a, []AlertLevel{AlertWarning}) {
		t.Fatalf("alerts %v, want warning\n%s", a, describe(got))
	}
	for _, o := range got {
		if a := of[Alert](o); a != nil && !strings.Contains(a.Reason, `answered "no"`) {
			t.Errorf("reason %q does not carry the answer", a.Reason)
		}
	}
	h.hold(15, 60, 0)
	if a := alerts(h.outs); !slices.Equal(a, []AlertLevel{AlertWarning}) {
		t.Errorf("alerts %v, want the one warning (not again when the wait runs out)", a)
	}
}

// No asking while the person has opted out, the robot is paused or hushed,
// or an urgent alert is out.
func TestNoRatingQuestionWhenItMustNotAsk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
	}{
		{"paused", func(h *harness) { h.command(7, Command{Cmd: CmdPause}) }},
		{"opted out", func(h *harness) { h.command(7, Command{Cmd: CmdOptOut}) }},
		{"urgent alert", func(h *harness) { h.callForHelp(7) }},
		{"hushed", func(h *harness) { h.hold(6, 12, 5); h.feed(EventInput(stopWord(12))); h.hold(12, 14, 5) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			// A check-in falls due within the test (at 66 s), whatever the
			// state: only the guards keep it from asking.
			cfg.SelfReport.MinInterval, cfg.SelfReport.CheckIn = time.Minute, time.Minute
			h := newHarness(t, cfg)
			h.arrive(6)
			tc.setup(h)
			from := len(h.outs)
			h.hold(14, 20, 3.5)
			h.hold(20, 130, 5) // within the hush
			for _, k := range []IntentKind{IntentAskRating, IntentAskPainNod} {
				if n := count(intents(h.outs[from:]), k); n != 0 {
					t.Errorf("%s %d times, want none\n%s", k, n, describe(h.outs))
				}
			}
			if l := listens(h.outs[from:]); len(l) != 0 {
				t.Errorf("listened for %d answers, want none\n%s", len(l), describe(h.outs))
			}
		})
	}
}

// A care plan's check-in asks for a rating with no sign of pain.
func TestCheckInDueAsks(t *testing.T) {
	cfg := DefaultConfig()
	cfg.SelfReport.CheckIn = 10 * 60e9 // ten minutes
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 590, 0)
	if n := count(spoken(h.outs), IntentAskRating); n != 0 {
		t.Fatalf("asked %d times before the check-in was due", n)
	}
	h.hold(590, 640, 0)
	var first int
	for _, l := range listens(h.outs) {
		if l.Attempt == 1 {
			first++
		}
	}
	if first != 1 {
		t.Errorf("asked %d times when the check-in was due, want 1\n%s", first, describe(h.outs))
	}
}

// In a language without an answer model the robot asks for a nod, and a
// nod answers yes.
func TestNodFallback(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Speech.Lang = "de"
	h := newHarness(t, cfg)
	h.arrive(6)
	h.event(10, perception.EventKeyword, "help")
	if k := spoken(h.outs); !slices.Contains(k, IntentOfferCallNod) || slices.Contains(k, IntentOfferCall) {
		t.Fatalf("said %v, want offer_call_nod", k)
	}
	l := listens(h.outs)
	if len(l) != 1 || l[0].By != ByNod || l[0].Kind != selfreport.YesNoQuestion {
		t.Fatalf("listen %+v, want by nod for yes/no", l)
	}
	got := h.feed(AnswerInput(Answered{At: sec(14), Question: QuestionCall, By: ByNod,
		Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Answer: selfreport.Yes, Rating: selfreport.NoRating, Heard: "nod", Confidence: 1}}))
	var reason string
	for _, o := range got {
		if a := of[Alert](o); a != nil {
			reason = a.Reason
		}
	}
	if want := `asked for help ("help"), nodded (yes) to "Shall I call someone?"`; reason != want {
		t.Errorf("reason %q, want %q\n%s", reason, want, describe(got))
	}
	cfg.Speech.Lang = ""
	cfg.SelfReport.Lang = "fr"
	if cfg.answersByVoice() {
		t.Error("a French persona answers by voice; want by nod (no French answer model)")
	}
	cfg.SelfReport.Lang = "en-GB"
	if !cfg.answersByVoice() {
		t.Error("an en-GB persona answers by nod; want by voice")
	}
}

func TestLateAnswerIsRecordedNotActedOn(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	got := h.answer(8, QuestionCall, "yes")
	if r := reports(got); !slices.Equal(r, []Outcome{OutcomeLate}) || len(alerts(got)) != 0 {
		t.Errorf("late yes: reports %v alerts %v, want late and no alert", r, alerts(got))
	}
}

// An answer given within the wait but understood after the question was
// let be still stands; one given after the wait is late.
func TestAnswerGivenInTimeUnderstoodLate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		given float64 // seconds after the repeat's wait ended
		want  Outcome
	}{
		{"given in time", -2, OutcomeAnswered},
		{"given after the wait", 1, OutcomeLate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			h.arrive(6)
			concernRises(h, 6)
			var repeatAt time.Duration
			for at := 13.0; at < 60; at += 0.1 {
				h.assess(at, 3.5)
				if h.e.dlg.open && h.e.dlg.attempt == 2 && repeatAt == 0 {
					repeatAt = h.e.dlg.askedAt
				}
			}
			if got := reports(h.outs); !slices.Contains(got, OutcomeLetBe) || repeatAt == 0 {
				t.Fatalf("outcomes %v, want the question repeated, then let be", got)
			}
			until := repeatAt + DefaultConfig().SelfReport.Wait
			got := h.feed(AnswerInput(Answered{At: until + sec(tc.given), Question: QuestionRating, By: ByVoice,
				Reply: selfreport.Parse(selfreport.RatingQuestion, "three")}))
			if r := reports(got); !slices.Equal(r, []Outcome{tc.want}) {
				t.Errorf("outcomes %v, want %v\n%s", r, tc.want, describe(got))
			}
		})
	}
}

// A yes to "Shall I call someone?" asks for help, and it stands when it was
// given within the wait, whatever became of the dialogue before the
// recogniser was done: a person who said yes and then left the camera's
// view (who may have fallen) is paged urgently, with their answer, as if
// they had stayed; so is one the robot was paused, faulty or hushed for.
// A late yes to the opt-out question stays late: care is not switched off
// by an answer to a question the robot has moved on from.
func TestAnswerToCallStandsWhateverBecameOfTheDialogue(t *testing.T) {
	const yes = `asked for help ("help"), answered "yes" to "Shall I call someone?"`
	for _, tc := range []struct {
		name   string
		before func(h *harness) // between the question (10 s) and the answer being understood
		q      Question
		text   string
		given  float64 // when the answer was given
		want   Outcome
		alerts []AlertLevel // from the question on, until 60 s
		reason string       // the last alert's reason
	}{
		{"stayed", func(h *harness) { h.hold(10, 15, 0) }, QuestionCall, "yes", 14, OutcomeAnswered,
			[]AlertLevel{AlertUrgent}, yes},
		{"left view, absent for leave_after", func(h *harness) {
			for at := 11.0; at < 20; at += 0.1 {
				h.absent(at)
			}
			if s := h.e.State(); s != StateIdle {
				h.t.Fatalf("state %s after 9 s absent, want idle\n%s", s, describe(h.outs))
			}
		}, QuestionCall, "yes", 14, OutcomeAnswered, []AlertLevel{AlertUrgent}, yes},
		{"left view, told by an event", func(h *harness) { h.event(12, perception.EventLeft, "") },
			QuestionCall, "yes", 14, OutcomeAnswered, []AlertLevel{AlertUrgent}, yes},
		{"paused", func(h *harness) { h.command(12, Command{Cmd: CmdPause}) },
			QuestionCall, "yes", 14, OutcomeAnswered, []AlertLevel{AlertUrgent}, yes},
		{"faulty", func(h *harness) { h.feed(FaultInput(Fault{At: sec(12), Err: "stall"})) },
			QuestionCall, "yes", 14, OutcomeAnswered, []AlertLevel{AlertUrgent}, yes},
		{"hushed by a stop in distress", func(h *harness) { h.event(12, perception.EventKeyword, "stop") },
			QuestionCall, "yes", 14, OutcomeAnswered, []AlertLevel{AlertWarning, AlertUrgent}, yes},
		{"no, after leaving: the carer is told, with the answer", func(h *harness) { h.event(12, perception.EventLeft, "") },
			QuestionCall, "no", 14, OutcomeAnswered, []AlertLevel{AlertWarning},
			`asked for help ("help") once, answered "no" to "Shall I call someone?"`},
		{"given after the wait: late, and the lone call still warns", func(h *harness) {
			h.event(12, perception.EventLeft, "")
			h.tick(12 + h.e.cfg.Presence.LeaveAfter.Seconds() + 0.1) // out of view that long: the visit ends
		},
			QuestionCall, "yes", 31, OutcomeLate, []AlertLevel{AlertWarning},
			`asked for help ("help") once, with no other sign of distress within 30s`},
		{"a late yes to the opt-out question stays late", func(h *harness) {
			h.event(10, perception.EventKeyword, "stop")
			h.event(10.5, perception.EventKeyword, "stop")
			if n := asked(h.outs, QuestionOptOut); n != 1 {
				h.t.Fatalf("opt-out question asked %d times, want 1\n%s", n, describe(h.outs))
			}
			h.event(12, perception.EventLeft, "")
		}, QuestionOptOut, "yes", 14, OutcomeLate, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			if tc.q == QuestionCall {
				callOnce(t, h)
			} else {
				h.arrive(6)
			}
			from := len(h.outs)
			tc.before(h)
			got := h.answer(tc.given, tc.q, tc.text)
			if r := reportsOf(got, tc.q); !slices.Equal(r, []Outcome{tc.want}) {
				t.Errorf("outcomes %v, want %v\n%s", r, tc.want, describe(h.outs[from:]))
			}
			for _, o := range got {
				if r := of[Reported](o); r != nil && r.Outcome == OutcomeAnswered && r.Person != "ada" {
					t.Errorf("the answer is recorded for %q, want ada", r.Person)
				}
			}
			h.tick(60)
			var reason string
			for _, o := range h.outs[from:] {
				if a := of[Alert](o); a != nil {
					reason = a.Reason
				}
			}
			if a := alerts(h.outs[from:]); !slices.Equal(a, tc.alerts) {
				t.Fatalf("alerts %v, want %v\n%s", a, tc.alerts, describe(h.outs[from:]))
			}
			if reason != tc.reason {
				t.Errorf("reason %q, want %q", reason, tc.reason)
			}
			for _, o := range h.outs[from:] {
				if a := of[Alert](o); a != nil && tc.q == QuestionCall && tc.want == OutcomeAnswered && a.Person != "ada" {
					t.Errorf("alert %q names %q, want ada, who was asked", a.Reason, a.Person)
				}
			}
			if s := h.e.State(); s == StateOptedOut {
				t.Errorf("opted out by a late yes\n%s", describe(h.outs[from:]))
			}
		})
	}
}
