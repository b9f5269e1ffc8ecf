package behavior

import (
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// offered brings the person to comforting, the rating question answered
// (place questions off), and holds pain 5.5 until the robot offers to
// breathe together; it returns when.
func offered(h *harness) float64 {
	h.t.Helper()
	h.arrive(6)
	h.hold(6, 12, 5.5)
	h.answer(12, QuestionRating, "five")
	for at := 12.0; at < 120; at += 0.1 {
		h.assess(at, 5.5)
		if asked(h.outs, QuestionBreathe) > 0 {
			return at
		}
	}
	h.t.Fatalf("never offered to breathe together\n%s", describe(h.outs))
	return 0
}

// breathingConfig is the default with no place question in the way.
func breathingConfig() Config {
	cfg := DefaultConfig()
	cfg.SelfReport.PlaceFrom = 0
	return cfg
}

// "Would you like to breathe with me?": yes, spoken or nodded, starts the
// guided breathing; no, or no answer after asking once more, leaves it
// out, and the robot's comfort afterwards is shown without words. The
// answer is recorded.
func TestBreathingOffer(t *testing.T) {
	nod := func(a selfreport.Answer) func(h *harness, at float64) []Output {
		return func(h *harness, at float64) []Output {
			return h.feed(AnswerInput(Answered{At: sec(at), Question: QuestionBreathe, By: ByNod,
				Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Answer: a, Rating: selfreport.NoRating, Heard: "nod", Confidence: 1}}))
		}
	}
	say := func(text string) func(h *harness, at float64) []Output {
		return func(h *harness, at float64) []Output { return h.answer(at, QuestionBreathe, text) }
	}
	for _, tc := range []struct {
		name     string
		lang     string
		answer   func(h *harness, at float64) []Output // nil: nobody answers
		cues     int
		outcomes []Outcome
	}{
		{"yes", "", say("yes please"), 6, []Outcome{OutcomeAsked, OutcomeAnswered}},
		{"no", "", say("no thanks"), 0, []Outcome{OutcomeAsked, OutcomeAnswered}},
		{"no answer", "", nil, 0, []Outcome{OutcomeAsked, OutcomeNone, OutcomeAsked, OutcomeNone, OutcomeLetBe}},
		{"nod", "de", nod(selfreport.Yes), 6, []Outcome{OutcomeAsked, OutcomeAnswered}},
		{"head-shake", "de", nod(selfreport.No), 0, []Outcome{OutcomeAsked, OutcomeAnswered}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := breathingConfig()
			cfg.Speech.Lang = tc.lang
			cfg.Alert.ReliefTimeout = 10 * 60e9 // comforting throughout
			h := newHarness(t, cfg)
			if tc.lang != "" {
				// By nod the rating question is "does it hurt?".
				h.arrive(6)
				h.hold(6, 12, 5.5)
				h.feed(AnswerInput(Answered{At: sec(12), Question: QuestionRating, By: ByNod,
					Reply: selfreport.Reply{Kind: selfreport.YesNoQuestion, Answer: selfreport.Yes, Rating: selfreport.NoRating, Heard: "nod", Confidence: 1}}))
			}
			var at float64
			if tc.lang == "" {
				at = offered(h)
			} else {
				for at = 12; at < 120 && asked(h.outs, QuestionBreathe) == 0; at += 0.1 {
					h.assess(at, 5.5)
				}
			}
			want := IntentOfferBreathing
			if tc.lang != "" {
				want = IntentOfferBreathingNod
			}
			if n := count(spoken(h.outs), want); n != 1 {
				t.Fatalf("said %s %d times, want 1\n%s", want, n, describe(h.outs))
			}
			from := len(h.outs)
			if tc.answer != nil {
				tc.answer(h, at+2)
			}
			h.hold(at+2, at+200, 5.5)
			later := h.outs[from:]
			if n := count(intents(later), IntentBreathingGuide); n != tc.cues {
				t.Errorf("%d breathing cues, want %d\n%s", n, tc.cues, describe(h.outs))
			}
			if got := reportsOf(h.outs, QuestionBreathe); !slices.Equal(got, tc.outcomes) {
				t.Errorf("breathe outcomes %v, want %v", got, tc.outcomes)
			}
			var comforts, aloud int
			for _, o := range later {
				if of[Intent](o) != nil && (of[Intent](o).Kind == IntentComfort || of[Intent](o).Kind == IntentReassure) {
					comforts++
					if of[Intent](o).Say != nil {
						aloud++
					}
				}
			}
			if comforts == 0 {
				t.Errorf("no comfort after the answer: the robot must stay\n%s", describe(later))
			}
			if tc.cues == 0 && aloud != 0 {
				t.Errorf("%d of %d comforts said aloud after breathing was declined, want none", aloud, comforts)
			}
		})
	}
}

