package behavior

import (
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception/selfreport"
)

// asked counts the questions q put (first askings and repeats).
func asked(outs []Output, q Question) int {
	n := 0
	for _, l := range listens(outs) {
		if l.Question == q {
			n++
		}
	}
	return n
}

// reportsOf is the outcomes of question q.
func reportsOf(outs []Output, q Question) []Outcome {
	var r []Outcome
	for _, o := range outs {
		if of[Reported](o) != nil && of[Reported](o).Question == q {
			r = append(r, of[Reported](o).Outcome)
		}
	}
	return r
}

// rated arrives, lets concern rise (the rating question is put at about
// 10 s) and answers it with text at 12 s, while the robot's speech gap
// still holds the next question back.
func rated(h *harness, text string) []Output {
	h.arrive(6)
	concernRises(h, 6)
	if n := asked(h.outs, QuestionRating); n != 1 {
		h.t.Fatalf("rating asked %d times, want 1\n%s", n, describe(h.outs))
	}
	return h.answer(12, QuestionRating, text)
}

// A rating of place_from or more is followed by "Where does it hurt?",
// put once the robot's speech gap allows and heard with the place grammar;
// a lower rating, or place_from 0, is not.
func TestAsksWhereAfterARatingOfPain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rating string
		from   int
		want   int
	}{
		{"seven", "about a seven", 4, 1},
		{"four, at the threshold", "four", 4, 1},
		{"three, under it", "three", 4, 0},
		{"place_from 0 never asks", "ten", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.SelfReport.PlaceFrom = tc.from
			h := newHarness(t, cfg)
			rated(h, tc.rating)
			if n := asked(h.outs, QuestionPlace); n != 0 {
				t.Fatalf("asked where at once, within the speech gap\n%s", describe(h.outs))
			}
			h.hold(12, 20, 3.5)
			if n := asked(h.outs, QuestionPlace); n != tc.want {
				t.Fatalf("asked where %d times, want %d\n%s", n, tc.want, describe(h.outs))
			}
			if tc.want == 0 {
				return
			}
			for _, l := range listens(h.outs) {
				if l.Question == QuestionPlace && (l.Kind != selfreport.WhereQuestion || l.By != ByVoice || l.Intent != IntentAskPlace) {
					t.Errorf("listen %+v, want the place grammar by voice", l)
				}
			}
			if n := count(spoken(h.outs), IntentAskPlace); n != 1 {
				t.Errorf("said ask_place %d times, want 1", n)
			}
			got := h.answer(21, QuestionPlace, "my back")
			if r := reports(got); !slices.Equal(r, []Outcome{OutcomeAnswered}) ||
				!slices.Equal(of[Reported](got[0]).Reply.Places, []selfreport.Place{selfreport.Back}) {
				t.Fatalf("place answer: %s", describe(got))
			}
		})
	}
}

// The place question is put only after a rating question was answered, so
// it keeps the rating question's rate limit: a second rise of concern
// within min_interval asks neither.
func TestPlaceQuestionKeepsTheRateLimit(t *testing.T) {
	cfg := DefaultConfig()
	h := newHarness(t, cfg)
	rated(h, "seven")
	h.hold(12, 20, 3.5)
	h.answer(20, QuestionPlace, "knee")
	h.hold(20, 100, 0) // eases; the speech limits are long satisfied
	concernRises(h, 100)
	h.answer(108, QuestionRating, "seven") // no question open: late
	h.hold(108, 140, 3.5)
	if n := asked(h.outs, QuestionPlace); n != 1 {
		t.Fatalf("asked where %d times within min_interval, want 1\n%s", n, describe(h.outs))
	}
	at := 6 + cfg.SelfReport.MinInterval.Seconds() + 5
	h.hold(140, at, 0)
	concernRises(h, at)
	h.answer(at+8, QuestionRating, "eight")
	h.hold(at+8, at+20, 3.5)
	if n := asked(h.outs, QuestionPlace); n != 2 {
		t.Errorf("asked where %d times after min_interval, want 2\n%s", n, describe(h.outs))
	}
}

