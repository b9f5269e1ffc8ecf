package companion

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

// A command the robot does not act on, refused by the engine (pause while
// paused) or by the wiring (identify in a run that names no faces), is a
// recorded fault: a journal record (which the console's stream and the
// export carry), a count in the summary and one line; and the run goes on.
func TestRefusedCommandIsARecordedFault(t *testing.T) {
	cases := []struct {
		name     string
		from     behavior.Source
		cmd      behavior.Command
		words    string // in the fault's message
		compWant string
	}{
		{"engine refuses", behavior.SourceConsole, behavior.Command{Cmd: behavior.CmdPause}, "cannot pause while paused", "behaviour"},
		{"wiring refuses", behavior.SourceMQTT, behavior.Command{Cmd: behavior.CmdIdentify, Person: "ada"}, "does not name faces", "mqtt command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, 1, func(in behavior.Input) []behavior.Output {
					if cmd, ok := in.(*behavior.Command); ok && cmd.Cmd == behavior.CmdPause {
						return []behavior.Output{behavior.Rejected{At: cmd.At, What: "command pause", Reason: "cannot pause while paused"}}
					}
					return nil
				})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				r.comp.Bind(ctx)
				ctls := make(chan behavior.Command, 1)
				r.comp.AddService(r.comp.ForwardControls(ctls, c.from))
				err := r.comp.Run(func(ctx context.Context) error {
					ctls <- c.cmd
					time.Sleep(time.Second)
					synctest.Wait()
					r.comp.Stop()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				r.rec.mu.Lock()
				faults := faultsIn(r.rec.records)
				r.rec.mu.Unlock()
				if len(faults) != 1 || !strings.Contains(faults[0].Message, c.words) || !strings.Contains(faults[0].Component, c.compWant) {
					t.Fatalf("fault records %+v; want one from %q saying %q", faults, c.compWant, c.words)
				}
				if st := r.comp.Stats(); st.Faults != 1 {
					t.Errorf("summary counts %d faults, want 1", st.Faults)
				}
				if n := strings.Count(r.log.String(), c.words); n != 1 {
					t.Errorf("%d log lines say %q, want 1:\n%s", n, c.words, r.log.String())
				}
			})
		})
	}
}