// With comfort.breathing always the exercise starts unasked, as before.
func TestBreathingAlwaysStartsUnasked(t *testing.T) {
	cfg := breathingConfig()
	cfg.Comfort.Breathing = BreathingAlways
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 12, 5.5)
	h.answer(12, QuestionRating, "five")
	h.hold(12, 100, 5.5)
	if n := asked(h.outs, QuestionBreathe); n != 0 {
		t.Errorf("offered %d times, want none", n)
	}
	if n := count(spoken(h.outs), IntentBreathingGuide); n != cfg.Comfort.BreathingCycles {
		t.Errorf("%d breathing cues, want %d", n, cfg.Comfort.BreathingCycles)
	}
}

// No breathing offer while the person has opted out, the robot is paused
// or hushed, or an urgent alert is out.
func TestNoBreathingOfferWhenItMustNotAsk(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(h *harness)
		want  int
	}{
		{"nothing in the way", func(h *harness) {}, 2}, // asked, and once more: nobody answers here
		{"paused", func(h *harness) { h.command(20, Command{Cmd: CmdPause}) }, 0},
		{"opted out", func(h *harness) { h.command(20, Command{Cmd: CmdOptOut}) }, 0},
		{"urgent alert", func(h *harness) { h.callForHelp(20) }, 0},
		{"hushed", func(h *harness) { h.feed(EventInput(stopWord(20))) }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, breathingConfig())
			h.arrive(6)
			h.hold(6, 12, 5.5)
			h.answer(12, QuestionRating, "five")
			h.hold(12, 20, 5.5)
			if s := h.e.State(); s != StateComforting || asked(h.outs, QuestionBreathe) != 0 {
				t.Fatalf("state %s, offered %d: want comforting, not yet offered", s, asked(h.outs, QuestionBreathe))
			}
			tc.setup(h)
			h.hold(21, 120, 5.5)
			if n := asked(h.outs, QuestionBreathe); n != tc.want {
				t.Errorf("offered %d times, want %d\n%s", n, tc.want, describe(h.outs))
			}
		})
	}
}

// The robot does not nag: within min_interval of an offer it is not made
// again, and the last answer stands; after it the offer is made again.
func TestBreathingOfferRateLimit(t *testing.T) {
	for _, tc := range []struct {
		answer string
		cues   int // in the second episode
	}{
		{"no", 0},
		{"yes", 6},
	} {
		t.Run(tc.answer, func(t *testing.T) {
			cfg := breathingConfig()
			h := newHarness(t, cfg)
			at := offered(h)
			h.answer(at+1, QuestionBreathe, tc.answer)
			h.hold(at+1, at+90, 5.5)
			h.hold(at+90, at+120, 0) // eases
			if s := h.e.State(); s != StateAttending {
				t.Fatalf("state %s, want attending after the pain eased", s)
			}
			from := len(h.outs)
			h.hold(at+120, at+200, 5.5) // a second episode, within min_interval
			second := h.outs[from:]
			if !slices.Contains(visited(second), StateComforting) {
				t.Fatalf("no second comforting\n%s", describe(second))
			}
			if n := asked(second, QuestionBreathe); n != 0 {
				t.Errorf("offered again within min_interval\n%s", describe(second))
			}
			if n := count(intents(second), IntentBreathingGuide); n != tc.cues {
				t.Errorf("%d breathing cues in the second episode, want %d (the answer stands)", n, tc.cues)
			}
			h.hold(at+200, at+cfg.SelfReport.MinInterval.Seconds()+30, 0)
			from = len(h.outs)
			h.hold(at+cfg.SelfReport.MinInterval.Seconds()+30, at+cfg.SelfReport.MinInterval.Seconds()+150, 5.5)
			if n := asked(h.outs[from:], QuestionBreathe); n == 0 {
				t.Errorf("not offered again after min_interval\n%s", describe(h.outs[from:]))
			}
		})
	}
}

// A call for help while the offer is open puts "Shall I call someone?"
// instead; the offer counts as unanswered, so no exercise starts later
// from a stale offer and the robot stays quietly.
func TestCallForHelpSupersedesTheOffer(t *testing.T) {
	cfg := breathingConfig()
	cfg.Alert.ReliefTimeout = 10 * 60e9
	h := newHarness(t, cfg)
	at := offered(h)
	h.e.pain.distressSeen = false // no second cue at hand (the face lost, say): the robot asks
	h.event(at+1, perception.EventKeyword, "help")
	if n := asked(h.outs, QuestionCall); n != 1 {
		t.Fatalf("call question asked %d times, want 1\n%s", n, describe(h.outs))
	}
	h.answer(at+3, QuestionBreathe, "yes") // too late: the open question is the call
	h.hold(at+3, at+200, 5.5)
	if n := count(intents(h.outs), IntentBreathingGuide); n != 0 {
		t.Errorf("%d breathing cues after the offer was superseded, want none", n)
	}
	if !h.e.comfortsQuietly() {
		t.Error("the superseded offer did not count as unanswered")
	}
}
