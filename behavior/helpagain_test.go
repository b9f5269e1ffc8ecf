package behavior

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// A call for help while the robot is alerting pages again once the
// episode's alert is due (a cooldown after it went out, and after any
// acknowledgement), however the person is seen. The repeat of lasting
// pain needs a fresh score at concern, so before this a person seen too
// dimly to score, or with a calm face, who called "help" every two minutes
// for half an hour was paged once, at the first call, and never again.
//
// Checked to fail with the repeat in escalateAbout switched off: every
// case but "seen in pain" gets only its first page.
func TestHelpAgainWhileAlerting(t *testing.T) {
	dim := func(at float64) perception.PainAssessment {
		return perception.PainAssessment{At: sec(at), Person: "ada", Present: true, Confidence: 0.2, Score: 1}
	}
	calm := func(at float64) perception.PainAssessment { return assessment(at, 2.5) }
	inPain := func(at float64) perception.PainAssessment { return assessment(at, 5) }
	type page struct {
		at     float64 // seconds, to the tenth
		reason string  // a part of its reason
	}
	for _, tc := range []struct {
		name  string
		seen  func(at float64) perception.PainAssessment
		calls func(h *harness, at float64) // at each 2-minute mark from 20 s
		ackAt float64                      // a carer acknowledges then, if > 0
		want  []page
	}{
		{name: "seen too dimly to score, help said twice", seen: dim,
			calls: func(h *harness, at float64) { h.callForHelp(at) },
			want: []page{{21, "said twice"},
				{621, "said twice (again: the last urgent alert went out 10m0s ago)"},
				{1221, "(again: the last urgent alert went out 10m0s ago)"}}},
		{name: "calm face, help said twice", seen: calm,
			calls: func(h *harness, at float64) { h.callForHelp(at) },
			want:  []page{{21, "said twice"}, {621, "(again: "}, {1221, "(again: "}}},
		{name: "acknowledged: held back one cooldown from the acknowledgement", seen: dim, ackAt: 300,
			calls: func(h *harness, at float64) { h.callForHelp(at) },
			want: []page{{21, "said twice"},
				// Due a cooldown after the acknowledgement, whether or not
				// "help" is said again then (TestUnansweredPainRepeats).
				{921, "asked for help, cannot see the face now (again: the last urgent alert went out 15m0s ago, acknowledged by Mary 10m0s ago)"}}},
		{name: "lone help, yes to the call question", seen: dim,
			calls: func(h *harness, at float64) {
				h.event(at, perception.EventKeyword, "help")
				h.answer(at+5, QuestionCall, "yes")
			},
			want: []page{{25, `answered "yes" to "Shall I call someone?"`},
				{625, `answered "yes" to "Shall I call someone?" (again: the last urgent alert went out 10m0s ago)`},
				{1225, "(again: "}}},
		{name: "seen in pain: lasting pain repeats, as before", seen: inPain,
			calls: func(h *harness, at float64) { h.callForHelp(at) },
			want:  []page{{20, "with distress seen"}, {620, "persists"}, {1220, "persists"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig()) // cooldown 10m
			h.arrive(10)
			for i := 100; i < 15000; i++ { // 10 s to 25 min at 10 Hz
				at := float64(i) / 10
				h.feed(AssessmentInput(tc.seen(at)))
				if i%1200 == 200 {
					tc.calls(h, at)
				}
				if tc.ackAt > 0 && i == int(tc.ackAt*10)+210 {
					h.command(at, Command{Cmd: CmdAcknowledge, By: "Mary", Source: SourceConsole})
				}
			}
			got := pagesAt(h.outs)
			ok := len(got) == len(tc.want)
			for i := 0; ok && i < len(got); i++ {
				w := tc.want[i]
				ok = got[i].level == AlertUrgent && got[i].at.Seconds() > w.at-0.2 && got[i].at.Seconds() < w.at+0.2 &&
					strings.Contains(got[i].reason, w.reason)
			}
			if !ok {
				t.Errorf("pages:\n%v\nwant %v", got, tc.want)
			}
		})
	}
}
