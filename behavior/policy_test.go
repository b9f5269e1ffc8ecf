package behavior

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// The pain-episode scenario: engaging, then concerned, then comforting, in
// that order, with utterances; back to attending when relief comes, on to
// alerting when it does not.
func TestPainEpisode(t *testing.T) {
	for _, tc := range []struct {
		name   string
		relief bool
		want   []State
		alerts []AlertLevel
	}{
		{"eases after comfort", true,
			[]State{StateEngaging, StateAttending, StateConcerned, StateComforting, StateAttending}, nil},
		{"no relief", false,
			[]State{StateEngaging, StateAttending, StateConcerned, StateComforting, StateAlerting},
			[]AlertLevel{AlertWarning}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			painEpisode(h, tc.relief)
			if got := visited(h.outs); !slices.Equal(got, tc.want) {
				t.Fatalf("visited %v, want %v\n%s", got, tc.want, describe(h.outs))
			}
			if got := alerts(h.outs); !slices.Equal(got, tc.alerts) {
				t.Errorf("alerts %v, want %v", got, tc.alerts)
			}
			said := spoken(h.outs)
			// Entering concerned asks for a rating, the check-in of the
			// self-report dialogue (dialogue.go); comforting offers to
			// breathe together (breathing.go), and nobody answers here.
			for _, k := range []IntentKind{IntentGreet, IntentAskRating, IntentComfort, IntentOfferBreathing} {
				if !slices.Contains(said, k) {
					t.Errorf("never said %s; said %v", k, said)
				}
			}
			var comforted int
			for _, o := range h.outs {
				if c := of[Comforted](o); c != nil {
					comforted++
					if ev := c.Event(); ev.Kind != perception.EventComforted || ev.Person != "ada" {
						t.Errorf("comforted event %+v", ev)
					}
				}
			}
			if comforted != 1 {
				t.Errorf("%d comforted outputs, want 1", comforted)
			}
			golden(t, "episode_"+strings.ReplaceAll(tc.name, " ", "_")+".txt", describe(h.outs))
		})
	}
}

// The same inputs and seed give the same outputs, bit for bit.
func TestReproducible(t *testing.T) {
	run := func(seed uint64) string {
		cfg := DefaultConfig()
		cfg.Seed = seed
		h := newHarness(t, cfg)
		painEpisode(h, false)
		return describe(h.outs)
	}
	if a, b := run(7), run(7); a != b {
		t.Fatalf("two runs with seed 7 differ:\n%s\n---\n%s", a, b)
	}
	if a, b := run(7), run(8); a == b {
		t.Errorf("seeds 7 and 8 gave identical runs; the seed chooses nothing")
	}
}

func TestPresenceDwell(t *testing.T) {
	cfg := DefaultConfig() // arrive after 1 s, leave after 8 s
	for _, tc := range []struct {
		name string
		feed func(h *harness)
		want State
	}{
		{"glimpse is not arrival", func(h *harness) { h.hold(0, 0.8, 0); h.absent(0.9) }, StateIdle},
		{"a second is arrival", func(h *harness) { h.hold(0, 1.2, 0) }, StateEngaging},
		{"brief absence is not leaving", func(h *harness) {
			h.arrive(6)
			for at := 6.0; at < 13; at += 0.1 {
				h.absent(at)
			}
		}, StateAttending},
		{"long absence is leaving", func(h *harness) {
			h.arrive(6)
			for at := 6.0; at < 15; at += 0.1 {
				h.absent(at)
			}
		}, StateIdle},
		{"lost camera is not absence", func(h *harness) {
			h.arrive(6)
			h.feed(EventInput(perception.Event{At: sec(6), Kind: perception.EventModalityLost, Modality: perception.ModFace}))
			for at := 6.0; at < 30; at += 0.1 {
				h.absent(at)
			}
		}, StateAttending},
		{"camera back, absence counts again", func(h *harness) {
			h.arrive(6)
			h.feed(EventInput(perception.Event{At: sec(6), Kind: perception.EventModalityLost, Modality: perception.ModFace}))
			h.feed(EventInput(perception.Event{At: sec(7), Kind: perception.EventModalityBack, Modality: perception.ModFace}))
			for at := 7.0; at < 16; at += 0.1 {
				h.absent(at)
			}
		}, StateIdle},
		{"idle rests after a while", func(h *harness) { h.tick(119) }, StateIdle},
		{"idle rests", func(h *harness) { h.tick(120) }, StateAsleep},
		{"asleep wakes for a visitor", func(h *harness) { h.tick(120); h.hold(121, 122.5, 0) }, StateEngaging},
		{"greeting lasts", func(h *harness) { h.event(0, perception.EventArrived, ""); h.tick(3.9) }, StateEngaging},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, cfg)
			tc.feed(h)
			if got := h.e.State(); got != tc.want {
				t.Fatalf("state %s, want %s\n%s", got, tc.want, describe(h.outs))
			}
		})
	}
}

