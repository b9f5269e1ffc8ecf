package behavior

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// The quiet a "stop" asks for is for a while (opt_out.hush, 2 min; said
// calmly, opt_out.confirm). Comforting entered while quiet gives no
// comfort; when the quiet ends and the pain still calls for comfort, the
// robot comforts then, once, as if comfort had just become due, and the
// transition says why. Nothing starts when the person opted out or left,
// the pain eased, or while a quiet asked for again lasts. Before,
// comfort owed while quiet was never given for the rest of the episode.
func TestComfortResumesAfterHush(t *testing.T) {
	const none = -1.0
	for _, tc := range []struct {
		name string
		// then drives the engine from the first "stop" (at 12 s, the
		// person concerned: quiet until 132 s) or, calm, from 8 s.
		then func(h *harness)
		calm bool    // "stop" said at 8 s before any pain: quiet until 128 s
		want float64 // when comfort starts, seconds; none for never
	}{
		{name: "pain lasts past the hush", want: 132,
			then: func(h *harness) { h.hold(12.1, 200, 5) }},
		{name: "calm stop, pain rises during the quiet", calm: true, want: 128,
			then: func(h *harness) { h.hold(9, 200, 5) }},
		{name: "pain eased before the hush ended", want: none,
			then: func(h *harness) { h.hold(12.1, 40, 5); h.hold(40, 200, 0) }},
		// Not eased (pain.clear 2), but no longer calling for comfort:
		// comfort waits until the pain calls for it again.
		{name: "pain below pain.concern as the hush ends", want: none,
			then: func(h *harness) { h.hold(12.1, 100, 5); h.hold(100, 200, 2.5) }},
		{name: "opted out during the hush", want: none,
			then: func(h *harness) {
				h.hold(12.1, 60, 5)
				h.command(60, Command{Cmd: CmdOptOut})
				h.hold(60.1, 200, 5)
			}},
		{name: "left during the hush", want: none,
			then: func(h *harness) {
				h.hold(12.1, 60, 5)
				h.event(60, perception.EventLeft, "")
				for at := 60.1; at < 200; at += 0.1 {
					h.absent(at)
				}
			}},
		{name: "hushed again before it ended", want: 220,
			then: func(h *harness) {
				h.hold(12.1, 100, 5)
				h.event(100, perception.EventKeyword, "stop") // quiet until 220 s
				h.hold(100.1, 300, 5)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			h.arrive(6)
			stop := 12.0
			if tc.calm {
				stop = 8
			} else {
				h.hold(6, stop, 5)
				if s := h.e.State(); s != StateConcerned {
					t.Fatalf("state %s at the stop, want concerned\n%s", s, describe(h.outs))
				}
			}
			h.event(stop, perception.EventKeyword, "stop")
			tc.then(h)
			var started, resumes []time.Duration
			for _, o := range h.outs {
				if c := of[Comforted](o); c != nil {
					started = append(started, c.At)
				}
				if tr := of[Transition](o); tr != nil && strings.Contains(tr.Reason, "after the quiet asked for") {
					resumes = append(resumes, tr.At)
				}
			}
			if tc.want == none {
				if len(started) > 0 || len(resumes) > 0 {
					t.Errorf("comfort started at %v, resumed at %v, want never\n%s", started, resumes, describe(h.outs))
				}
				return
			}
			if len(resumes) != 1 {
				t.Errorf("comfort resumed at %v, want once", resumes)
			}
			// The first input at or after the quiet's end; hold steps 0.1 s.
			if len(started) != 1 || started[0] < sec(tc.want) || started[0] >= sec(tc.want+0.1) {
				t.Fatalf("comfort started at %v, want once at %gs\n%s", started, tc.want, describe(h.outs))
			}
			at := started[0]
			var resumed *Transition
			var comforts []IntentKind
			for _, o := range h.outs {
				if tr := of[Transition](o); tr != nil && tr.At == at && strings.Contains(tr.Reason, "after the quiet asked for") {
					resumed = tr
				}
				if it := of[Intent](o); it != nil && it.At >= sec(stop) && it.At < at && it.Kind != IntentStill {
					t.Errorf("the robot acted (%s at %v) within the quiet", it.Kind, it.At)
				}
				if it := of[Intent](o); it != nil && it.At == at {
					comforts = append(comforts, it.Kind)
				}
			}
			if resumed == nil || resumed.From != resumed.To || !strings.HasPrefix(resumed.Reason, "comfort resumes after the quiet asked for: pain ") {
				t.Errorf("no transition saying comfort resumes after the quiet at %v: %+v\n%s", at, resumed, describe(h.outs))
			}
			if !slices.Contains(comforts, IntentComfort) {
				t.Errorf("intents %v when comfort resumed, want comfort", comforts)
			}
		})
	}
}

