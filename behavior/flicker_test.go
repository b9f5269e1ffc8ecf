package behavior

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// seen feeds, at 10 Hz over [from, to), id seen confidently with pain score.
func (h *harness) seen(from, to, score float64, id string) {
	for at := from; at < to-1e-9; at += 0.1 {
		a := assessment(at, score)
		a.Person = id
		h.feed(AssessmentInput(a))
	}
}

// away has the camera's tracker lose id at at and find a face again gap
// seconds later, which it calls back: a left event, assessments of nobody
// in view (0.1 s apart), then an arrival.
func (h *harness) away(at, gap float64, id, back string) {
	h.feed(EventInput(perception.Event{At: sec(at), Kind: perception.EventLeft, Person: id}))
	for t := at; t < at+gap-1e-9; t += 0.1 {
		h.feed(AssessmentInput(perception.PainAssessment{At: sec(t), Confidence: 0.9}))
	}
	h.feed(EventInput(perception.Event{At: sec(at + gap), Kind: perception.EventArrived, Person: back}))
}

// flickers feeds, over [from, to), a person seen with pain score whose face
// the tracker loses every period seconds for gap seconds (away), calling
// them id(i) the i-th time it finds them (0 the first).
func (h *harness) flickers(from, to, period, gap, score float64, id func(i int) string) {
	i := 0
	for at := from; at < to-1e-9; at += period {
		if at > from {
			h.away(at, gap, id(i), id(i+1))
			i++
		}
		h.seen(at+gap*float64(min(i, 1)), min(at+period, to), score, id(i))
	}
}

func renumbered(prefix string) func(int) string {
	return func(i int) string { return fmt.Sprintf("%s%d", prefix, i+1) }
}

func same(id string) func(int) string { return func(int) string { return id } }

type wantPage struct {
	level    AlertLevel
	from, to float64 // seconds: the page goes out in [from, to)
	reason   string  // a part of its reason
}

func checkPages(t *testing.T, h *harness, want []wantPage) {
	t.Helper()
	got := pagesAt(h.outs)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		w := want[i]
		ok = got[i].level == w.level && got[i].at >= sec(w.from) && got[i].at < sec(w.to) &&
			strings.Contains(got[i].reason, w.reason)
	}
	if !ok {
		t.Errorf("pages:\n%v\nwant %v\n%s", got, want, describe(h.outs))
	}
}

// Severe pain with a face the tracker loses every 30 s: the carer is paged
// once, then again only when the alert is due (a cooldown after it, or
// after a carer's acknowledgement), and told when the pain eases. Before,
// every return was a new episode paging at once: 20 urgent pages in the
// first 10 minutes. A face lost for 3 s does not end the episode (its
// alert repeats as pain that persists); lost for 10 s, or found again
// under another name, it ends the episode and the alert stands
// (standing.go), repeating when due (again: ...).
func TestFlickerPagesOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		gap  float64 // seconds out of view, every 30 s
		id   func(int) string
		ack  float64 // a carer acknowledges then, if > 0
		want []wantPage
	}{
		{"the same resident, lost for 3 s", 3, same("ada"), 0, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 605, "pain 8.0 persists 10m0s after the alert"},
			{AlertUrgent, 1204, 1205, "pain 8.0 persists 10m0s after the alert"}}},
		{"the same resident, lost for 10 s", 10, same("ada"), 0, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 615, "(again: the last urgent alert went out 10m"}, // due while away: told on the return
			{AlertUrgent, 1204, 1215, "(again: the last urgent alert went out 10m"}}},
		{"a camera track renumbered on each return", 3, renumbered("face-"), 0, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 608, "(again: "},
			{AlertUrgent, 1204, 1208, "(again: "}}},
		{"a new pseudonym on each return", 3, renumbered("visitor-"), 0, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 604, 608, "(again: "},
			{AlertUrgent, 1204, 1208, "(again: "}}},
		{"acknowledged: due a cooldown after the acknowledgement", 3, same("ada"), 100, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 700, 710, "acknowledged by Mary 10m"}}},
		{"acknowledged, lost for 10 s", 10, same("ada"), 100, []wantPage{
			{AlertUrgent, 4, 5, "severe pain"},
			{AlertUrgent, 700, 710, "acknowledged by Mary 10m"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			if tc.ack > 0 {
				h.flickers(0, tc.ack, 30, tc.gap, 8, tc.id)
				h.command(tc.ack, Command{Cmd: CmdAcknowledge, By: "Mary"})
				h.flickers(tc.ack, 1230, 30, tc.gap, 8, func(i int) string { return tc.id(i + int(tc.ack/30)) })
			} else {
				h.flickers(0, 1230, 30, tc.gap, 8, tc.id)
			}
			if n := len(pagesBefore(h.outs, 600)); n != 1 {
				t.Errorf("%d pages in the first 10 minutes, want 1", n)
			}
			checkPages(t, h, tc.want)
			h.seen(1230, 1260, 1, tc.id(41)) // the pain eases in view
			if got := alertsAt(h.outs); got[len(got)-1].level != AlertResolved {
				t.Errorf("pain eased: last alert %v, want resolved\n%s", got[len(got)-1], describe(h.outs))
			}
		})
	}
}

