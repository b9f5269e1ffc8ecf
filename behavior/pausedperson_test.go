package behavior

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// stop pauses the robot from the console at at, or, with fault, reports a
// fault of its body.
func (h *harness) stop(fault bool, at float64) {
	if fault {
		h.feed(&Fault{At: sec(at), Err: "servo"})
	} else {
		h.command(at, Command{Cmd: CmdPause})
	}
}

// resume ends what stop began: a console resume, or the fault cleared.
func (h *harness) resume(fault bool, at float64) {
	if fault {
		h.feed(&Fault{At: sec(at), Cleared: true})
	} else {
		h.command(at, Command{Cmd: CmdResume})
	}
}

// A pause or a fault ends no episode, and the person in pain may leave
// meanwhile (a carer who came at the page takes them away, then resumes the
// robot). Someone else in pain after it is news: before, the first
// person's episode went on across the pause and its urgent page, within the
// cooldown, held back the other's (severe pain unpaged for 10 minutes).
// The same person back soon is the standing alert's (standing.go).
func TestAnotherPersonAfterAPause(t *testing.T) {
	stop, resume := (*harness).stop, (*harness).resume
	// leaves: ada, in severe pain (urgent at 4 s), is lost from view at 31 s,
	// while the robot is paused (or faulty) from 30 s; nobody is seen until
	// back arrives at at, in severe pain; the robot resumes at 62 s.
	leaves := func(fault bool, back string, at float64) func(h *harness) {
		return func(h *harness) {
			h.seen(0, 30, 8, "ada")
			stop(h, fault, 30)
			h.feed(EventInput(perception.Event{At: sec(31), Kind: perception.EventLeft, Person: "ada"}))
			for t := 31.0; t < at-1e-9; t += 0.1 {
				h.absent(t)
				if t > 61.95 && t < 62.05 {
					resume(h, fault, 62)
				}
			}
			h.feed(EventInput(perception.Event{At: sec(at), Kind: perception.EventArrived, Person: back}))
			if at < 62 {
				h.seen(at, 62, 8, back)
				resume(h, fault, 62)
				at = 62
			}
			h.seen(at, 640, 8, back)
		}
	}
	for _, tc := range []struct {
		name   string
		run    func(h *harness)
		want   []wantPage
		person string // whom the second page names
	}{
		{"bob arrives while paused", leaves(false, "bob", 50), []wantPage{
			{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 54, 55, "while the robot is paused"}}, "bob"},
		{"bob arrives while faulty", leaves(true, "bob", 50), []wantPage{
			{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 54, 55, "while the robot is faulty"}}, "bob"},
		{"bob arrives after a resume with nobody there", leaves(false, "bob", 120), []wantPage{
			{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 124, 125, "severe pain"}}, "bob"},
		{"bob arrives after a fault cleared with nobody there", leaves(true, "bob", 120), []wantPage{
			{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 124, 125, "severe pain"}}, "bob"},
		// Held: ada back within 2 minutes is the alert that stands, told
		// again when due.
		{"ada back after a resume with nobody there", leaves(false, "ada", 120), []wantPage{
			{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 604, 605, "persists"}}, "ada"},
		// Resumed with ada there, her pain down but not eased, the episode's
		// alert carried into attending: bob found then is news too.
		{"bob arrives after a resume with ada there", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.command(30, Command{Cmd: CmdPause})
			h.seen(30, 60, 2.5, "ada")
			h.command(60, Command{Cmd: CmdResume})
			h.seen(60, 70, 2.5, "ada")
			h.feed(EventInput(perception.Event{At: sec(70), Kind: perception.EventArrived, Person: "bob"}))
			h.seen(70, 120, 8, "bob")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 74, 75, "severe pain"}}, "bob"},
		// News: ada left view (the episode ends at 38 s, the alert
		// stands); a pause from idle and a resume with nobody there do not
		// make her absence start again, so back after 2m10s she is paged.
		{"ada back more than 2 minutes after leaving, across a pause", func(h *harness) {
			h.seen(0, 30, 8, "ada")
			h.feed(EventInput(perception.Event{At: sec(30), Kind: perception.EventLeft, Person: "ada"}))
			for t := 30.0; t < 168; t += 0.1 {
				h.absent(t)
				switch {
				case t > 49.95 && t < 50.05:
					h.command(50, Command{Cmd: CmdPause})
				case t > 149.95 && t < 150.05:
					h.command(150, Command{Cmd: CmdResume})
				}
			}
			h.feed(EventInput(perception.Event{At: sec(168), Kind: perception.EventArrived, Person: "ada"}))
			h.seen(168, 200, 8, "ada")
		}, []wantPage{{AlertUrgent, 4, 5, "severe pain"}, {AlertUrgent, 172, 173, "(again: "}}, "ada"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			tc.run(h)
			checkPages(t, h, tc.want)
			var last Alert
			for _, o := range h.outs {
				if a, ok := o.(Alert); ok {
					last = a
				}
			}
			if last.Person != tc.person {
				t.Errorf("the last page names %q, want %q", last.Person, tc.person)
			}
		})
	}
}
