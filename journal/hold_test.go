package journal

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

// heldRig is a running writer with session "s" begun and committed.
type heldRig struct {
	j      *Journal
	w      *Writer
	ctx    context.Context
	cancel context.CancelFunc
	done   chan error

	mu      sync.Mutex
	reports []error
}

func newHeldRig(t *testing.T, opts WriterOpts) *heldRig {
	t.Helper()
	r := &heldRig{done: make(chan error, 1)}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	j, err := Open(r.ctx, filepath.Join(t.TempDir(), "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	opts.Report = func(err error) {
		r.mu.Lock()
		r.reports = append(r.reports, err)
		r.mu.Unlock()
	}
	r.j, r.w = j, j.NewWriter(opts)
	go func() { r.done <- r.w.Run(r.ctx) }()
	if _, err := r.w.Begin(r.ctx, Session{ID: "s"}); err != nil {
		t.Fatal(err)
	}
	if err := r.w.Flush(r.ctx); err != nil {
		t.Fatal(err)
	}
	return r
}

// block stalls Run (as a slow disk would): it takes a flush whose answer
// nobody reads until release is called.
func (r *heldRig) block(t *testing.T) (release func()) {
	t.Helper()
	stall := make(chan error)
	if err := r.w.send(r.ctx, op{flushed: stall}); err != nil {
		t.Fatal(err)
	}
	synctest.Wait()
	return func() { <-stall; synctest.Wait() }
}

// fill submits ordinary records until the queue is full.
func (r *heldRig) fill(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		if !r.w.Submit(Fault{At: time.Duration(i) * time.Millisecond, Component: "camera", Message: "frame"}) {
			t.Fatalf("ordinary record %d of %d did not fit the queue", i+1, n)
		}
	}
	if r.w.Submit(Fault{At: time.Second, Component: "camera", Message: "no room"}) {
		t.Fatal("the queue is not full")
	}
}

func (r *heldRig) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatal(err)
	}
}

func (r *heldRig) strings(t *testing.T, query string) []string {
	t.Helper()
	rows, err := r.j.db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			t.Fatal(err)
		}
		out = append(out, a+" "+b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// With the writer stalled and its queue full of frame-rate records, alerts
// and an opt-out are still taken (Submit says so, without blocking) and,
// once the writer drains, committed in order: behind what was queued, in
// the session they came in, ahead of an End and Begin that came after
// them. Ordinary records that come while urgent ones are held are dropped,
// so none overtakes them. Before, every urgent record here was dropped.
func TestFullQueueNeverDropsUrgentRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const queue = 8
		r := newHeldRig(t, WriterOpts{Queue: queue, CommitEvery: 500 * time.Millisecond})
		release := r.block(t)
		r.fill(t, queue)

		optOut := urgentRecords["opt-out"]
		submits := []struct {
			rec  Record
			want bool
		}{
			{Alert{At: 3 * time.Second, Person: "p-ana", Level: LevelUrgent, Score: 8, Reason: "first"}, true},
			{Fault{At: 3 * time.Second, Component: "mic", Message: "behind a held alert"}, false},
			{optOut, true},
			{Alert{At: 2 * time.Second, Person: "p-ana", Level: LevelResolved, Reason: "second"}, true},
		}
		for _, s := range submits {
			if got := r.w.Submit(s.rec); got != s.want {
				t.Errorf("Submit(%v) = %v with the queue full, want %v", s.rec, got, s.want)
			}
		}
		// An End and a Begin find the queue full too: they wait behind the
		// held records, or those would be written to no session.
		if err := r.w.End(r.ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := r.w.Begin(r.ctx, Session{ID: "s2"}); err != nil {
			t.Fatal(err)
		}
		if !r.w.Submit(Alert{At: time.Second, Level: LevelUrgent, Score: 9, Reason: "third"}) {
			t.Error("an alert after the Begin was not taken")
		}

		release()
		if got, want := r.strings(t, `SELECT session, reason FROM alerts ORDER BY rowid`),
			[]string{"s first", "s second", "s2 third"}; !reflect.DeepEqual(got, want) {
			t.Errorf("alerts committed %q, want %q", got, want)
		}
		if got, want := r.strings(t, `SELECT session, to_state FROM transitions ORDER BY rowid`),
			[]string{"s " + string(behavior.StateOptedOut)}; !reflect.DeepEqual(got, want) {
			t.Errorf("transitions committed %q, want %q", got, want)
		}
		if got := r.strings(t, `SELECT session, message FROM faults ORDER BY rowid`); len(got) != queue {
			t.Errorf("%d ordinary records committed, want the %d queued: %q", len(got), queue, got)
		}
		r.stop(t)
		st := r.w.Stats()
		want := WriterStats{Written: queue + 4, Dropped: 2, Held: 4}
		if st != want {
			t.Errorf("stats %+v, want %+v", st, want)
		}
		if len(r.reports) != 1 || !strings.HasSuffix(r.reports[0].Error(),
			": 2 record(s) not written this run (2 dropped: the queue was full or the writer had stopped)") {
			t.Errorf("reported %v; want only the 2 ordinary records dropped counted, as the run ends", r.reports)
		}
	})
}

