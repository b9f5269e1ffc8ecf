package companion

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/sessiontime"
)

// An alert the last run left standing, handed in with Carry, is an alert
// of this session on the real engine: recorded at once with the reason
// saying when and where it was raised, told again each alert.cooldown
// (10 min) with nobody in view, and told no more once a carer acknowledges
// it by MQTT, the acknowledgement naming it. Before, the run told it once,
// as a fault record, and nothing could acknowledge it.
func TestCarriedAlertRepeatsUntilAcknowledged(t *testing.T) {
	from := journal.Session{ID: "s-1", Started: time.Date(2026, 12, 4, 18, 49, 0, 0, time.UTC)}
	standing := []journal.Alert{{At: 49 * time.Second, Person: "ada", Level: journal.LevelUrgent, Score: 7.4, Reason: "severe pain 7.4 for 4s"}}
	const why = "severe pain 7.4 for 4s (standing when this robot's last run stopped: raised 49s into session s-1, begun 2026-12-04 18:49 UTC; not seen resolved since)"
	for _, tc := range []struct {
		name string
		ack  time.Duration // 0: none
		want []string
	}{
		{"unanswered", 0, []string{"0s urgent", "10m0s urgent", "20m0s urgent", "30m0s urgent", "40m0s urgent"}},
		{"acknowledged by MQTT", 25 * time.Minute, []string{"0s urgent", "10m0s urgent", "20m0s urgent", "25m0s acknowledged urgent by Mary"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				engine, err := behavior.New(behavior.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				clock, err := sessiontime.New(1)
				if err != nil {
					t.Fatal(err)
				}
				rec := &recorder{}
				comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
					Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: rec})
				if err != nil {
					t.Fatal(err)
				}
				comp.Carry(from, standing, true)
				comp.Bind(t.Context())
				err = comp.Run(func(ctx context.Context) error {
					if tc.ack > 0 {
						time.Sleep(tc.ack)
						synctest.Wait()
						if err := comp.Control(behavior.Command{Cmd: behavior.CmdAcknowledge, By: "Mary"}, behavior.SourceMQTT); err != nil {
							return err
						}
					}
					time.Sleep(45*time.Minute - tc.ack)
					synctest.Wait()
					comp.Stop()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				rec.mu.Lock()
				defer rec.mu.Unlock()
				for _, r := range rec.records {
					switch r := r.(type) {
					case journal.Alert:
						got = append(got, fmt.Sprintf("%v %s", r.At.Round(time.Second), r.Level))
						if r.Person != "ada" || !strings.HasPrefix(r.Reason, why) {
							t.Errorf("alert %+v: want ada's, reason %q", r, why)
						}
					case journal.Acknowledgement:
						got = append(got, fmt.Sprintf("%v acknowledged %s by %s", r.At.Round(time.Second), r.AlertLevel, r.By))
						if r.Person != "ada" || r.Reason != why || r.Source != "mqtt" {
							t.Errorf("acknowledgement %+v: want of ada's alert, by mqtt", r)
						}
					case journal.Fault:
						t.Errorf("fault %+v", r)
					}
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
				}
			})
		})
	}
}
