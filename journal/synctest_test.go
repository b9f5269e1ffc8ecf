package journal

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// The writer commits on its own at least every CommitEvery, without a
// Flush: this is what bounds the loss on a crash.
func TestWriterCommitsEveryInterval(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		w := j.NewWriter(WriterOpts{CommitEvery: 500 * time.Millisecond})
		done := make(chan error)
		go func() { done <- w.Run(ctx) }()
		if _, err := w.Begin(ctx, Session{ID: "s"}); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := j.db.QueryRow(`SELECT count(*) FROM faults`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		w.Submit(Fault{At: time.Second, Component: "camera", Message: "gone"})
		synctest.Wait()
		if n := count(); n != 0 {
			t.Fatalf("%d rows before the first commit", n)
		}
		time.Sleep(499 * time.Millisecond)
		synctest.Wait()
		if n := count(); n != 0 {
			t.Fatalf("committed early: %d rows", n)
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if n := count(); n != 1 {
			t.Fatalf("%d rows after 500 ms, want 1", n)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		j.Close()
	})
}

// Every record offered to the writer is accounted for exactly once, also
// when producers race its shutdown or outlive it (a console command or a
// joint fault arriving as the run ends): what Submit accepts is written,
// and what the stopped writer cannot take is counted as dropped, never
// left uncounted in a queue nobody reads. Calls that wait for the writer
// fail at once instead of waiting for good.
func TestWriterAccountsForRecordsAroundStop(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		j, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		w := j.NewWriter(WriterOpts{Queue: 8, Session: &Session{ID: "s"}})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()

		const producers, each = 4, 50
		var accepted atomic.Uint64
		release := make(chan struct{})
		var wg sync.WaitGroup
		for p := range producers {
			wg.Go(func() {
				for i := range each {
					if i == each/2 {
						<-release // half before the stop, half during and after it
					}
					if w.Submit(Fault{At: time.Duration(p*each + i), Component: "x"}) {
						accepted.Add(1)
					}
				}
			})
		}
		synctest.Wait()
		close(release)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if w.Submit(Fault{At: time.Hour, Component: "x"}) {
			t.Error("Submit accepted a record after Run returned")
		}

		st := w.Stats()
		if got := st.Written + st.Dropped + st.Failed + st.NoSession + st.Downsample; got != producers*each+1 {
			t.Errorf("%d of %d records accounted for: %+v", got, producers*each+1, st)
		}
		if st.Written != accepted.Load() {
			t.Errorf("%d records accepted, %d written: %+v", accepted.Load(), st.Written, st)
		}

		fctx, fcancel := context.WithCancel(context.Background())
		defer fcancel()
		flushed := make(chan error, 1)
		go func() { flushed <- w.Flush(fctx) }()
		synctest.Wait()
		select {
		case err := <-flushed:
			if err == nil {
				t.Error("Flush after Run returned reported success")
			}
		default:
			t.Error("Flush after Run returned waits for a writer that is gone")
			fcancel()
			<-flushed
		}
	})
}
