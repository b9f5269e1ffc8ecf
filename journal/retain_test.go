package journal

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"
)

// A run that lasts longer than RetainDays deletes, while it runs, what has
// grown older than that: closed sessions, and its own open session's old
// records. Before, retention ran only as a run started, and a robot that
// was never restarted kept everything until its disk filled.
func TestRetentionWhileRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		j, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		run := func(id string, body func(w *Writer)) {
			rctx, cancel := context.WithCancel(ctx)
			w := j.NewWriter(WriterOpts{CommitEvery: time.Minute, RetainDays: 1, Session: &Session{ID: id}})
			done := make(chan error)
			go func() { done <- w.Run(rctx) }()
			body(w)
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		run("earlier", func(w *Writer) { w.Submit(Fault{At: time.Second, Component: "camera", Message: "gone"}) })
		run("long", func(w *Writer) {
			w.Submit(Fault{At: time.Second, Component: "camera", Message: "first day"})
			w.Submit(Assessment{At: time.Second, Person: "ada", Score: 5, Band: "moderate"})
			time.Sleep(23 * time.Hour)
			w.Submit(Fault{At: 23 * time.Hour, Component: "camera", Message: "second day"})
			time.Sleep(2*time.Hour + time.Second) // retention at 24 h and 25 h
			synctest.Wait()
			if _, err := j.Session(ctx, "earlier"); !errors.Is(err, ErrNoSession) {
				t.Errorf("a closed session 25 h old survived retention of 1 day: %v", err)
			}
			recs, err := j.Records(ctx, "long")
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 1 || recs[0].(Fault).Message != "second day" {
				t.Errorf("the open session keeps %v, want only the record of 23 h", recs)
			}
		})
		if s, err := j.Session(ctx, "long"); err != nil || s.Status != StatusComplete {
			t.Errorf("the long session: %+v, %v; want it kept, complete", s, err)
		}
	})
}