func TestGoodbyeAndGreetCooldown(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // greet cooldown 10 min
	h.arrive(6)
	got := h.event(20, perception.EventLeft, "")
	if !slices.Equal(spoken(got), []IntentKind{IntentGoodbye}) {
		t.Fatalf("leaving: %s", describe(got))
	}
	got = h.event(60, perception.EventArrived, "")
	if k := intents(got); !slices.Equal(k, []IntentKind{IntentGreet}) || len(spoken(got)) != 0 {
		t.Errorf("back within the cooldown: want a silent greeting, got\n%s", describe(got))
	}
	h.event(70, perception.EventLeft, "")
	got = h.event(620, perception.EventArrived, "")
	if !slices.Equal(spoken(got), []IntentKind{IntentGreet}) {
		t.Errorf("back after the cooldown: want a spoken greeting, got\n%s", describe(got))
	}
}

// Pain hovering between the clear and concern thresholds changes nothing;
// crossing concern must hold for the dwell.
func TestPainHysteresisAndDwell(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // clear 2, concern 3 for 3 s
	h.arrive(6)
	for at := 6.0; at < 60; at += 0.1 {
		score := 2.2
		if int(at)%2 == 0 {
			score = 2.9
		}
		h.assess(at, score)
	}
	if s := h.e.State(); s != StateAttending {
		t.Fatalf("hovering pain moved to %s", s)
	}
	h.hold(60, 64, 3.5) // smoothed crosses 3 at ~61 s: not yet 3 s
	if s := h.e.State(); s != StateAttending {
		t.Fatalf("before the dwell: %s", s)
	}
	h.hold(64, 66, 3.5)
	if s := h.e.State(); s != StateConcerned {
		t.Fatalf("after the dwell: %s, want concerned", s)
	}
	h.hold(66, 80, 2.5) // below concern, above clear: stays concerned
	if s := h.e.State(); s != StateConcerned {
		t.Fatalf("between thresholds: %s, want concerned", s)
	}
	h.hold(80, 95, 0)
	if s := h.e.State(); s != StateAttending {
		t.Fatalf("eased: %s, want attending", s)
	}
}

func TestCheckInCooldown(t *testing.T) {
	cfg := DefaultConfig()     // check-in cooldown 1 min
	cfg.SelfReport.Ask = false // the plain check-in, without the rating question
	h := newHarness(t, cfg)
	h.arrive(6)
	h.event(10, perception.EventKeyword, "ouch")
	h.hold(10, 30, 0) // eases back to attending
	before := len(h.outs)
	h.event(40, perception.EventKeyword, "it hurts")
	got := h.outs[before:]
	if k := intents(got); !slices.Equal(k, []IntentKind{IntentCheckIn}) || len(spoken(got)) != 0 {
		t.Errorf("second check-in within a minute: want silent, got\n%s", describe(got))
	}
	h.hold(40, 60, 0)
	got = h.event(75, perception.EventKeyword, "ouch")
	if !slices.Equal(spoken(got), []IntentKind{IntentCheckIn}) {
		t.Errorf("check-in after the cooldown: want spoken, got\n%s", describe(got))
	}
}

func TestSpeechLimiter(t *testing.T) {
	s := speechLimiter{minGap: 8 * time.Second, perMinute: 3}
	var said []float64
	for at := 0.0; at < 120; at++ {
		if s.allow(sec(at)) {
			s.record(sec(at))
			said = append(said, at)
		}
	}
	want := []float64{0, 8, 16, 60, 68, 76}
	if !slices.Equal(said, want) {
		t.Fatalf("spoke at %v, want %v", said, want)
	}
}

// Pain that stays at concern level, though never at comfort level, is
// comforted once it has persisted.
func TestPersistentModeratePainIsComforted(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // concern 3, comfort 4, persist 20 s
	h.arrive(6)
	h.hold(6, 20, 3.5)
	if s := h.e.State(); s != StateConcerned {
		t.Fatalf("state %s, want concerned", s)
	}
	h.hold(20, 32, 3.5)
	if s := h.e.State(); s != StateComforting {
		t.Fatalf("state %s, want comforting after persisting", s)
	}
}