// The holding list is bounded (WriterOpts.Hold): urgent records beyond it
// are dropped, counted both as dropped and as urgent ones dropped, and
// reported once; a Flush that finds it full waits for room instead of
// growing it, and the held ones are written when the writer drains.
func TestHeldUrgentRecordsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const queue, hold, urgent = 4, 3, 5
		r := newHeldRig(t, WriterOpts{Queue: queue, Hold: hold, CommitEvery: 500 * time.Millisecond})
		release := r.block(t)
		r.fill(t, queue)
		taken := 0
		for i := range urgent {
			if r.w.Submit(Alert{At: time.Duration(i) * time.Second, Level: LevelUrgent, Score: 8, Reason: "pain"}) {
				taken++
			}
		}
		if taken != hold {
			t.Errorf("%d of %d alerts taken beyond a full queue, want %d (the bound)", taken, urgent, hold)
		}
		flushed := make(chan error, 1)
		go func() { flushed <- r.w.Flush(r.ctx) }()
		synctest.Wait()
		select {
		case err := <-flushed:
			t.Fatalf("Flush returned (%v) with the queue and the holding list full", err)
		default:
		}

		release()
		if err := <-flushed; err != nil {
			t.Errorf("Flush after the writer drained: %v", err)
		}
		if got := r.strings(t, `SELECT session, reason FROM alerts`); len(got) != hold {
			t.Errorf("%d alerts committed, want the %d held", len(got), hold)
		}
		r.stop(t)
		st := r.w.Stats()
		lost := uint64(urgent - hold)
		want := WriterStats{Written: queue + hold, Dropped: 1 + lost, Held: hold, UrgentDropped: lost}
		if st != want {
			t.Errorf("stats %+v, want %+v", st, want)
		}
		if len(r.reports) != 2 || !strings.Contains(r.reports[0].Error(), "2 alert or opt-out records lost") ||
			!strings.Contains(r.reports[1].Error(), ": 3 record(s) not written this run (3 dropped") {
			t.Errorf("reports %v, want one naming the 2 lost, then the count of all 3 not written", r.reports)
		}
	})
}

// Urgent records still held when the run ends are written before the
// session is closed, like those in the queue. (With 16 queued, Run's
// select takes the end of the run before it has emptied the queue itself
// but once in 65536.)
func TestHeldUrgentRecordsAreWrittenAtStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const queue = 16
		r := newHeldRig(t, WriterOpts{Queue: queue, CommitEvery: 500 * time.Millisecond})
		release := r.block(t)
		r.fill(t, queue)
		if !r.w.Submit(urgentRecords["alert"]) {
			t.Fatal("the alert was not taken")
		}
		r.cancel()
		release()
		if err := <-r.done; err != nil {
			t.Fatal(err)
		}
		if got := r.strings(t, `SELECT session, level FROM alerts`); !reflect.DeepEqual(got, []string{"s urgent"}) {
			t.Errorf("alerts committed %q, want the held one", got)
		}
		if got := r.strings(t, `SELECT id, status FROM sessions`); !reflect.DeepEqual(got, []string{"s " + string(StatusComplete)}) {
			t.Errorf("sessions %q, want s ended normally", got)
		}
		if st := r.w.Stats(); st.Written != queue+1 || st.Held != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}
