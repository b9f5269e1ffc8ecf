package behavior

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// senseAlerts are the alerts among outs that speak of a sense.
func senseAlerts(outs []Output) []Alert {
	var got []Alert
	for _, o := range outs {
		if a, ok := o.(Alert); ok && (strings.Contains(a.Reason, "camera") || strings.Contains(a.Reason, "microphone")) {
			got = append(got, a)
		}
	}
	return got
}

// A camera or microphone that delivers nothing for Alert.SenseLost is a
// carer's business at warning level, once per loss, in every state but
// opted out: paused, hushed or faulty, the robot still tells. When the
// sense comes back the carer is told that too. Without senseAlerts in step
// no case gets its warning; without the opt-out check in onSense the
// opted-out case gets one.
func TestLostSenseTellsTheCarer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mod   perception.Modality
		setup func(h *harness) // up to t=10 s
		tells bool
		want  string
	}{
		{"camera, nobody there", perception.ModFace, func(h *harness) { h.tick(10) }, true,
			"camera lost for 2m0s: the robot cannot see (camera delivered no frame)"},
		{"microphone, attending", perception.ModVoice, func(h *harness) { h.arrive(10) }, true,
			"microphone lost for 2m0s: the robot cannot hear (camera delivered no frame)"},
		{"camera, paused", perception.ModFace, func(h *harness) {
			h.arrive(9)
			h.command(10, Command{Cmd: CmdPause})
		}, true, "camera lost for 2m0s"},
		{"camera, hushed", perception.ModFace, func(h *harness) {
			h.arrive(9)
			h.event(10, perception.EventKeyword, "stop")
		}, true, "camera lost for 2m0s"},
		{"camera, faulty", perception.ModFace, func(h *harness) {
			h.arrive(9)
			h.feed(&Fault{At: sec(10), Err: "servo"})
		}, true, "camera lost for 2m0s"},
		{"camera, opted out", perception.ModFace, func(h *harness) {
			h.arrive(9)
			h.command(10, Command{Cmd: CmdOptOut})
		}, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.setup(h)
			state := h.e.State()
			h.feed(SenseInput(Sense{At: sec(20), Modality: tc.mod, Lost: true, Since: sec(10), Why: "camera delivered no frame"}))
			for at := 20.0; at < 129.9; at += 1 {
				h.tick(at)
			}
			if got := senseAlerts(h.outs); len(got) != 0 {
				t.Fatalf("told before 2m of loss: %+v", got)
			}
			for at := 130.0; at < 300; at += 1 {
				h.tick(at)
			}
			got := senseAlerts(h.outs)
			if !tc.tells {
				if len(got) != 0 {
					t.Fatalf("opted out, yet told: %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Level != AlertWarning || !strings.HasPrefix(got[0].Reason, tc.want) || got[0].At != sec(130) {
				t.Fatalf("in %s: sense alerts %+v, want one warning %q at 130 s", state, got, tc.want)
			}
			h.feed(SenseInput(Sense{At: sec(301), Modality: tc.mod}))
			got = senseAlerts(h.outs)
			if len(got) != 2 || got[1].Level != AlertResolved || !strings.Contains(got[1].Reason, "back after 4m51s") {
				t.Fatalf("back: sense alerts %+v, want the warning then a resolution", got)
			}
			// A new loss is news again.
			h.feed(SenseInput(Sense{At: sec(310), Modality: tc.mod, Lost: true, Since: sec(302)}))
			h.tick(423)
			if got = senseAlerts(h.outs); len(got) != 3 || got[2].Level != AlertWarning {
				t.Fatalf("second loss: sense alerts %+v", got)
			}
		})
	}
}