func TestSeverePainAlertsAndEscalates(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.hold(6, 20, 8.5)
	if s := h.e.State(); s != StateAlerting {
		t.Fatalf("severe pain: state %s\n%s", s, describe(h.outs))
	}
	if got := alerts(h.outs); !slices.Equal(got, []AlertLevel{AlertUrgent}) {
		t.Fatalf("alerts %v", got)
	}

	// Not easing: a warning, then severe pain in alerting escalates to urgent
	// without leaving the state.
	h2 := newHarness(t, DefaultConfig())
	h2.arrive(6)
	h2.hold(6, 200, 5)
	if got := alerts(h2.outs); !slices.Equal(got, []AlertLevel{AlertWarning}) {
		t.Fatalf("alerts %v, want a warning", got)
	}
	before := len(h2.outs)
	h2.hold(200, 215, 9)
	if got := alerts(h2.outs[before:]); !slices.Equal(got, []AlertLevel{AlertUrgent}) {
		t.Fatalf("escalation %v, want urgent", got)
	}
	if n := len(visited(h2.outs[before:])); n != 0 {
		t.Errorf("escalation changed state")
	}
	h2.hold(215, 260, 0)
	if got := alerts(h2.outs[before:]); !slices.Equal(got, []AlertLevel{AlertUrgent, AlertResolved}) {
		t.Errorf("after easing: alerts %v, want urgent then resolved", got)
	}
	if s := h2.e.State(); s != StateAttending {
		t.Errorf("after easing: %s", s)
	}
}

// The cooldown keeps one episode from paging the carer again and again; it
// never silences a new episode. A call for help after the carer was told
// the last one resolved is news, however soon it comes.
func TestAlertCooldown(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // cooldown 10 min
	h.arrive(6)
	h.callForHelp(10)
	h.hold(11, 140, 0) // eased, for as long as a call for help asks
	h.command(140, Command{Cmd: CmdAcknowledge, By: "Mary", Source: SourceConsole})
	if got := alerts(h.outs); !slices.Equal(got, []AlertLevel{AlertUrgent, AlertResolved}) {
		t.Fatalf("first call: alerts %v, want urgent then resolved", got)
	}
	before := len(h.outs)
	h.callForHelp(150)
	if s := h.e.State(); s != StateAlerting {
		t.Fatalf("second call: state %s", s)
	}
	var again []Alert
	for _, o := range h.outs[before:] {
		if a, ok := o.(Alert); ok {
			again = append(again, a)
		}
	}
	if len(again) != 1 || again[0].Level != AlertUrgent {
		t.Fatalf("a new call within the cooldown of a resolved one: alerts %+v, want one urgent", again)
	}
	if !strings.Contains(again[0].Reason, "again") || !strings.Contains(again[0].Reason, "2m20s ago") {
		t.Errorf("reason %q should say the last urgent alert went out 2m20s before", again[0].Reason)
	}
	// Within that episode, more calls page nobody again: the carer is coming.
	before = len(h.outs)
	h.callForHelp(160)
	h.hold(162, 170, 8)
	if got := alerts(h.outs[before:]); len(got) != 0 {
		t.Errorf("the same episode repeated its alert within the cooldown: %v", got)
	}
}

// Without fresh assessments nothing escalates: a tick cannot stand in for
// evidence of pain.
func TestStalePainDecidesNothing(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.hold(6, 30, 5) // comforting
	for at := 30.0; at < 400; at += 1 {
		h.tick(at)
	}
	if got := alerts(h.outs); len(got) != 0 {
		t.Fatalf("alerted on stale data: %v", got)
	}
}

func TestBreathingPace(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Comfort.BreathingCycle = 6 * time.Second
	cfg.Comfort.BreathingCycles = 4
	cfg.Comfort.Breathing = BreathingAlways // the pace, not the offer (breathing_test.go)
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 100, 5.5)
	var cues []time.Duration
	for _, o := range h.outs {
		if it := of[Intent](o); it != nil && it.Kind == IntentBreathingGuide {
			cues = append(cues, it.At)
		}
	}
	if len(cues) != 4 {
		t.Fatalf("%d breathing cues, want 4\n%s", len(cues), describe(h.outs))
	}
	for i := 1; i < len(cues); i++ {
		if gap := cues[i] - cues[i-1]; gap < 6*time.Second || gap > 6*time.Second+150*time.Millisecond {
			t.Errorf("cue %d after %v, want one breathing cycle (6s)", i, gap)
		}
	}
}

