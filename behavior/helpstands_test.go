package behavior

import (
	"slices"
	"strings"
	"testing"
)

// A call for help is not answered by a calm face: when the pain eases
// before any carer acknowledged the call, it stays open (no resolution
// goes out) until a carer acknowledges it, as a nurse call is cancelled by
// whoever came. Pain alerts, and calls a carer already acknowledged, are
// resolved by the pain easing as before.
func TestCallForHelpStandsUntilAnswered(t *testing.T) {
	ack := func(h *harness, at float64) {
		h.command(at, Command{Cmd: CmdAcknowledge, By: "Mary", Source: SourceConsole})
	}
	for _, tc := range []struct {
		name   string
		run    func(h *harness)
		want   []AlertLevel
		reason string // in the last alert's reason
	}{
		{"a call, calm: stays open", func(h *harness) {
			h.callForHelp(10)
			h.hold(11, 400, 0)
		}, []AlertLevel{AlertUrgent}, ""},
		{"a call, calm, then acknowledged: answered", func(h *harness) {
			h.callForHelp(10)
			h.hold(11, 400, 0)
			ack(h, 400)
		}, []AlertLevel{AlertUrgent, AlertResolved}, "the call for help was answered: acknowledged by Mary after the pain had eased"},
		{"a call acknowledged, then calm: resolved", func(h *harness) {
			h.callForHelp(10)
			ack(h, 20)
			h.hold(20.05, 400, 0)
		}, []AlertLevel{AlertUrgent, AlertResolved}, "pain eased to"},
		{"a pain alert, then calm: resolved", func(h *harness) {
			h.hold(6, 60, 9)
			h.hold(60, 400, 0)
		}, []AlertLevel{AlertUrgent, AlertResolved}, "pain eased to"},
		{"left open, then a pain episode paged and resolved: nothing more to answer", func(h *harness) {
			h.callForHelp(10)
			h.hold(11, 400, 0)
			h.hold(400, 460, 9)
			h.hold(460, 800, 0)
			ack(h, 800)
		}, []AlertLevel{AlertUrgent, AlertUrgent, AlertResolved}, "pain eased to"},
		{"left open, then opted out: nothing to answer", func(h *harness) {
			h.callForHelp(10)
			h.hold(11, 400, 0)
			h.command(400, Command{Cmd: CmdOptOut, Source: SourceConsole})
			ack(h, 401)
		}, []AlertLevel{AlertUrgent}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, DefaultConfig())
			h.arrive(6)
			tc.run(h)
			got := alertsAt(h.outs)
			levels := make([]AlertLevel, len(got))
			for i, a := range got {
				levels[i] = a.level
			}
			if !slices.Equal(levels, tc.want) {
				t.Fatalf("alerts %v, want %v", got, tc.want)
			}
			if last := got[len(got)-1]; !strings.Contains(last.reason, tc.reason) {
				t.Errorf("last alert %q, want it to say %q", last.reason, tc.reason)
			}
			if s := h.e.State(); tc.name != "left open, then opted out: nothing to answer" && s != StateAttending {
				t.Errorf("state %s, want attending: the robot stops alerting either way", s)
			}
		})
	}
}
