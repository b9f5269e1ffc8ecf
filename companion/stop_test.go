package companion

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// gatedEngine is the real engine, started only once gate is closed: what
// the run sends it meanwhile waits in its queue, as inputs do behind a
// busy engine.
type gatedEngine struct {
	gate chan struct{}
	e    *behavior.Engine
}

func sec(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (g *gatedEngine) Run(ctx context.Context, in <-chan behavior.Input, out chan<- behavior.Output) error {
	<-g.gate
	return g.e.Run(ctx, in, out)
}

// A call for help heard just before the run is stopped (Ctrl-C, the end of
// --for) is queued for the engine when the stop comes. The engine handles
// it as it stops, so the urgent alert is journalled and logged like any
// other, and the summary's alert count is the journal's. Inputs that
// find the queue full as the run stops are one fault record saying how
// many. Without the engine's drain the alert case fails (no alert in the
// journal); without the companion's count the overflow case does.
func TestQueuedInputsAreHandledWhenTheRunStops(t *testing.T) {
	for _, tc := range []struct {
		name      string
		late      int // further events sent after the stop
		wantLost  int
		wantAlert bool
	}{
		{name: "a call for help queued at the stop", wantAlert: true},
		{name: "more than the queue holds", late: 70, wantLost: 70 + 2 - 64, wantAlert: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.db")
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				e, err := behavior.New(behavior.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				gated := &gatedEngine{gate: make(chan struct{}), e: e}
				j, comp, log := journalledWith(t, ctx, path, gated)
				help := func(at float64) perception.Event {
					return perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "help", Person: "ada"}
				}
				err = comp.Run(func(ctx context.Context) error {
					comp.Event(help(10))
					comp.Event(help(11)) // said twice: urgent
					comp.Stop()
					for i := range tc.late {
						comp.Event(perception.Event{At: sec(12 + float64(i)), Kind: perception.EventKeyword, Text: "hello"})
					}
					close(gated.gate)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				recs := sessionRecords(t, ctx, j)
				alerts, urgent := 0, false
				for _, r := range recs {
					if r, ok := r.(journal.Alert); ok && r.Level != journal.LevelResolved {
						alerts++
						urgent = urgent || r.Level == journal.LevelUrgent
					}
				}
				var faults []string
				for _, f := range faultsIn(recs) {
					faults = append(faults, f.Component+": "+f.Message)
				}
				if urgent != tc.wantAlert {
					t.Errorf("urgent alert journalled: %v, want %v; log:\n%s", urgent, tc.wantAlert, log)
				}
				if st := comp.Stats(); st.Alerts != alerts {
					t.Errorf("the summary counts %d alerts, the journal holds %d", st.Alerts, alerts)
				}
				var lost []string
				for _, f := range faults {
					if strings.Contains(f, "not handled") {
						lost = append(lost, f)
					}
				}
				switch {
				case tc.wantLost == 0 && len(lost) > 0:
					t.Errorf("faults %q, want no input lost", lost)
				case tc.wantLost > 0 && (len(lost) != 1 || !strings.HasPrefix(lost[0], fmt.Sprintf("behaviour: %d input(s) not handled", tc.wantLost))):
					t.Errorf("faults %q, want one saying %d input(s) not handled", faults, tc.wantLost)
				}
				if tc.wantLost > 0 && !strings.Contains(log.String(), fmt.Sprintf("fault: behaviour: %d input(s) not handled", tc.wantLost)) {
					t.Errorf("no line on the log says %d inputs were not handled:\n%s", tc.wantLost, log)
				}
			})
		})
	}
}

// unreadFuser takes nothing from its inputs: whatever a source gives
// fusion stays in its latest-value slots (face, voice, posture) and its
// queues until the run ends.
type unreadFuser struct{}

func (unreadFuser) Run(ctx context.Context, _ fusion.Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	<-ctx.Done()
	return nil
}

// What can raise an alert reaches the engine through its input queue, never
// only through fusion's latest-value slots, which hold continuous
// measurements that the next one replaces: a spoken "help" is an event
// (voice.Analyzer.Run and the scenario player send each keyword as one;
// the copy on the hop, VoiceObs.Keyword, is fusion's evidence), a "yes" to
// "Shall I call someone?" an Answered input, and pain an assessment. Here
// fusion reads nothing, the source says "help" once as the voice stage
// does (the event, and the word on a screaming hop), and the run stops,
// with the engine gated (the call still queued) or not (handled, waiting
// for its second cue). Either way the carer is told, at warning, that the
// run stopped before a second cue (behavior's stopping): before it, the
// journal held no alert. What is left in the slots is not counted as
// inputs not handled.
func TestACallForHelpCutShortByTheStopIsAnAlert(t *testing.T) {
	for _, gated := range []bool{true, false} {
		t.Run(fmt.Sprintf("queued at the stop: %v", gated), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.db")
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				e, err := behavior.New(behavior.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				engine := &gatedEngine{gate: make(chan struct{}), e: e}
				if !gated {
					close(engine.gate)
				}
				j, comp, log := journalledWithFuser(t, ctx, path, unreadFuser{}, engine)
				err = comp.Run(func(ctx context.Context) error {
					comp.Event(perception.Event{At: sec(1), Kind: perception.EventArrived, Person: "ada"})
					comp.Face(perception.FaceObs{At: sec(9.9), Confidence: 0.9, PSPI: 8, Expression: perception.ExprPain})
					comp.Posture(perception.PostureObs{At: sec(9.9), Rocking: 1})
					comp.Event(perception.Event{At: sec(10), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
					comp.Voice(perception.VoiceObs{At: sec(10), Keyword: "help",
						Vocalisation: perception.Vocalisation{Class: perception.VocalScream, Distress: 1}})
					synctest.Wait()
					comp.Stop()
					if gated {
						close(engine.gate)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				recs := sessionRecords(t, ctx, j)
				var got []journal.Alert
				for _, r := range recs {
					if r, ok := r.(journal.Alert); ok {
						got = append(got, r)
					}
				}
				if len(got) != 1 || got[0].Level != journal.LevelWarning || !strings.Contains(got[0].Reason, "the run stopped") {
					t.Fatalf("alerts journalled %+v, want one warning saying the run stopped; log:\n%s", got, log)
				}
				if st := comp.Stats(); st.Alerts != 1 {
					t.Errorf("the summary counts %d alerts, want 1", st.Alerts)
				}
				for _, f := range faultsIn(recs) {
					if strings.Contains(f.Message, "not handled") {
						t.Errorf("fault %q: the slots' measurements counted as inputs lost", f.Message)
					}
				}
			})
		})
	}
}
