package journal

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

const (
	urgentChildEnv = "KINDRED_JOURNAL_URGENT_CHILD"
	urgentKindEnv  = "KINDRED_JOURNAL_URGENT_KIND"
)

// urgentRecords are the records that must survive a kill -9 right after
// Submit, by the name the crash test passes to its child.
var urgentRecords = map[string]Record{
	"alert": Alert{At: 3 * time.Second, Person: "p-ana", Level: LevelUrgent, Score: 8,
		Reason: "severe pain for 30 s"},
	"opt-out": Transition{At: 3 * time.Second, From: string(behavior.StateAttending),
		To: string(behavior.StateOptedOut), Reason: "said stop", Person: "p-ana"},
}

// urgentChild records one session with the default 500 ms batches, submits
// one urgent record, waits until the writer says it is committed but never
// longer than 50 ms (a tenth of the batch window), and kills itself.
func urgentChild(path, kind string) {
	ctx := context.Background()
	j, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	w := j.NewWriter(DefaultWriterOpts())
	go w.Run(ctx)
	if _, err := w.Begin(ctx, Session{ID: "live", Robot: "kiri"}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := w.Flush(ctx); err != nil { // the session exists; only the record is at stake
		fmt.Println("error", err)
		os.Exit(1)
	}
	w.Submit(Assessment{At: 2 * time.Second, Person: "p-ana", Score: 8})
	w.Submit(urgentRecords[kind])
	deadline := time.Now().Add(50 * time.Millisecond)
	for w.Stats().Written < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("written", w.Stats().Written)
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// An alert or an opt-out submitted just before a kill -9 is in the journal:
// the writer commits it (with what was queued before it) as it takes it,
// not at the next 500 ms batch.
func TestUrgentRecordSurvivesKill9(t *testing.T) {
	for kind, want := range urgentRecords {
		t.Run(kind, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.db")
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), urgentChildEnv+"="+path, urgentKindEnv+"="+kind)
			out, err := cmd.Output()
			ws, ok := err.(*exec.ExitError)
			if !ok || ws.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("child did not die by SIGKILL: %v, output %q", err, out)
			}
			t.Logf("child: %s", strings.TrimSpace(string(out)))
			j, err := Open(context.Background(), path)
			if err != nil {
				t.Fatalf("journal does not open after kill -9: %v", err)
			}
			defer j.Close()
			recs, err := j.Records(context.Background(), "live")
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				if reflect.DeepEqual(r, want) {
					return
				}
			}
			t.Errorf("the %s submitted before kill -9 is not in the journal (found %v)", kind, recs)
		})
	}
}

// Which records the writer commits without waiting for the batch: time
// never advances here, so only an immediate commit can put them on disk.
func TestWriterCommitsUrgentRecordsAtOnce(t *testing.T) {
	tests := []struct {
		rec  Record
		want bool
	}{
		{urgentRecords["alert"], true},
		{Alert{At: time.Second, Level: LevelResolved, Reason: "pain eased"}, true},
		{urgentRecords["opt-out"], true},
		{Transition{At: time.Second, From: string(behavior.StateOptedOut), To: string(behavior.StateIdle), Reason: "opt in"}, false},
		{Transition{At: time.Second, From: string(behavior.StateConcerned), To: string(behavior.StateComforting), Reason: "pain"}, false},
		{Assessment{At: time.Second, Person: "p", Score: 9}, false},
		{Fault{At: time.Second, Component: "camera", Message: "gone"}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.rec.Kind(), tt.rec), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "journal.db")
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				j, err := Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				defer j.Close()
				w := j.NewWriter(WriterOpts{CommitEvery: 500 * time.Millisecond})
				done := make(chan error)
				go func() { done <- w.Run(ctx) }()
				if _, err := w.Begin(ctx, Session{ID: "s"}); err != nil {
					t.Fatal(err)
				}
				w.Submit(Fault{At: 0, Component: "mic", Message: "queued before"})
				w.Submit(tt.rec)
				synctest.Wait()
				var n int
				if err := j.db.QueryRow(`SELECT count(*) FROM ` + tableOf(tt.rec.Kind())).Scan(&n); err != nil {
					t.Fatal(err)
				}
				var before int
				if err := j.db.QueryRow(`SELECT count(*) FROM faults WHERE message = 'queued before'`).Scan(&before); err != nil {
					t.Fatal(err)
				}
				if got := n > 0; got != tt.want {
					t.Errorf("committed before the batch: %v, want %v", got, tt.want)
				}
				if tt.want && before != 1 {
					t.Error("the record queued before it was not committed with it")
				}
				cancel()
				<-done
			})
		})
	}
}

// tableOf is the table a kind's records live in.
func tableOf(k Kind) string {
	for i, kk := range Kinds {
		if kk == k {
			return recordTables[i]
		}
	}
	return ""
}