func pagesBefore(outs []Output, s float64) []gotAlert {
	var got []gotAlert
	for _, p := range pagesAt(outs) {
		if p.at < sec(s) {
			got = append(got, p)
		}
	}
	return got
}

// What the carer has not been told is news, and pages at once whatever
// stands: the rows marked news each fail if the standing alert holds them
// back, and the held rows fail if it does not. Severe pain pages (urgent)
// at 4 s in most rows; the face is lost at 30 s. The same person's face
// lost in an episode ends it only after Presence.LeaveAfter (8 s) with
// nobody seen and no distress heard, so their rows are away for 10 s (the
// episode ends at 38 s); a different person found ends it at once.
func TestStandingAlertHolds(t *testing.T) {
	severe := func(h *harness, id string) { h.seen(0, 30, 8, id) } // urgent at 4 s
	// returns is severe pain in first, whom the tracker loses at 30 s for
	// gap seconds and finds again as back, seen for 30 s with pain score.
	returns := func(first, back string, gap, score float64) func(h *harness) {
		return func(h *harness) {
			severe(h, first)
			h.away(30, gap, first, back)
			h.seen(30+gap, 60+gap, score, back)
		}
	}
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		run  func(h *harness)
		want []wantPage
	}{
		// Held: the standing alert tells of it.
		{"the same person back, severe", nil, returns("ada", "ada", 10, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},
		{"a renumbered track back, severe", nil, returns("face-1", "face-2", 3, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},
		{"back 2 minutes after the episode ended, severe", nil, returns("ada", "ada", 128, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},
		{"back with pain not eased by comfort: a lower level", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 200, 5, "ada") // no relief (warning) at 2m of comfort
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},
		{"back calm for 5 s, then severe", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 45, 0.5, "ada") // not yet eased (pain.ease_dwell 10 s)
			h.seen(45, 75, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},
		{"severe while paused, back", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.command(40.05, Command{Cmd: CmdPause})
			h.seen(40.1, 67, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}}},

		// News: each pages at once.
		{"news: a worse level", nil, func(h *harness) {
			h.seen(0, 150, 5, "ada") // no relief: warning at 2m17s
			h.away(150, 10, "ada", "ada")
			h.seen(160, 190, 8, "ada")
		}, []wantPage{{AlertWarning, 128, 129, "not eased"}, {AlertUrgent, 164, 165, "severe pain"}}},
		{"news: after the carer was told the pain eased", nil, func(h *harness) {
			severe(h, "ada")
			h.seen(30, 45, 1, "ada") // resolved
			h.away(45, 10, "ada", "ada")
			h.seen(55, 80, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 59, 60, "(again: the last urgent alert went out 55s ago)"}}},
		{"news: pain seen to ease after the return, then again", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 47, 4, "ada") // concerned
			h.seen(47, 62, 1, "ada") // and eased
			h.seen(62, 87, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 68, 69, "(again: "}}},
		{"news: back and seen calm, then in pain again", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 340, 0.5, "ada") // 5 minutes calm in view: the pain was seen to ease
			h.seen(340, 370, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 347, 348, "(again: "}}},
		{"news: another named person", nil, returns("ada", "bob", 3, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 37, 38, "(again: "}}},
		{"news: a named person after an unknown face", nil, returns("face-1", "ada", 3, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 37, 38, "(again: "}}},
		{"news: an unknown face after a named person", nil, returns("ada", "visitor-0a1b2c3d4e", 3, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 37, 38, "(again: "}}},
		{"news: back more than 2 minutes after the episode ended", nil, returns("ada", "ada", 129, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 163, 164, "(again: "}}},
		{"news: the standing alert is due again", func(c *Config) { c.Alert.Cooldown = time.Minute }, returns("ada", "ada", 50, 8), []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 80, 80.1, "pain 8.0 seen again after leaving view (again: the last urgent alert went out 1m16s ago)"}}},
		{"news: a call for help", nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 47, 0, "ada")
			h.callForHelp(47)
			h.seen(49, 67, 0, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 47, 48, "asked for help"}}},
		{`news: "stop" said in distress`, nil, func(h *harness) {
			severe(h, "ada")
			h.away(30, 10, "ada", "ada")
			h.seen(40, 52, 4, "ada") // concerned: in distress
			h.event(52, perception.EventKeyword, "stop")
			h.seen(52, 57, 4, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertWarning, 52, 53, `said "stop" while in distress`}}},
		{"news: distress heard unseen", nil, func(h *harness) {
			severe(h, "face-1")
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "face-1"}))
			h.voice(30, 40, 0) // quiet: the episode ends at 38 s
			h.moans(40, 110, false)
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertWarning, 72, 73, "heard moaning"}}},
		{"news: after distress heard unseen, the voice calm out of view", nil, func(h *harness) {
			severe(h, "ada")
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			h.voice(30, 40, 0)     // quiet: the episode ends at 38 s
			h.moans(40, 80, false) // warning at 72 s, its own alert
			h.voice(80, 111, 0)    // calm out of view: not resolved (TestSilenceOutOfViewResolvesNoPainSeen)
			h.feed(EventInput(perception.Event{At: sec(111), Kind: perception.EventArrived, Person: "ada"}))
			h.seen(111, 130, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertWarning, 72, 73, "heard moaning"},
			{AlertUrgent, 115, 116, "(again: "}}},
		{"news: after an opt-out", nil, func(h *harness) {
			severe(h, "ada")
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			h.command(31, Command{Cmd: CmdOptOut})
			h.command(32, Command{Cmd: CmdOptIn})
			h.feed(EventInput(perception.Event{At: sec(33), Kind: perception.EventArrived, Person: "ada"}))
			h.seen(33, 60, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 37, 38, "(again: "}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig() // cooldown 10m, relief timeout 2m
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			h := newHarness(t, cfg)
			tc.run(h)
			checkPages(t, h, tc.want)
			held := !strings.HasPrefix(tc.name, "news:")
			if got := holds(h.outs); got != held {
				t.Errorf("a hold recorded: %v, want %v\n%s", got, held, describe(h.outs))
			}
		})
	}
}