// A sense back before Alert.SenseLost told nobody, and is no news; an
// unknown modality is refused, not kept.
func TestShortLossIsNoNews(t *testing.T) {
	h := newHarness(t, DefaultConfig())
	h.feed(SenseInput(Sense{At: sec(20), Modality: perception.ModFace, Lost: true, Since: sec(10)}))
	h.tick(60)
	h.feed(SenseInput(Sense{At: sec(61), Modality: perception.ModFace}))
	h.tick(400)
	if got := senseAlerts(h.outs); len(got) != 0 {
		t.Fatalf("short loss told: %+v", got)
	}
	outs := h.feed(SenseInput(Sense{At: sec(401), Modality: perception.ModPosture, Lost: true}))
	if len(outs) != 1 {
		t.Fatalf("unknown modality: %s", describe(outs))
	}
	if _, ok := outs[0].(Rejected); !ok {
		t.Fatalf("unknown modality: %s", describe(outs))
	}
}

// bodyStates are the states a body report is checked in, each set up to
// t=10 s: opted out too, since the body is no sense the opt-out closes.
var bodyStates = []struct {
	name  string
	setup func(h *harness)
}{
	{"nobody there", func(h *harness) { h.tick(10) }},
	{"attending", func(h *harness) { h.arrive(10) }},
	{"paused", func(h *harness) { h.arrive(9); h.command(10, Command{Cmd: CmdPause}) }},
	{"opted out", func(h *harness) { h.arrive(9); h.command(10, Command{Cmd: CmdOptOut}) }},
}

// A body lost is told at once, at warning level, in every state, opted out
// too (the body is no sense the opt-out closes), and once per run: a second
// report, after an opt-out and back, tells nobody again. The engine stays
// in its state (StateFault would silence the voice). Checked with each
// guard off: without the once check every case tells again; with forget
// dropping the loss the three cases that opt out after it tell again; with
// onBodyLost not called no case gets its warning.
func TestBodyLostTellsTheCarerOnce(t *testing.T) {
	for _, tc := range bodyStates {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.setup(h)
			state := h.e.State()
			got := h.feed(BodyLostInput(BodyLost{At: sec(20), Why: "write failed 4 times"}))
			want := Alert{At: sec(20), Level: AlertWarning, Reason: "body lost: the robot cannot move (write failed 4 times)", Sense: "body"}
			var told []Alert
			for _, o := range got {
				if a, ok := o.(Alert); ok {
					a.Person, a.Score = "", 0
					told = append(told, a)
				}
			}
			if len(told) != 1 || told[0] != want {
				t.Fatalf("alerts %+v, want %+v", told, want)
			}
			if s := h.e.State(); s != state {
				t.Errorf("state %s after the body was lost, want %s", s, state)
			}
			if state != StateOptedOut {
				h.command(30, Command{Cmd: CmdOptOut})
			}
			h.command(31, Command{Cmd: CmdOptIn})
			if again := alerts(h.feed(BodyLostInput(BodyLost{At: sec(40)}))); len(again) != 0 {
				t.Errorf("told again: %v", again)
			}
		})
	}
}

// A body back resolves its loss for the carer, in every state, opted out
// too, with how long it was lost; a later loss is a new one and is told
// again, and a body back that was never lost says nothing.
func TestBodyBackResolvesTheLoss(t *testing.T) {
	for _, tc := range bodyStates {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			tc.setup(h)
			if early := alerts(h.feed(BodyBackInput(BodyBack{At: sec(15)}))); len(early) != 0 {
				t.Errorf("a body never lost came back: %v", early)
			}
			h.feed(BodyLostInput(BodyLost{At: sec(20), Why: "write failed 4 times"}))
			var told []Alert
			for _, o := range h.feed(BodyBackInput(BodyBack{At: sec(50)})) {
				if a, ok := o.(Alert); ok {
					a.Person, a.Score = "", 0
					told = append(told, a)
				}
			}
			want := Alert{At: sec(50), Level: AlertResolved, Reason: "body back after 30s: the robot can move again", Sense: "body"}
			if len(told) != 1 || told[0] != want {
				t.Fatalf("alerts %+v, want %+v", told, want)
			}
			if again := alerts(h.feed(BodyLostInput(BodyLost{At: sec(60)}))); len(again) != 1 {
				t.Errorf("a second loss told %d times, want once: %v", len(again), again)
			}
		})
	}
}