// No place question while the person has opted out, the robot is paused
// or hushed, or an urgent alert is out, even with one due.
func TestNoPlaceQuestionWhenItMustNotAsk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		want  int
	}{
		{"nothing in the way", func(h *harness) {}, 1},
		{"paused", func(h *harness) { h.command(13, Command{Cmd: CmdPause}) }, 0},
		{"opted out", func(h *harness) { h.command(13, Command{Cmd: CmdOptOut}) }, 0},
		{"urgent alert", func(h *harness) { h.callForHelp(13) }, 0},
		{"hushed", func(h *harness) { h.feed(EventInput(stopWord(13))) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			rated(h, "seven")
			tc.setup(h)
			h.hold(14, 40, 3.5)
			if n := asked(h.outs, QuestionPlace); n != tc.want {
				t.Errorf("asked where %d times, want %d\n%s", n, tc.want, describe(h.outs))
			}
			if n := count(intents(h.outs), IntentAskPlace); n != tc.want {
				t.Errorf("ask_place %d times, want %d", n, tc.want)
			}
		})
	}
}

// What the person said, and where, is in the reason of an alert raised
// after it, and amends the open alert's reason (which an acknowledgement
// records) without raising it again.
func TestAlertCarriesWhatThePersonSaid(t *testing.T) {
	t.Run("raised after", func(t *testing.T) {
		h := newHarness(t, DefaultConfig())
		rated(h, "seven")
		h.hold(12, 20, 5)
		h.answer(20, QuestionPlace, "in my back")
		h.hold(20, 200, 5) // no relief: a warning
		var reasons []string
		for _, o := range h.outs {
			if of[Alert](o) != nil {
				reasons = append(reasons, of[Alert](o).Reason)
			}
		}
		if len(reasons) != 1 || !strings.HasSuffix(reasons[0], " · says 7 · back") {
			t.Errorf("alert reasons %q, want one ending \" · says 7 · back\"\n%s", reasons, describe(h.outs))
		}
	})
	t.Run("open when answered", func(t *testing.T) {
		h := newHarness(t, DefaultConfig())
		rated(h, "eight")
		h.hold(12, 200, 5)
		var raised *Alert
		for _, o := range h.outs {
			if of[Alert](o) != nil {
				raised = of[Alert](o)
			}
		}
		if raised == nil || !strings.HasSuffix(raised.Reason, " · says 8") {
			t.Fatalf("alert %+v, want one carrying the rating\n%s", raised, describe(h.outs))
		}
		// The place question went unanswered; a late place cannot amend it,
		// so put one as the wiring would and answer it.
		h.e.dlg.open, h.e.dlg.q, h.e.dlg.by, h.e.dlg.attempt = true, QuestionPlace, ByVoice, 1
		got := h.answer(201, QuestionPlace, "knee")
		if len(alerts(got)) != 0 {
			t.Errorf("the alert was raised again: %s", describe(got))
		}
		if want := strings.TrimSuffix(raised.Reason, " · says 8") + " · says 8 · knee"; h.e.alert.open.Reason != want {
			t.Errorf("open alert reason %q, want %q", h.e.alert.open.Reason, want)
		}
		if strings.Contains(raised.Reason, "knee") {
			t.Error("the alert already emitted was changed under its reader")
		}
	})
}

// By nod there is no place question (a nod cannot say where), a "yes" to
// "Does it hurt?" is no number, and the alert says what was nodded.
func TestNodAnswersNoPlaceQuestion(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Speech.Lang = "de"
	h := newHarness(t, cfg)
	h.arrive(6)
	concernRises(h, 6)
	got := h.feed(AnswerInput(Answered{At: sec(12), Question: QuestionRating, By: ByNod,
		Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Answer: selfreport.Yes, Rating: selfreport.NoRating, Heard: "nod", Confidence: 1}}))
	if _, ok := of[Reported](got[0]).Rating(); ok || of[Reported](got[0]).Outcome != OutcomeAnswered {
		t.Fatalf("a nod gave %+v, want an answer with no rating", of[Reported](got[0]))
	}
	h.hold(12, 200, 5)
	if n := asked(h.outs, QuestionPlace); n != 0 {
		t.Errorf("asked where %d times by nod, want none", n)
	}
	if len(alerts(h.outs)) == 0 {
		t.Fatalf("no alert raised\n%s", describe(h.outs))
	}
	for _, o := range h.outs {
		if of[Alert](o) != nil && !strings.HasSuffix(of[Alert](o).Reason, ` · nodded yes to "Does it hurt?"`) {
			t.Errorf("alert reason %q does not say what was nodded", of[Alert](o).Reason)
		}
	}
}