// Comfort repeats while pain lasts, never closer than the repeat interval
// less its jitter.
func TestComfortRepeatIsRateLimited(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Comfort.BreathingCycles = 0
	cfg.Alert.ReliefTimeout = MaxReliefTimeout // comforting throughout the ten minutes
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 600, 5)
	var at []time.Duration
	for _, o := range h.outs {
		if it := of[Intent](o); it != nil && (it.Kind == IntentComfort || it.Kind == IntentReassure) {
			at = append(at, it.At)
		}
	}
	if len(at) < 10 {
		t.Fatalf("only %d comfort acts in ten minutes", len(at))
	}
	min := time.Duration(float64(cfg.Comfort.Repeat) * (1 - cfg.Comfort.Jitter))
	for i := 1; i < len(at); i++ {
		if gap := at[i] - at[i-1]; gap < min {
			t.Errorf("comfort %d only %v after the last", i, gap)
		}
	}
	if n := len(spoken(h.outs)); n > 4+len(at) {
		t.Errorf("%d utterances", n)
	}
}

func TestInvalidInputsAreRejectedNotPanics(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	// An input is one of the sealed kinds by construction; what is left
	// to refuse is none at all, or a kind with nothing in it.
	for name, in := range map[string]Input{"empty": nil, "nil assessment": (*Assessed)(nil),
		"nil event": (*Observed)(nil), "nil command": (*Command)(nil), "nil fault": (*Fault)(nil), "nil tick": (*Tick)(nil)} {
		got := h.feed(in)
		if len(got) != 1 || of[Rejected](got[0]) == nil {
			t.Fatalf("%s input: %s", name, describe(got))
		}
	}
	h.arrive(6)
	nan := assessment(7, 0)
	nan.Score = nanValue()
	h.feed(AssessmentInput(nan))
	h.hold(7, 9, 11) // out of range: clamped to 10
	if s := h.pain(); s > 10 {
		t.Errorf("smoothed %g above 10", s)
	}
	// Time going backwards neither rewinds the clock nor breaks the dwell.
	now := h.e.now
	h.assess(3, 0)
	if h.e.now != now {
		t.Errorf("now %v after a late input", h.e.now)
	}
	got := h.command(10, Command{Cmd: "dance"})
	if len(got) == 0 || of[Rejected](got[0]) == nil {
		t.Errorf("unknown command: %s", describe(got))
	}
}

func (h *harness) pain() float64 { return h.e.pain.score() }

// Dwell times count only unbroken evidence: after a gap in assessments, or
// a new visit, pain must hold again for its dwell.
func TestDwellRestartsAfterGapsAndVisits(t *testing.T) {
	for _, tc := range []struct {
		name string
		feed func(h *harness) []Output
	}{
		{"gap in assessments", func(h *harness) []Output {
			h.arrive(6)
			h.hold(6, 8, 3.5) // 2 s above concern: not yet
			h.tick(20)        // camera silent for a while
			return h.feed(AssessmentInput(assessment(20, 3.5)))
		}},
		{"new visit", func(h *harness) []Output {
			h.arrive(6)
			h.hold(6, 8, 3.5)
			h.event(8, perception.EventLeft, "")
			h.event(9, perception.EventArrived, "")
			return h.feed(AssessmentInput(assessment(9.5, 3.5)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			if got := visited(tc.feed(h)); slices.Contains(got, StateConcerned) {
				t.Fatalf("concerned without fresh evidence for the dwell:\n%s", describe(h.outs))
			}
			if !h.e.pain.concern.on || h.e.pain.concern.since < sec(9.5) {
				t.Errorf("dwell since %v, want restarted", h.e.pain.concern.since)
			}
		})
	}
}

// Going still is never held for a supervisor's approval.
func TestWizardNeverHoldsStill(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Supervision.Wizard = true
	for _, tc := range []struct {
		name string
		in   Input
	}{
		{"rest", TickInput(cfg.Presence.RestAfter)},
		{"fault", FaultInput(Fault{At: sec(1), Err: "stall"})},
		{"pause", CommandInput(Command{At: sec(1), Cmd: CmdPause})},
	} {
		h := newHarness(t, cfg)
		got := h.feed(tc.in)
		if !slices.Equal(intents(got), []IntentKind{IntentStill}) {
			t.Errorf("%s: %s", tc.name, describe(got))
		}
	}
}

func TestMatchesAny(t *testing.T) {
	words := []string{"stop", "go away"}
	for _, tc := range []struct {
		heard string
		want  bool
	}{
		{"stop", true}, {"STOP", true}, {"please stop", true}, {"Go   away!", true}, {"it hurts.", false}, {"go away now", true},
		{"stopwatch", false}, {"go", false}, {"", false}, {"away", false},
	} {
		if got := matchesAny(tc.heard, words); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.heard, got, tc.want)
		}
	}
}

