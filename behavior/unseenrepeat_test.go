package behavior

import (
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// An unseen alert's repeat is the bout's, and outlives what happens to the
// robot's episode while the bout goes on: a face seen to leave (a dim face
// flickering out of the camera's tracker) ends the episode, and a lesser
// alert raised since (a "stop" said in distress while paused) becomes the
// episode's latest. Before, either left the urgent alert of a bout that
// went on for another quarter of an hour never told again.
//
// Checked to fail with unseenAgain's old rule (no repeat unless the bout's
// alert is the episode's latest): both cases lose the urgent repeat at 750 s.
func TestUnseenRepeatOutlivesEpisode(t *testing.T) {
	type want struct {
		level  AlertLevel
		at     float64
		reason string
	}
	for _, tc := range []struct {
		name     string
		cooldown time.Duration
		run      func(h *harness)
		want     []want
	}{
		{"a worse alert of the episode: no lesser repeat", time.Minute, func(h *harness) {
			h.event(0, perception.EventKeyword, "ouch")
			h.moans(0.1, 40, false)
			h.event(40, perception.EventKeyword, "help")
			h.event(41, perception.EventKeyword, "help")
			h.moans(41.1, 200, false)
		}, []want{
			{AlertWarning, 30, "heard moaning for 30s"},
			{AlertUrgent, 41, `asked for help ("help"), said twice`},
			{AlertUrgent, 150, "heard moaning for 2m30s with no one in view (again: the last urgent alert went out 1m49s ago)"},
		}},
		{"a face seen to leave ends the episode", 0, func(h *harness) {
			h.event(0, perception.EventKeyword, "ouch") // wakes the robot: alerts go through alerting
			h.moans(0.1, 200, false)
			h.event(200, perception.EventLeft, "")
			h.moans(200.1, 1000, false)
		}, []want{
			{AlertWarning, 30, "heard moaning for 30s"},
			{AlertUrgent, 150, "heard moaning for 2m30s"},
			{AlertUrgent, 750, "(again: the last urgent alert went out 10m0s ago)"},
		}},
		{"a hush's warning raised since, paused", 0, func(h *harness) {
			h.command(0, Command{Cmd: CmdPause, Source: SourceConsole})
			h.moans(0.1, 700, false)
			h.event(700, perception.EventKeyword, "stop")
			h.moans(700.1, 1000, false)
		}, []want{
			{AlertWarning, 30, "heard moaning for 30s"},
			{AlertUrgent, 150, "heard moaning for 2m30s"},
			{AlertWarning, 700, `said "stop" while in distress`},
			{AlertUrgent, 750, "(again: the last urgent alert went out 10m0s ago)"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig() // cooldown 10m
			if tc.cooldown > 0 {
				cfg.Alert.Cooldown = tc.cooldown
			}
			h := newHarness(t, cfg)
			tc.run(h)
			got := pagesAt(h.outs)
			ok := len(got) == len(tc.want)
			for i := 0; ok && i < len(got); i++ {
				w := tc.want[i]
				ok = got[i].level == w.level && got[i].at >= sec(w.at) && got[i].at < sec(w.at+1) &&
					strings.Contains(got[i].reason, w.reason)
			}
			if !ok {
				t.Errorf("alerts:\n%v\nwant %v", got, tc.want)
			}
		})
	}
}
