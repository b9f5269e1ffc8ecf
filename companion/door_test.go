package companion

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/console"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/sessiontime"
)

// Malformed requests at the console's control door are faults of the run,
// coalesced so a flood cannot flood the journal: a burst of 5 is one
// record at once and one with the other 4 when the 10 s window ends; 3
// more just before the run ends are flushed into the session's record
// before the journal ends it. The summary counts all 8 refusals. Fails
// without the door's reports wired (no records), and with the flush after
// the journal's end (the last 3 never reach the journal).
func TestConsoleMalformedControlsAreCoalescedFaults(t *testing.T) {
	const token = "door-token-0123456789abcdef"
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		j, comp, log := journalledCompanion(t, ctx, path)
		con, err := console.New(console.Opts{Token: token, Rate: 1000, Burst: 1000,
			ReportRefusals: comp.DoorRefusals(behavior.SourceConsole)})
		if err != nil {
			t.Fatal(err)
		}
		comp.AddDoor(con, behavior.SourceConsole)

		door := con.Handler()
		bad := func(n int, body string) {
			t.Helper()
			for range n {
				req := httptest.NewRequest("POST", "/api/v1/control", strings.NewReader(body))
				req.Host = "localhost"
				req.Header.Set("Authorization", "Bearer "+token)
				rec := httptest.NewRecorder()
				door.ServeHTTP(rec, req)
				if rec.Code != http.StatusBadRequest {
					t.Errorf("%s: answered %d, want 400", body, rec.Code)
				}
			}
		}
		err = comp.Run(func(ctx context.Context) error {
			bad(4, `{"cmd":"dance"}`)
			bad(1, `not json`)
			time.Sleep(12 * time.Second)
			bad(3, `{"cmd":"pause","force":true}`)
			time.Sleep(time.Second)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		faults := endedSessionFaults(t, ctx, j)
		want := []struct {
			n      string
			latest string
		}{
			{"refused 1 ", `unknown cmd`},
			{"refused 4 ", `not a JSON object`},
			{"refused 3 ", `unknown field`},
		}
		if len(faults) != len(want) {
			t.Fatalf("the journal holds %d fault records %+v, want %d", len(faults), faults, len(want))
		}
		for i, f := range faults {
			if f.Component != "console command" || !strings.HasPrefix(f.Message, want[i].n) ||
				!strings.Contains(f.Message, "at the door") || !strings.Contains(f.Message, want[i].latest) {
				t.Errorf("fault %d: %s: %q; want %q… at the door, the latest saying %q", i, f.Component, f.Message, want[i].n, want[i].latest)
			}
		}
		if st := comp.Stats(); st.Faults != 8 {
			t.Errorf("the summary counts %d faults, want 8 (every refused request)", st.Faults)
		}
		if n := strings.Count(log.String(), "at the door"); n != 3 {
			t.Errorf("%d log lines about the door, want 3:\n%s", n, log.String())
		}
	})
}

// sessionRecords reads back every record of session "s", in order.
func sessionRecords(t *testing.T, ctx context.Context, j *journal.Journal) []journal.Record {
	t.Helper()
	recs, err := j.Records(ctx, "s")
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// endedSessionFaults checks that session "s" has ended and returns its
// fault records, in order.
func endedSessionFaults(t *testing.T, ctx context.Context, j *journal.Journal) []journal.Fault {
	t.Helper()
	if sess, err := j.Session(ctx, "s"); err != nil || sess.Status == journal.StatusOpen {
		t.Fatalf("session %+v, %v: want it ended", sess, err)
	}
	return faultsIn(sessionRecords(t, ctx, j))
}

// faultsIn keeps the fault records of recs, in order.
func faultsIn(recs []journal.Record) []journal.Fault {
	var faults []journal.Fault
	for _, r := range recs {
		if f, ok := r.(journal.Fault); ok {
			faults = append(faults, f)
		}
	}
	return faults
}

// journalledCompanion opens a journal at path and binds a companion of
// fakes whose records go to session "s" there, through a writer the
// companion runs and whose End is its finisher, as kindred run wires it.
// Its log is returned for the lines the run prints.
func journalledCompanion(t *testing.T, ctx context.Context, path string) (*journal.Journal, *Companion, *bytes.Buffer) {
	t.Helper()
	return journalledWith(t, ctx, path, &fakeEngine{})
}

// journalledWith is journalledCompanion with the engine given.
func journalledWith(t *testing.T, ctx context.Context, path string, engine Engine) (*journal.Journal, *Companion, *bytes.Buffer) {
	t.Helper()
	return journalledWithFuser(t, ctx, path, &fakeFuser{}, engine)
}

// journalledWithFuser is journalledWith with the fuser given too.
func journalledWithFuser(t *testing.T, ctx context.Context, path string, fuser Fuser, engine Engine) (*journal.Journal, *Companion, *bytes.Buffer) {
	t.Helper()
	j, err := journal.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	w := j.NewWriter(journal.WriterOpts{Session: &journal.Session{ID: "s", Consent: true}})
	var fan Fanout
	fan.Add(func(r journal.Record) { w.Submit(r) })
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	log := &bytes.Buffer{}
	comp, err := New(Parts{Clock: clock, Fuser: fuser, Engine: engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &fan, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	comp.Bind(ctx)
	comp.AddService(w.Run)
	comp.AddFinisher(w.End)
	return j, comp, log
}