// Intents carry the wall time of the assessment that led to them, for the
// run's end-to-end latency, and none when a timer or command did.
func TestIntentObserved(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	wall := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var greeted int
	for i := range 15 {
		a := assessment(float64(i)/10, 0)
		a.Observed = wall.Add(a.At)
		for _, o := range h.feed(AssessmentInput(a)) {
			if of[Intent](o) == nil {
				continue
			}
			greeted++
			if !of[Intent](o).Observed.Equal(a.Observed) {
				t.Errorf("greeting observed at %v, want %v", of[Intent](o).Observed, a.Observed)
			}
		}
	}
	if greeted != 1 {
		t.Fatalf("%d greetings, want 1", greeted)
	}
	got := h.command(2, Command{Cmd: CmdIntent, Kind: IntentReassure})
	if of[Intent](got[0]) == nil || !of[Intent](got[0]).Observed.IsZero() {
		t.Errorf("a command's intent carries Observed %v", of[Intent](got[0]))
	}
}

func TestNames(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Names = map[string]string{"ada": "Ada"}
	h := newHarness(t, cfg)
	got := h.event(0, perception.EventArrived, "")
	got = append(got, h.event(1, perception.EventKeyword, "help")...)
	for _, o := range got {
		if it := of[Intent](o); it != nil && it.Person != "Ada" {
			t.Errorf("%s for %q, want the name Ada", it.Kind, it.Person)
		}
		if a := of[Alert](o); a != nil && a.Person != "ada" {
			t.Errorf("alert for %q, want the id ada", a.Person)
		}
	}
	cfg.Names["ada"] = "changed"
	if h.e.cfg.Names["ada"] != "Ada" {
		t.Error("the engine shares the caller's map")
	}
	if h.e.Mermaid() != Mermaid(cfg) {
		t.Error("Engine.Mermaid differs from Mermaid(cfg)")
	}
}

// An alert nobody answered is raised again after the cooldown while the
// pain lasts, and not before.
func TestUnansweredAlertRepeats(t *testing.T) {
	cfg := DefaultConfig() // relief timeout 2 min, cooldown 10 min
	cfg.Comfort.BreathingCycles = 0
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 900, 5)
	var at []time.Duration
	for _, o := range h.outs {
		if a := of[Alert](o); a != nil {
			at = append(at, a.At)
			if a.Level != AlertWarning {
				t.Errorf("alert level %s", a.Level)
			}
		}
	}
	if len(at) != 2 || at[1]-at[0] < cfg.Alert.Cooldown || at[1]-at[0] > cfg.Alert.Cooldown+time.Second {
		t.Fatalf("alerts at %v, want two a cooldown (%v) apart", at, cfg.Alert.Cooldown)
	}
}

// An alert a carer acknowledged has been answered for one cooldown: the
// same level is not raised again a cooldown after it went out, but is a
// cooldown after the acknowledgement if the pain lasts, saying who
// acknowledged it. Fails if an acknowledgement does not count as an
// answer, or if it silences the rest of the episode.
func TestAcknowledgedAlertWaitsACooldown(t *testing.T) {
	cfg := DefaultConfig() // cooldown 10m
	cfg.Comfort.BreathingCycles = 0
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 200, 5)
	h.command(200, Command{Cmd: CmdAcknowledge, By: "Mary", Source: SourceConsole})
	h.hold(200.05, 1000, 5)
	got := alertsAt(h.outs)
	if len(got) != 2 {
		t.Fatalf("alerts %v, want the warning and one repeat a cooldown after the acknowledgement", got)
	}
	if r := got[1]; r.at < sec(800) || r.at > sec(801) || !strings.Contains(r.reason, "after the alert, acknowledged by Mary 10m0s ago") {
		t.Errorf("repeat %v, want at 800s..801s, saying Mary acknowledged it 10m0s ago", r)
	}
}

