package journal

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// Another process (a carer's `kindred sessions delete --person ada`, cron)
// deletes the person the running session is about: the writer finds it as
// its next batch fails the session's foreign key, records the rest of the
// run all the same in the session begun again about nobody, with the
// person's ID and names taken out of what was queued meanwhile, and tells
// the run (Forgotten) so it forgets them too. Before, every record after
// the deletion failed its foreign key (a real run: 428 records, an urgent
// and a resolved alert among them, "not written this run") and nothing in
// the run heard of it. A session deleted as a session, its person kept,
// is recorded on and its person not forgotten.
func TestDeletedByAnotherProcess(t *testing.T) {
	for _, tc := range []struct {
		name       string
		begun      Session
		how        string   // person or session (another process), writer (DeletePerson)
		wantForgot []string // Forgotten's calls
	}{
		{"person deleted, session begun for them", Session{ID: "s-run", Robot: "kiri", Person: "ada"}, "person", []string{"ada"}},
		{"person deleted, session learnt them", Session{ID: "s-run", Robot: "kiri"}, "person", []string{"ada"}},
		{"session deleted, person kept", Session{ID: "s-run", Robot: "kiri"}, "session", nil},
		{"person deleted through the writer", Session{ID: "s-run", Robot: "kiri"}, "writer", []string{"ada"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, path := openTemp(t)
			asSession := tc.how == "session"
			if asSession {
				// ada has an older session, kept: she is not deleted.
				record(t, j, WriterOpts{}, Session{ID: "s-old", Robot: "kiri", Started: time.Unix(1000, 0)}, sample("ada"))
			}
			var mu sync.Mutex
			var forgot []string
			var w *Writer
			// In flight as the run is told: submitted before it forgot her.
			inFlight := Transition{At: 9 * time.Second, From: "alerting", To: "comforting", Reason: "Ada answered", Person: "ada"}
			opts := WriterOpts{Now: fixedNow(), Session: &tc.begun, Forgotten: func(id string, elsewhere bool) []string {
				if elsewhere != (tc.how != "writer") {
					t.Errorf("told of %s deleted elsewhere %v, want %v", id, elsewhere, !elsewhere)
				}
				mu.Lock()
				defer mu.Unlock()
				forgot = append(forgot, id)
				w.Submit(inFlight)
				return []string{"Ada"}
			}}
			w = j.NewWriter(opts)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			for _, r := range sample("ada") {
				w.Submit(r)
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}

			other, err := OpenExisting(ctx, path) // the carer's shell
			if err != nil {
				t.Fatal(err)
			}
			switch tc.how {
			case "session":
				err = other.DeleteSession(ctx, "s-run")
			case "person":
				_, err = other.DeletePerson(ctx, "ada")
			case "writer":
				err = w.DeletePerson(ctx, "ada")
			}
			other.Close()
			if err != nil {
				t.Fatal(err)
			}

			after := []Record{
				Assessment{At: 10 * time.Second, Person: "ada", Score: 8, Band: "severe", Cues: []string{}, Present: true},
				Utterance{At: 11 * time.Second, Person: "Ada", Intent: "alert_notice", Text: "Ada, I'm letting a carer know."},
				Alert{At: 12 * time.Second, Person: "ada", Level: LevelUrgent, Score: 8, Reason: "severe pain 8.0 for 4s"},
				Fault{At: 13 * time.Second, Component: "camera", Message: "no frame for 10s"},
			}
			if tc.how == "writer" {
				// The run forgot her as the deletion was done: what it
				// records from then on names her no more.
				after = nil
			}
			for _, r := range after {
				w.Submit(r)
			}
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if st := w.Stats(); st.Failed != 0 {
				t.Errorf("%d records lost to write failures after the deletion", st.Failed)
			}
			cancel()
			<-done
			want := len(after)
			if !asSession {
				want++ // inFlight
			}
			recs, err := j.Records(context.Background(), "s-run")
			if err != nil || len(recs) != want {
				t.Errorf("after the deletion the session holds %d records (%v), want the %d submitted after it", len(recs), err, want)
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(forgot, tc.wantForgot) {
				t.Errorf("the run was told to forget %q, want %q", forgot, tc.wantForgot)
			}
			s, err := j.Session(context.Background(), "s-run")
			if err != nil || s.Robot != "kiri" {
				t.Errorf("session %+v (%v), want kiri's, recorded on", s, err)
			}
			if asSession {
				if s.Person != "ada" {
					t.Errorf("session about %q, want ada, still named (only the session was deleted)", s.Person)
				}
				return
			}
			if s.Person != "" {
				t.Errorf("session about %q, want nobody", s.Person)
			}
			for _, needle := range []string{"ada", "Ada"} {
				if n := rowsMentioning(t, path, needle); n != 0 {
					t.Errorf("%d rows mention %s after the deletion", n, needle)
				}
			}
		})
	}
}
