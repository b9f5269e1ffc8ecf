package behavior

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// heardOnly is an assessment from the voice alone, as fusion gives it with
// no face in view: vocalisation item voc, confidence under
// Pain.MinConfidence, nobody present.
func heardOnly(at, voc float64, cues ...string) perception.PainAssessment {
	return perception.PainAssessment{At: sec(at), Score: voc * 2.2, Items: perception.PainItems{Vocalisation: voc},
		Confidence: 0.29, Cues: cues}
}

// moans feeds, at 10 Hz over [from, to), a moan of 4 s then 2 s of breath,
// over and over, as real moaning goes: the item at 1.6 during a moan and
// 0.6 between (fusion's smoothing falls slowly). seen assesses the person
// in view and confidently (score 5), as the normal path takes it.
func (h *harness) moans(from, to float64, seen bool) {
	for at := from; at < to-1e-9; at += 0.1 {
		voc, cues := 0.6, []string(nil)
		if mod := at - 6*float64(int(at/6)); mod < 4 {
			voc, cues = 1.6, []string{"moaning"}
		}
		a := heardOnly(at, voc, cues...)
		if seen {
			a = assessment(at, 5)
			a.Items = perception.PainItems{Vocalisation: voc, Face: 1.5, Body: 1}
			a.Cues = cues
		}
		h.feed(AssessmentInput(a))
	}
}

// voice feeds the voice alone at 10 Hz over [from, to) with item voc.
func (h *harness) voice(from, to, voc float64, cues ...string) {
	for at := from; at < to-1e-9; at += 0.1 {
		h.feed(AssessmentInput(heardOnly(at, voc, cues...)))
	}
}

type gotAlert struct {
	at     time.Duration
	level  AlertLevel
	reason string
}

func alertsAt(outs []Output) []gotAlert {
	var got []gotAlert
	for _, o := range outs {
		if a, ok := o.(Alert); ok {
			got = append(got, gotAlert{a.At, a.Level, a.Reason})
		}
	}
	return got
}

// pagesAt is alertsAt without the resolutions: the pages a carer got.
func pagesAt(outs []Output) []gotAlert {
	var got []gotAlert
	for _, a := range alertsAt(outs) {
		if a.level != AlertResolved {
			got = append(got, a)
		}
	}
	return got
}

func (g gotAlert) String() string { return fmt.Sprintf("%v %s %q", g.at, g.level, g.reason) }