// A call heard while the robot thinks nobody is there, or cannot act,
// still reaches a carer or a check-in.
func TestCallsHeardInAnyState(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(h *harness)
		word       string
		wantStates []State
		wantAlerts []AlertLevel
		wantSaid   []IntentKind
	}{
		{"help twice while idle", func(h *harness) {}, "help help",
			[]State{StateEngaging, StateConcerned, StateAlerting}, []AlertLevel{AlertUrgent},
			[]IntentKind{IntentOfferCall, IntentAlertNotice}},
		{"help once while idle: ask first", func(h *harness) {}, "help",
			[]State{StateEngaging, StateConcerned}, nil, []IntentKind{IntentOfferCall}},
		{"ouch while asleep", func(h *harness) { h.tick(200) }, "ouch",
			[]State{StateEngaging, StateConcerned}, nil, []IntentKind{IntentAskRating}},
		{"help twice while paused", func(h *harness) { h.arrive(6); h.command(7, Command{Cmd: CmdPause}) }, "help help",
			nil, []AlertLevel{AlertUrgent}, nil},
		{"help twice while faulty", func(h *harness) { h.feed(FaultInput(Fault{At: sec(1), Err: "stall"})) }, "help help",
			nil, []AlertLevel{AlertUrgent}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.setup(h)
			var got []Output
			for i, w := range strings.Fields(tc.word) {
				if i > 0 && w == "help" {
					w = "help" // the same call again, a second later
				}
				got = append(got, h.event(300+float64(i), perception.EventKeyword, w)...)
			}
			if s := visited(got); !slices.Equal(s, tc.wantStates) {
				t.Errorf("visited %v, want %v", s, tc.wantStates)
			}
			if a := alerts(got); !slices.Equal(a, tc.wantAlerts) {
				t.Errorf("alerts %v, want %v", a, tc.wantAlerts)
			}
			if s := spoken(got); !slices.Equal(s, tc.wantSaid) {
				t.Errorf("said %v, want %v\n%s", s, tc.wantSaid, describe(got))
			}
		})
	}
}

func TestSeverePainWhileFaultyAlerts(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.feed(FaultInput(Fault{At: sec(6), Err: "stall"}))
	h.hold(6, 20, 9)
	if s := h.e.State(); s != StateFault {
		t.Fatalf("state %s", s)
	}
	if got := alerts(h.outs); !slices.Equal(got, []AlertLevel{AlertUrgent}) {
		t.Errorf("alerts %v, want one urgent", got)
	}
	for _, k := range intents(h.outs) {
		if k == IntentAlertNotice {
			t.Error("a faulty robot announced the alert")
		}
	}
}

// A keyword spotter hears "help" in ordinary speech now and then; an urgent
// page needs a second cue. A lone word still reaches the carer, as a warning.
func TestCallForHelpNeedsASecondCueToBeUrgent(t *testing.T) {
	moan := func(h *harness, at float64) {
		a := assessment(at, 2)
		a.Items.Vocalisation = 2
		h.feed(AssessmentInput(a))
	}
	for _, tc := range []struct {
		name string
		then func(h *harness)
		want []AlertLevel
	}{
		{"alone: asked, then a warning", func(h *harness) { h.tick(20); h.tick(41) }, []AlertLevel{AlertWarning}},
		{"said again", func(h *harness) { h.event(25, perception.EventKeyword, "help") }, []AlertLevel{AlertUrgent}},
		{"then moaning", func(h *harness) { moan(h, 20) }, []AlertLevel{AlertUrgent}},
		{"moaning after the wait is a new episode", func(h *harness) { h.tick(41); moan(h, 50) }, []AlertLevel{AlertWarning}},
		{"out of view before the wait ended: still told", func(h *harness) {
			h.absent(11)
			for at := 11.0; at < 45; at += 0.5 {
				h.absent(at)
			}
		}, []AlertLevel{AlertWarning}},
		{"opted out before the wait ended", func(h *harness) {
			h.command(15, Command{Cmd: CmdOptOut})
			h.tick(60)
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			h.arrive(6)
			got := h.event(10, perception.EventKeyword, "help")
			if a := alerts(got); len(a) != 0 {
				t.Fatalf("a lone word paged at once: %v", a)
			}
			if s := spoken(got); !slices.Contains(s, IntentOfferCall) {
				t.Errorf("the robot did not ask whether to call someone: %s", describe(got))
			}
			before := len(h.outs)
			tc.then(h)
			if a := alerts(h.outs[before:]); !slices.Equal(a, tc.want) {
				t.Errorf("alerts %v, want %v\n%s", a, tc.want, describe(h.outs[before:]))
			}
		})
	}
	// Moaning just before the word corroborates it at once.
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	moan(h, 8)
	if a := alerts(h.event(10, perception.EventKeyword, "help")); !slices.Equal(a, []AlertLevel{AlertUrgent}) {
		t.Errorf("help with moaning 2 s before: alerts %v, want urgent", a)
	}
	cfg := DefaultConfig()
	cfg.Alert.Corroborate = 0
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "alert.corroborate") {
		t.Errorf("Validate with no corroboration window: %v", err)
	}
}

