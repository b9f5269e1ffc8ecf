package companion

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

// A journal that cannot write (its database gone from under it, as a
// removed file or a full disk leaves it) takes nothing from care: an alert
// raised after it failed still reaches stderr and the other sinks (console,
// fleet), the run goes on and ends without error, the failure is a fault
// (stderr and the summary's count, wired as kindred run wires it), and the
// records it could not write are counted in one more fault at the end,
// never lost in silence. Without the writer's closing count (Run's
// reportUnwritten) the last check fails.
func TestUnwritableJournalLosesNoAlert(t *testing.T) {
	ctx := t.Context()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	var comp *Companion
	w := j.NewWriter(journal.WriterOpts{Session: &journal.Session{ID: "s", Consent: true},
		Report: func(err error) { comp.NoteFault("journal", err) }})
	var mu sync.Mutex
	var other []journal.Record // what the console and the fleet are handed
	var fan Fanout
	fan.Add(func(r journal.Record) { w.Submit(r) })
	fan.Add(func(r journal.Record) { mu.Lock(); other = append(other, r); mu.Unlock() })
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	log := &bytes.Buffer{}
	engine := &fakeEngine{respond: func(in behavior.Input) []behavior.Output {
		if ev, ok := in.(*behavior.Observed); ok && ev.Kind == perception.EventKeyword {
			return []behavior.Output{behavior.Alert{At: ev.At, Level: behavior.AlertUrgent, Person: "ada", Reason: "asked for help"}}
		}
		return nil
	}}
	comp, err = New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &fan, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	comp.Bind(ctx)
	comp.AddService(w.Run)
	comp.AddFinisher(func(ctx context.Context) error {
		if err := w.End(ctx); err != nil {
			fmt.Fprintf(log, "kindred: journal: %v\n", err) // as kindred run does
		}
		return nil
	})
	err = comp.Run(func(ctx context.Context) error {
		if err := w.Flush(ctx); err != nil { // the session is begun and written
			return err
		}
		j.Close() // the disk goes away
		for i := range 5 {
			fan.Record(journal.Assessment{At: time.Duration(i) * time.Second, Person: "ada", Score: 1})
		}
		if err := w.Flush(ctx); err == nil {
			return fmt.Errorf("a flush to a closed journal succeeded")
		}
		comp.Event(perception.Event{At: 6 * time.Second, Kind: perception.EventKeyword, Text: "help", Person: "ada"})
		deadline := time.Now().Add(5 * time.Second)
		for comp.Stats().Alerts == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond) // waiting for the stages' goroutines, not logic
		}
		comp.Stop()
		return nil
	})
	if err != nil {
		t.Fatalf("the run ended with %v; a journal failure must not end it", err)
	}
	if !strings.Contains(log.String(), "kindred: alert (urgent) ada: asked for help\n") {
		t.Errorf("stderr lacks the alert:\n%s", log)
	}
	mu.Lock()
	alerts := 0
	for _, r := range other {
		if _, ok := r.(journal.Alert); ok {
			alerts++
		}
	}
	mu.Unlock()
	if alerts != 1 {
		t.Errorf("console and fleet were handed %d alerts, want 1", alerts)
	}
	if !strings.Contains(log.String(), "kindred: fault: journal: ") {
		t.Errorf("stderr lacks the journal's failure:\n%s", log)
	}
	lost := regexp.MustCompile(`(?m)^kindred: fault: journal: journal: \S+: (\d+) record\(s\) not written this run`).FindStringSubmatch(log.String())
	if lost == nil || lost[1] == "0" {
		t.Errorf("stderr does not count the records not written:\n%s", log)
	}
	if s := comp.Stats(); s.Faults < 2 || s.Alerts != 1 {
		t.Errorf("stats %+v: want the failure and the count as faults, and the alert", s)
	}
}