// A "stop" said again after comfort resumed hushes again as before: still
// at once, nothing of the robot's own for opt_out.hush, the carer still
// told of severe pain, and care goes on after.
func TestStopAfterResumedComfortHushesAgain(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.arrive(6)
	h.hold(6, 12, 5)
	h.event(12, perception.EventKeyword, "stop") // concerned: quiet until 132 s
	h.hold(12.1, 150, 5)
	if !slices.ContainsFunc(h.outs, func(o Output) bool { return of[Comforted](o) != nil }) {
		t.Fatalf("no comfort after the first quiet\n%s", describe(h.outs))
	}
	got := h.event(150, perception.EventKeyword, "stop") // quiet until 270 s
	if k := intents(got); !slices.Equal(k, []IntentKind{IntentStill}) {
		t.Errorf("stop after comfort resumed: intents %v, want still", k)
	}
	before := len(h.outs)
	h.hold(150.1, 200, 5)
	h.hold(200, 210, 8) // severe: still paged while quiet
	h.hold(210, 270, 5)
	quiet := h.outs[before:]
	if k := intents(quiet); len(k) > 0 {
		t.Errorf("the robot acted within the second quiet: %v\n%s", k, describe(quiet))
	}
	if a := alerts(quiet); !slices.Contains(a, AlertUrgent) {
		t.Errorf("severe pain within the second quiet raised %v, want urgent", a)
	}
	before = len(h.outs)
	h.hold(270, 400, 5)
	if k := intents(h.outs[before:]); len(k) == 0 {
		t.Errorf("no care after the second quiet ended\n%s", describe(h.outs[before:]))
	}
	n := 0
	for _, o := range h.outs {
		if of[Comforted](o) != nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("comfort started %d times in the episode, want once", n)
	}
}

// Comfort that began late, when the quiet ended, and was then interrupted
// by a pause is owed from when the pain first called for it, not from its
// late start: pain that dips without easing still warns a carer no later
// than with neither the quiet nor the pause.
func TestResumedComfortPausedWarnsInTime(t *testing.T) {
	// Below pain.concern for a second every 30 s: not eased, but the
	// dwells break, so only the time comfort has been owed counts.
	dipping := func(at float64) float64 {
		if math.Mod(at, 30) < 1 {
			return 1.5
		}
		return 3.6
	}
	warned := func(quietThenPause bool) (Alert, []Output) {
		h := newHarness(t, DefaultConfig())
		h.arrive(6)
		if quietThenPause {
			h.event(8, perception.EventKeyword, "stop") // quiet until 128 s
		}
		paused := false
		for at := 9.0; at < 400; at += 0.1 {
			if quietThenPause && !paused && at >= 145 {
				h.command(at, Command{Cmd: CmdPause})
				paused = true
			}
			h.assess(at, dipping(at))
		}
		for _, o := range h.outs {
			if a := of[Alert](o); a != nil && a.Level == AlertWarning {
				return *a, h.outs
			}
		}
		t.Fatalf("quiet then pause %v: no warning\n%s", quietThenPause, describe(h.outs))
		return Alert{}, nil
	}
	want, _ := warned(false)
	got, outs := warned(true)
	if !slices.ContainsFunc(outs, func(o Output) bool { c := of[Comforted](o); return c != nil && c.At >= sec(128) && c.At < sec(145) }) {
		t.Fatalf("comfort did not resume between the quiet's end and the pause\n%s", describe(outs))
	}
	if !strings.Contains(got.Reason, "while the robot is paused") {
		t.Errorf("warned at %v (%s), want while paused", got.At, got.Reason)
	}
	if got.At > want.At {
		t.Errorf("warned at %v (%s), later than with neither quiet nor pause (%v)", got.At, got.Reason, want.At)
	}
	t.Logf("warned at %v: %s (neither: %v)", got.At, got.Reason, want.At)
}