// "Stop!" cried in pain, or a keyword spotter hearing "stop" in a cry, must
// not switch care off: opting out would silence every alert. The robot
// stills and falls silent as asked, keeps sensing, tells a carer, and still
// pages one when the pain turns severe; the same word said calmly opts out.
func TestStopCriedInPainStillsButKeepsWatching(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.hold(6, 20, 5) // moderate pain: concerned, then comforting
	if s := h.e.State(); s != StateComforting {
		t.Fatalf("state %s after 14 s of pain 5, want comforting\n%s", s, describe(h.outs))
	}
	got := h.event(20, perception.EventKeyword, "stop")
	if s := h.e.State(); s == StateOptedOut {
		t.Fatalf("a cry of stop in pain opted out: alerts are silenced\n%s", describe(got))
	}
	if !slices.Contains(intents(got), IntentStill) {
		t.Errorf("the robot did not go still when asked: %s", describe(got))
	}
	for _, o := range got {
		if sc := of[SensorsChange](o); sc != nil && !sc.On {
			t.Errorf("sensing switched off: %s", describe(got))
		}
	}
	if a := alerts(got); !slices.Equal(a, []AlertLevel{AlertWarning}) {
		t.Errorf("alerts %v on stop in pain, want a warning\n%s", a, describe(got))
	}
	before := len(h.outs)
	h.hold(20.1, 60, 5)
	if k := intents(h.outs[before:]); len(k) > 0 {
		t.Errorf("hushed robot acted on its own: %v\n%s", k, describe(h.outs[before:]))
	}
	before = len(h.outs)
	h.hold(60, 70, 8) // severe pain while hushed: still paged
	if a := alerts(h.outs[before:]); !slices.Contains(a, AlertUrgent) {
		t.Errorf("severe pain while hushed raised %v, want urgent\n%s", a, describe(h.outs[before:]))
	}

	calm := newHarness(t, DefaultConfig())
	calm.arrive(6)
	calm.event(8, perception.EventKeyword, "stop")
	calm.event(9, perception.EventKeyword, "stop")
	calm.answer(12, QuestionOptOut, "yes")
	calm.answer(14, QuestionOptOutConfirm, "yes")
	if s := calm.e.State(); s != StateOptedOut {
		t.Errorf("stop said twice calmly, then yes twice: state %s, want opted_out", s)
	}
}

// A lone "stop" said while calm stills and quiets the robot at once, but
// does not switch sensing off: a keyword spotter hears "stop" in ordinary
// speech now and then, and an opt-out silences every alert. The word again
// within opt_out.confirm asks whether to stop (TestOptOutQuestion), and a
// yes confirmed by a second opts out; after it, one word only stills again.
func TestLoneStopStillsAndKeepsWatching(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // confirm 2 min
	h.arrive(6)
	got := h.event(8, perception.EventKeyword, "stop")
	if s := h.e.State(); s == StateOptedOut {
		t.Fatalf("one stop opted out:\n%s", describe(got))
	}
	if k := intents(got); !slices.Equal(k, []IntentKind{IntentStill}) {
		t.Errorf("one stop: intents %v, want still at once", k)
	}
	for _, o := range got {
		if sc := of[SensorsChange](o); sc != nil && !sc.On {
			t.Errorf("one stop switched sensing off")
		}
	}
	before := len(h.outs)
	h.hold(9, 40, 8.5) // severe pain while quiet: still paged, nothing said
	if a := alerts(h.outs[before:]); !slices.Contains(a, AlertUrgent) {
		t.Errorf("severe pain after one stop raised %v, want urgent", a)
	}
	if s := spoken(h.outs[before:]); len(s) != 0 {
		t.Errorf("the robot spoke after being told to stop: %v", s)
	}

	twice := newHarness(t, DefaultConfig())
	twice.arrive(6)
	twice.event(8, perception.EventKeyword, "stop")
	twice.hold(8, 60, 0)
	twice.event(60, perception.EventKeyword, "go away")
	twice.answer(63, QuestionOptOut, "yes")
	twice.answer(65, QuestionOptOutConfirm, "yes")
	if s := twice.e.State(); s != StateOptedOut {
		t.Errorf("an opt-out word again within the confirm time, then yes twice: state %s, want opted_out", s)
	}

	late := newHarness(t, DefaultConfig())
	late.arrive(6)
	late.event(8, perception.EventKeyword, "stop")
	late.hold(8, 130, 0)
	late.event(130, perception.EventKeyword, "stop")
	if s := late.e.State(); s == StateOptedOut {
		t.Errorf("two stops 122 s apart (confirm 2 min) opted out")
	}

	once := DefaultConfig()
	once.OptOut.Confirm = 0
	h0 := newHarness(t, once)
	h0.arrive(6)
	h0.event(8, perception.EventKeyword, "stop")
	if s := h0.e.State(); s != StateOptedOut {
		t.Errorf("confirm 0: one stop left state %s, want opted_out", s)
	}
}