// holds says whether a transition records an alert held for one standing.
func holds(outs []Output) bool {
	for _, o := range outs {
		if tr, ok := o.(Transition); ok && tr.From == tr.To && strings.Contains(tr.Reason, "stands, so this") {
			return true
		}
	}
	return false
}

// A carer who acknowledges the page while the person is out of view has
// answered the standing alert: back in pain, the person is told of again a
// cooldown after the acknowledgement, not a cooldown after the page.
func TestAcknowledgedWhileAway(t *testing.T) {
	h := newHarness(t, DefaultConfig()) // cooldown 10m
	h.seen(0, 60, 8, "ada")
	h.feed(EventInput(perception.Event{At: sec(60), Kind: perception.EventLeft, Person: "ada"}))
	for at := 60.0; at < 70; at += 0.1 {
		h.feed(AssessmentInput(perception.PainAssessment{At: sec(at), Confidence: 0.9}))
		if at == 60 {
			h.command(65, Command{Cmd: CmdAcknowledge, By: "Mary"})
		}
	}
	h.feed(EventInput(perception.Event{At: sec(70), Kind: perception.EventArrived, Person: "ada"}))
	h.seen(70, 1300, 8, "ada")
	checkPages(t, h, []wantPage{
		{AlertUrgent, 4, 5, "severe pain"},
		{AlertUrgent, 665, 675, "acknowledged by Mary 10m"},
		{AlertUrgent, 1265, 1275, "acknowledged by Mary 20m"}})
	for _, o := range h.outs {
		if a, ok := o.(Acknowledged); ok && (a.Alert == nil || a.Alert.Level != AlertUrgent) {
			t.Errorf("acknowledgement %+v, want it to name the urgent alert that stands", a)
		}
	}
}