// Distress heard while nobody can be seen reaches a carer: warning after
// alert.unseen_after, urgent after alert.relief_timeout more, resolved
// after 30 s of calm voice. Laughter, speech and a misheard word do not;
// a person seen confidently is the normal path's alone; opted out, nothing.
func TestDistressHeardUnseen(t *testing.T) {
	type want = wantAlert
	cfg := DefaultConfig() // unseen_after 30s, relief_timeout 2m
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		run  func(h *harness)
		want []want
	}{
		{"moaning unseen: warning, urgent, resolved", nil, func(h *harness) {
			h.moans(0, 400, false)
			h.voice(400, 460, 0.2)
		}, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s with no one in view"},
			{AlertUrgent, 150, 151, "heard moaning for 2m30s with no one in view"},
			{AlertResolved, 428, 436, "no distress heard for 30s"},
		}},
		{"unseen_after is the key's", func(c *Config) { c.Alert.UnseenAfter = time.Minute }, func(h *harness) {
			h.moans(0, 100, false)
		}, []want{{AlertWarning, 60, 61, "heard moaning for 1m0s"}}},
		{"seen dimly: says so", nil, func(h *harness) {
			for at := 0.0; at < 40; at += 0.1 {
				a := heardOnly(at, 1.5, "crying")
				a.Present, a.Person = true, "ada"
				h.feed(AssessmentInput(a))
			}
		}, []want{{AlertWarning, 30, 31, "heard crying for 30s with the person not seen well enough to assess (confidence 0.29)"}}},
		{"laughter unseen: nothing", nil, func(h *harness) {
			h.voice(0, 400, 0.3, "laughing (not pain)")
		}, nil},
		{"speech with a misheard ouch every minute: nothing", nil, func(h *harness) {
			for m := 0.0; m < 400; m += 60 {
				h.voice(m, m+10, 1, `said "ouch"`) // fusion holds the word 10 s
				h.voice(m+10, m+60, 0.1)
			}
		}, nil},
		{"present and confident: the normal path only", nil, func(h *harness) {
			h.arrive(6)
			h.moans(6, 400, true)
		}, []want{{AlertWarning, 130, 170, "not eased after 2m0s of comfort"}}},
		{"opted out: nothing", nil, func(h *harness) {
			h.moans(0, 20, false)
			h.command(20, Command{Cmd: CmdOptOut})
			h.moans(20, 400, false) // a wiring still sending assessments
		}, nil},
		{"opted out mid-bout, back in with a calm voice: nothing", nil, func(h *harness) {
			h.moans(0, 25, false)
			h.command(25, Command{Cmd: CmdOptOut})
			h.command(26, Command{Cmd: CmdOptIn})
			h.voice(26, 100, 0.2)
		}, nil},
		{"told unseen, then seen: the normal path takes the alert over", nil, func(h *harness) {
			h.moans(0, 40, false)
			// A spotted "it hurts" wakes the robot, which leaves again at
			// once (nobody in view): the episode it ends is not the bout's.
			h.event(40, perception.EventKeyword, "it hurts")
			h.moans(40.1, 60, false)
			h.moans(60, 300, true)
			h.hold(300, 330, 0)
		}, []want{
			{AlertWarning, 30, 31, "with no one in view"},
			{AlertResolved, 300, 320, "pain eased"},
		}},
		{"told unseen, seen, then out of view but heard: the same episode goes on", nil, func(h *harness) {
			h.moans(0, 40, false)
			h.moans(40, 60, true)
			// The person left the camera's view at 60 s; the robot, hearing
			// them, stays: the warning is not told again within the
			// cooldown, and lasting distress pages urgently, 2m30s after
			// the moaning began (20 s of it seen in pain delays nothing).
			h.moans(60, 220, false)
		}, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s"},
			{AlertUrgent, 150, 151, "heard moaning for 2m30s with no one in view"},
		}},
		{"told unseen, seen, the robot gone, then heard again: told again", nil, func(h *harness) {
			h.moans(0, 40, false)
			h.moans(40, 60, true)
			h.event(60, perception.EventLeft, "")
			h.voice(60.1, 70, 0.2)  // quiet: nobody there
			h.moans(70, 120, false) // heard again out of view
		}, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s"},
			{AlertWarning, 100, 110, "heard moaning for 30s with no one in view (again"},
		}},
		{"the normal path alerting, then seen too dimly: no second warning", nil, func(h *harness) {
			h.arrive(6)
			h.moans(6, 170, true) // the warning: not eased after comfort
			for at := 170.0; at < 260; at += 0.1 {
				a := heardOnly(at, 1.5, "moaning")
				a.Present, a.Person = true, "ada"
				h.feed(AssessmentInput(a))
			}
		}, []want{{AlertWarning, 130, 170, "not eased after 2m0s of comfort"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			if tc.cfg != nil {
				tc.cfg(&c)
			}
			h := newHarness(t, c)
			tc.run(h)
			checkAlerts(t, alertsAt(h.outs), tc.want)
		})
	}
}

// Paused or faulty, nobody acts, but distress heard unseen still reaches a
// carer.
func TestDistressHeardUnseenWhilePaused(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.command(0, Command{Cmd: CmdPause})
	h.moans(0.1, 40, false)
	got := alertsAt(h.outs)
	if len(got) != 1 || got[0].level != AlertWarning {
		t.Fatalf("got %v, want one warning", got)
	}
}

// The share of the window is counted in time, not in assessments, and a
// gap counts for at most a second.
func TestUnseenShare(t *testing.T) {
	for _, tc := range []struct {
		name    string
		samples []unseenSample
		now     time.Duration
		want    float64
	}{
		{"none", nil, sec(10), 0},
		{"15 s of 30 at 10 Hz", tenHz(15), sec(30), 0.5},
		{"a gap counts a second", []unseenSample{{sec(0), true, ""}, {sec(15), false, ""}}, sec(30), 1.0 / 30},
		{"a lone sample counts a second", []unseenSample{{sec(0), true, ""}}, sec(30), 1.0 / 30},
		{"calm samples count nothing", []unseenSample{{sec(0), false, ""}, {sec(20), false, ""}}, sec(30), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := unseenTracker{samples: tc.samples}
			if got := u.share(tc.now); fmt.Sprintf("%.4f", got) != fmt.Sprintf("%.4f", tc.want) {
				t.Errorf("share = %g, want %g", got, tc.want)
			}
		})
	}
}

