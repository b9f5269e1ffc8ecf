package companion

import (
	"context"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// A supervisor's mimicry command changes the experiment's condition mid-run,
// so the record keeps the settings it left and who sent it; the mirror
// switched off and on by the state alone (idle, paused) is the condition
// unchanged and records nothing. Before, neither reached the journal and an
// export could not tell a run whose gain a therapist raised from one that
// ran as configured.
func TestSupervisorMirrorChangeIsRecorded(t *testing.T) {
	chosen := behavior.MirrorSettings{Enabled: true, Gain: 0.9, Delay: 100 * time.Millisecond}
	cases := []struct {
		name   string
		source behavior.Source
		want   []journal.Setting
	}{
		{"console command", behavior.SourceConsole, []journal.Setting{
			{At: 5 * time.Second, Key: "mimicry.enabled", Value: "true", Source: "console"},
			{At: 5 * time.Second, Key: "mimicry.gain", Value: "0.9", Source: "console"},
			{At: 5 * time.Second, Key: "mimicry.delay", Value: "100ms", Source: "console"}}},
		{"state alone", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, 1, func(in behavior.Input) []behavior.Output {
					if _, ok := in.(*behavior.Command); ok {
						return []behavior.Output{behavior.MirrorChange{At: 5 * time.Second, Settings: chosen,
							Chosen: chosen, Source: c.source}}
					}
					return nil
				})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				r.comp.Bind(ctx)
				ctls := make(chan behavior.Command, 1)
				r.comp.AddService(r.comp.ForwardControls(ctls, behavior.SourceConsole))
				err := r.comp.Run(func(ctx context.Context) error {
					ctls <- behavior.Command{Cmd: behavior.CmdMimicry}
					time.Sleep(time.Second)
					synctest.Wait()
					r.comp.Stop()
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				r.rec.mu.Lock()
				defer r.rec.mu.Unlock()
				var got []journal.Setting
				for _, rec := range r.rec.records {
					if s, ok := rec.(journal.Setting); ok {
						got = append(got, s)
					}
				}
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("setting records %+v\nwant %+v", got, c.want)
				}
			})
		})
	}
}

// A line a supervisor had said is recorded with its route; the robot's own
// has none. Before, a wizard's "comfort" was recorded as the robot's.
func TestSupervisorUtteranceIsRecordedWithItsRoute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, 1, func(in behavior.Input) []behavior.Output {
			if cmd, ok := in.(*behavior.Command); ok {
				return []behavior.Output{
					behavior.Intent{At: cmd.At, Kind: behavior.IntentComfort, Say: &behavior.Utterance{Text: "I'm here."}, Source: cmd.Source},
					behavior.Intent{At: cmd.At, Kind: behavior.IntentComfort, Say: &behavior.Utterance{Text: "Breathe with me."}}}
			}
			return nil
		})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r.comp.Bind(ctx)
		ctls := make(chan behavior.Command, 1)
		r.comp.AddService(r.comp.ForwardControls(ctls, behavior.SourceConsole))
		err := r.comp.Run(func(ctx context.Context) error {
			ctls <- behavior.Command{Cmd: behavior.CmdIntent, Kind: behavior.IntentComfort}
			time.Sleep(time.Second)
			synctest.Wait()
			r.comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r.rec.mu.Lock()
		defer r.rec.mu.Unlock()
		var got []string
		for _, rec := range r.rec.records {
			if u, ok := rec.(journal.Utterance); ok {
				got = append(got, u.Text+"|"+u.Source)
			}
		}
		if want := []string{"I'm here.|console", "Breathe with me.|"}; !reflect.DeepEqual(got, want) {
			t.Errorf("utterances %q, want %q", got, want)
		}
	})
}
