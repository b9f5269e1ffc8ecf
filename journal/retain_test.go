package journal

import (
	"context"
	"errors"
	"math"
	"strconv"
	"testing"
	"testing/synctest"
	"time"
)

// retaining runs a writer with RetainDays days over session id while body
// runs, then stops it (the session ends complete).
func retaining(t *testing.T, j *Journal, id string, days int, body func(w *Writer)) {
	retainingAt(t, j, id, days, 1, body)
}

// retainingAt is retaining in a run at speed session seconds a wall second.
func retainingAt(t *testing.T, j *Journal, id string, days int, speed float64, body func(w *Writer)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := j.NewWriter(WriterOpts{CommitEvery: time.Minute, RetainDays: days, Speed: speed, Session: &Session{ID: id}})
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	body(w)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A run that lasts longer than RetainDays deletes, while it runs, what has
// grown older than that: closed sessions, and its own open session's old
// records. Before, retention ran only as a run started, and a robot that
// was never restarted kept everything until its disk filled.
func TestRetentionWhileRunning(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		j, _ := openTemp(t)
		run := func(id string, body func(w *Writer)) { retaining(t, j, id, 1, body) }
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

// A retention of more days than a time.Duration holds keeps everything:
// multiplied out, the days overflowed to a cut in the future, and
// `sessions delete --older-than 200000` or `retain_days: 200000` (a slip of
// the keyboard) deleted every closed session and, in a run, the open
// session's records too.
func TestRetentionBeyondADurationKeepsEverything(t *testing.T) {
	for _, days := range []int{106752, 200000, 999999999, math.MaxInt} {
		t.Run(strconv.Itoa(days), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				j, _ := openTemp(t)
				run := func(id string, body func()) {
					retaining(t, j, id, days, func(w *Writer) {
						w.Submit(Fault{At: time.Second, Component: "camera", Message: id})
						body()
					})
				}
				run("earlier", func() {})
				run("long", func() {
					time.Sleep(2*time.Hour + time.Second) // retention at the start, 1 h and 2 h
					synctest.Wait()
				})
				if n, err := j.DeleteOlderThan(ctx, time.Now(), days); n != 0 || err != nil {
					t.Errorf("DeleteOlderThan(%d days) deleted %d sessions (%v), want none", days, n, err)
				}
				for _, id := range []string{"earlier", "long"} {
					if recs, err := j.Records(ctx, id); err != nil || len(recs) != 1 {
						t.Errorf("session %s keeps %v (%v), want its one record", id, recs, err)
					}
				}
			})
		})
	}
}

// Records carry session time, which a run at --speed S covers S times as
// fast as the wall clock; retention is of wall time, a person's records
// kept no longer than the care plan says. Taken as wall time, the cut kept
// a run at --speed 20 twenty times too long, and a replay at half speed
// deleted records younger than the retention.
func TestRetentionWhileRunningAtSpeed(t *testing.T) {
	for _, speed := range []float64{20, 0.5, 1} {
		t.Run(strconv.FormatFloat(speed, 'g', -1, 64), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx := context.Background()
				j, _ := openTemp(t)
				session := func(wall time.Duration) time.Duration { return time.Duration(float64(wall) * speed) }
				retainingAt(t, j, "s", 1, speed, func(w *Writer) {
					// One record each 30 wall minutes, stamped in session time.
					for wall := 30 * time.Minute; wall <= 23*time.Hour; wall += 30 * time.Minute {
						time.Sleep(30 * time.Minute)
						w.Submit(Fault{At: session(wall), Component: "camera", Message: wall.String()})
					}
					time.Sleep(2*time.Hour + time.Minute) // retention at 24 h and 25 h of wall time
					synctest.Wait()
					recs, err := j.Records(ctx, "s")
					if err != nil {
						t.Fatal(err)
					}
					// At 25 h, what was recorded before 1 h is over a day old.
					var kept []string
					for _, r := range recs {
						kept = append(kept, r.(Fault).Message)
					}
					if len(kept) == 0 || kept[0] != "1h0m0s" {
						t.Errorf("at speed %g, after retention the oldest record kept is %v; want the one of 1h0m0s (older gone, younger kept)", speed, kept[:min(len(kept), 3)])
					}
				})
			})
		})
	}
}
