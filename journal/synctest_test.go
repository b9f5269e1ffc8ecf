package journal

import (
	"context"
	"path/filepath"
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