// tenHz is d seconds of distressed samples at 10 Hz from 0, then a calm one.
func tenHz(d float64) []unseenSample {
	var s []unseenSample
	for at := 0.0; at < d-1e-9; at += 0.1 {
		s = append(s, unseenSample{sec(at), true, ""})
	}
	return append(s, unseenSample{sec(d), false, ""})
}

// "Stop" heard while moaning is heard out of view is not a calm choice to
// go unwatched: it hushes (still, a carer warned, sensing on), as a cry of
// "stop" in pain seen does (TestStopCriedInPainStillsButKeepsWatching),
// and said twice it never asks whether to stop watching. The same words
// after the voice has been calm for a whole window are calm again. Fails
// if heard distress does not count as distress.
func TestStopWhileMoaningUnseenHushes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		calmFor float64 // seconds of calm voice before the words
		hushed  bool
	}{
		{"while moaning", 0, true},
		{"after a few seconds' breath", 10, true},
		{"after a whole window of calm", 31, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			h.moans(0, 12, false) // not yet a bout: no unseen alert
			h.voice(12, 12+tc.calmFor, 0.1)
			at := 12 + tc.calmFor
			got := h.event(at+0.1, perception.EventKeyword, "stop")
			got = append(got, h.event(at+1, perception.EventKeyword, "stop")...)
			asked := slices.Contains(spoken(got), IntentAskOptOut)
			warned := slices.ContainsFunc(alertsAt(got), func(a gotAlert) bool {
				return a.level == AlertWarning && strings.Contains(a.reason, `said "stop" while in distress`)
			})
			if asked == tc.hushed || warned != tc.hushed {
				t.Errorf("asked to opt out %v, carer warned %v; want hushed %v\n%s", asked, warned, tc.hushed, describe(got))
			}
			if h.e.State() == StateOptedOut {
				t.Errorf("opted out by two words")
			}
		})
	}
}

// An unseen alert nobody answered is raised again, as the normal path's
// is (TestUnansweredAlertRepeats): the highest level told, a cooldown
// after it last went out, while the bout goes on; a carer's acknowledgement
// of that level answers it for one cooldown, then it is told again, saying
// who acknowledged it. Fails if the unseen path never repeats, repeats
// what a carer has just acknowledged, or lets an acknowledgement silence
// the rest of the bout.
func TestUnseenAlertRepeatsUnanswered(t *testing.T) {
	const again = "heard moaning for 12m30s with no one in view (again: the last urgent alert went out 10m0s ago)"
	type want = wantAlert
	for _, tc := range []struct {
		name  string
		ackAt float64 // seconds; 0: nobody acknowledges
		want  []want
	}{
		{"unanswered: urgent again after the cooldown", 0, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s"},
			{AlertUrgent, 150, 151, "heard moaning for 2m30s"},
			{AlertUrgent, 750, 751, again},
		}},
		{"the urgent alert acknowledged: again a cooldown after", 300, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s"},
			{AlertUrgent, 150, 151, "heard moaning for 2m30s"},
			{AlertUrgent, 900, 901, "heard moaning for 15m0s with no one in view (again: the last urgent alert went out 12m30s ago, acknowledged by Mary 10m0s ago)"},
		}},
		{"only the warning acknowledged: the urgent one repeats", 40, []want{
			{AlertWarning, 30, 31, "heard moaning for 30s"},
			{AlertUrgent, 150, 151, "heard moaning for 2m30s"},
			{AlertUrgent, 750, 751, again},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			if tc.ackAt > 0 {
				h.moans(0, tc.ackAt, false)
				h.command(tc.ackAt, Command{Cmd: CmdAcknowledge, By: "Mary", Source: SourceConsole})
				h.moans(tc.ackAt+0.05, 1000, false)
			} else {
				h.moans(0, 1000, false)
			}
			checkAlerts(t, alertsAt(h.outs), tc.want)
		})
	}
}

// wantAlert is an alert a test expects: its level, a window of seconds in
// which it goes out, and words its reason holds.
type wantAlert struct {
	level    AlertLevel
	from, to float64 // seconds: when it must come
	reason   string  // a part of its reason
}

// checkAlerts fails t unless got holds exactly the alerts of want, in order.
func checkAlerts(t *testing.T, got []gotAlert, want []wantAlert) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d alerts %v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.level != w.level || g.at < sec(w.from) || g.at > sec(w.to) || !strings.Contains(g.reason, w.reason) {
			t.Errorf("alert %d: got %v, want %s in %gs..%gs with %q", i, g, w.level, w.from, w.to, w.reason)
		}
	}
}