// "Not eased after 2m0s of comfort" must be true: it counts comfort given.
// A lone calm "stop" asks the robot for quiet (opt_out.confirm, 2 min);
// pain that rises meanwhile takes it to comforting, where it gives no
// comfort. The lasting pain must still reach a carer no later than it
// would have with comfort given, saying none was, or, when the quiet ended
// first and comfort began then (resumeComfort), for how short a time it
// was given; before, the warning came 2m0s after the run's start,
// counting comfort from a start never made.
func TestNoReliefCountsOnlyComfortGiven(t *testing.T) {
	const rt = 2 * time.Minute          // DefaultConfig's alert.relief_timeout
	const quietEnds = 128 * time.Second // the "stop" at 8 s, opt_out.confirm 2 min
	firstWarning := func(h *harness) (Alert, bool) {
		for _, o := range h.outs {
			if a := of[Alert](o); a != nil && a.Level == AlertWarning {
				return *a, true
			}
		}
		return Alert{}, false
	}
	for _, tc := range []struct {
		name  string
		score float64
	}{
		{"moderate pain below pain.comfort", 3.6},
		{"pain at pain.comfort", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var comforted time.Duration
			for _, hushed := range []bool{false, true} {
				h := newHarness(t, DefaultConfig())
				h.arrive(6)
				if hushed {
					h.event(8, perception.EventKeyword, "stop")
				}
				h.hold(9, 300, tc.score)
				a, ok := firstWarning(h)
				if !ok {
					t.Fatalf("hushed %v: no warning in 5 minutes of pain %g\n%s", hushed, tc.score, describe(h.outs))
				}
				var given []time.Duration
				for _, o := range h.outs {
					if c := of[Comforted](o); c != nil && c.At <= a.At {
						given = append(given, c.At)
					}
				}
				ofComfort := strings.Contains(a.Reason, "of comfort")
				if ofComfort && (len(given) == 0 || a.At-given[len(given)-1] < rt) {
					t.Errorf("hushed %v: warning at %v says %q; comfort given at %v", hushed, a.At, a.Reason, given)
				}
				if !hushed {
					comforted = a.At
					continue
				}
				if len(given) > 0 && given[0] < quietEnds {
					t.Errorf("hushed: comfort given at %v while asked for quiet", given)
				}
				want := "no comfort given"
				if len(given) > 0 {
					want = fmt.Sprintf("with comfort given only for the last %v (asked for quiet before)",
						(a.At - given[0]).Round(time.Second))
				}
				if ofComfort || !strings.Contains(a.Reason, want) {
					t.Errorf("hushed: reason %q, want one saying %q", a.Reason, want)
				}
				if a.At > comforted {
					t.Errorf("hushed: warned at %v, later than with comfort given (%v)", a.At, comforted)
				}
				t.Logf("hushed: warned at %v (comforted: %v): %s", a.At, comforted, a.Reason)
			}
		})
	}
}

// An episode's alert level is the highest it raised, and lasting pain
// after an urgent page is told again as urgent. The same pain at a lower
// level within the episode (a warning for pain uncomforted while paused,
// after an urgent page) is not paged: the carer was told worse, and it
// would read as the pain lessening, which nobody saw (before, the carer
// got urgent, warning, urgent).
func TestEpisodeLevelIsItsHighest(t *testing.T) {
	cfg := DefaultConfig() // cooldown 10m
	cfg.Comfort.BreathingCycles = 0
	h := newHarness(t, cfg)
	h.arrive(6)
	h.hold(6, 60, 9) // severe: urgent
	h.command(60, Command{Cmd: CmdPause, Source: SourceConsole})
	h.hold(60.05, 400, 5) // moderate, uncomforted while paused: a warning
	h.command(400, Command{Cmd: CmdResume, Source: SourceConsole})
	h.hold(400.05, 1000, 5)
	got := pagesAt(h.outs)
	levels := make([]AlertLevel, len(got))
	for i, a := range got {
		levels[i] = a.level
	}
	if want := []AlertLevel{AlertUrgent, AlertUrgent}; !slices.Equal(levels, want) {
		t.Fatalf("pages %v, want %v: the repeat at the episode's highest level, no lesser page between", got, want)
	}
	t.Logf("pages %v", got)
	if r := got[1]; r.at < got[0].at+10*time.Minute || !strings.Contains(r.reason, "persists") {
		t.Errorf("repeat %v, want a cooldown after the urgent page, saying the pain persists", r)
	}
}
