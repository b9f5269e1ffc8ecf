package journal

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// zelda is the person whose deletion must leave nothing; otto stays.
const (
	zeldaID   = "zelda-quartermain"
	zeldaName = "Zelda Quartermain"
	zeldaPain = "severe pain"
	ottoID    = "otto-brennan"
	ottoName  = "Otto Brennan"
	ottoPain  = "mild discomfort"
)

// personHistory is several sessions' worth of records about one person:
// enough rows to span many pages, like a real week of care.
func personHistory(id, name, pain string, n int) []Record {
	var out []Record
	for i := range n {
		at := time.Duration(i) * time.Second
		out = append(out,
			Assessment{At: at, Person: id, Score: 8, Band: perception.BandSevere, Confidence: 0.9,
				Cues: []string{name + " grimacing", pain}, Present: true},
			Alert{At: at + time.Millisecond, Person: id, Level: LevelUrgent, Score: 8,
				Reason: fmt.Sprintf("%s: %s for %d s", name, pain, i)},
			Utterance{At: at + 2*time.Millisecond, Person: id, Intent: "comfort", Text: name + ", I am here.", Lang: "en"},
			Transition{At: at + 3*time.Millisecond, From: "engaged", To: "comforting", Reason: pain, Person: id},
			Annotation{At: at + 4*time.Millisecond, Person: id, Annotator: "nurse", Scale: ScaleNRS, Rating: 8,
				Note: name + " in " + pain})
	}
	return out
}

// filesMentioning reads every file in dir as bytes, the way `strings FILE |
// grep` would, and names those holding needle.
func filesMentioning(t *testing.T, dir, needle string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(needle)) {
			found = append(found, e.Name())
		}
	}
	return found
}

// deleteUnscrubbed deletes one of Zelda's sessions the way an older
// Kindred (or the sqlite3 shell) would: without secure_delete, then
// checkpointed, so her rows sit in free pages of the main file.
func deleteUnscrubbed(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{`PRAGMA secure_delete=0`, `PRAGMA foreign_keys=1`,
		`DELETE FROM sessions WHERE id = 's-zelda-0'`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// Deleting a person leaves neither their name nor their records anywhere in
// the journal's files (db, -wal, -shm), while the journal is still open and
// after it closes, whichever way the deletion came (the CLI's journal call,
// or the console's through a running writer), and even when some of their
// rows were deleted earlier without secure_delete.
func TestDeletedPersonLeavesNoTraceInTheFiles(t *testing.T) {
	tests := []struct {
		name         string
		viaWriter    bool
		freedEarlier bool
	}{
		{name: "journal"},
		{name: "writer", viaWriter: true},
		{name: "rows freed earlier without secure_delete", freedEarlier: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			dir := t.TempDir()
			path := filepath.Join(dir, "journal.db")
			j, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			w := j.NewWriter(WriterOpts{Now: fixedNow()})
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			w.Person(ctx, Person{ID: zeldaID, DisplayName: zeldaName, Baseline: []byte(zeldaName + " baseline")})
			w.Person(ctx, Person{ID: ottoID, DisplayName: ottoName})
			for s := range 3 {
				w.Begin(ctx, Session{ID: fmt.Sprintf("s-zelda-%d", s), Person: zeldaID})
				for _, r := range personHistory(zeldaID, zeldaName, zeldaPain, 150) {
					w.Submit(r)
				}
				if err := w.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				if s == 0 {
					// Part of her history reaches the main file, part stays in the WAL.
					if _, err := j.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
						t.Fatal(err)
					}
				}
			}
			// A session about Otto that Zelda appears in too.
			w.Begin(ctx, Session{ID: "s-otto", Person: ottoID})
			for _, r := range append(personHistory(ottoID, ottoName, ottoPain, 50), personHistory(zeldaID, zeldaName, zeldaPain, 20)...) {
				w.Submit(r)
			}
			w.End(ctx)
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			for _, needle := range []string{zeldaName, zeldaPain} {
				if len(filesMentioning(t, dir, needle)) == 0 {
					t.Fatalf("%q is in no file before deletion: the search cannot see anything", needle)
				}
			}
			if tt.freedEarlier {
				deleteUnscrubbed(t, path)
			}

			if tt.viaWriter {
				err = w.DeletePerson(ctx, zeldaID)
			} else {
				_, err = j.DeletePerson(ctx, zeldaID)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, needle := range []string{zeldaName, zeldaID, zeldaPain} {
				if f := filesMentioning(t, dir, needle); len(f) > 0 {
					t.Errorf("after deletion, %q is still in %v", needle, f)
				}
			}
			// Otto's records are untouched and the search still finds them.
			for _, needle := range []string{ottoName, ottoPain} {
				if len(filesMentioning(t, dir, needle)) == 0 {
					t.Errorf("deleting Zelda removed %q too", needle)
				}
			}
			if recs, err := j.Records(ctx, "s-otto"); err != nil || len(recs) != len(personHistory(ottoID, ottoName, ottoPain, 50)) {
				t.Errorf("s-otto has %d records after the deletion (%v)", len(recs), err)
			}
			cancel()
			<-done
			if err := j.Close(); err != nil {
				t.Fatal(err)
			}
			for _, needle := range []string{zeldaName, zeldaPain} {
				if f := filesMentioning(t, dir, needle); len(f) > 0 {
					t.Errorf("after closing, %q is still in %v", needle, f)
				}
			}
		})
	}
}

// Every connection of the journal's pool zeroes what it deletes: a delete
// on any of them, once checkpointed, leaves nothing to find even without a
// VACUUM (what protects a deletion when VACUUM fails for want of disk).
func TestSecureDeleteZeroesRowsWithoutVacuum(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	record(t, j, WriterOpts{}, Session{ID: "s-zelda", Person: zeldaID}, personHistory(zeldaID, zeldaName, zeldaPain, 200))
	record(t, j, WriterOpts{}, Session{ID: "s-otto", Person: ottoID}, personHistory(ottoID, ottoName, ottoPain, 50))
	// Keep a second connection busy so the delete may land on any of them.
	c, err := j.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, q := range []string{`DELETE FROM sessions WHERE id = 's-zelda'`, `PRAGMA wal_checkpoint(TRUNCATE)`} {
		if _, err := j.db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, needle := range []string{zeldaName, zeldaPain} {
		if f := filesMentioning(t, filepath.Dir(path), needle); len(f) > 0 {
			t.Errorf("deleted rows' %q is still in %v", needle, f)
		}
	}
	if len(filesMentioning(t, filepath.Dir(path), ottoName)) == 0 {
		t.Error("the search finds not even the rows kept")
	}
}

// secure_delete is a per-connection setting: every connection of the pool
// must have it, not just the first one.
func TestEveryConnectionDeletesSecurely(t *testing.T) {
	ctx := context.Background()
	_, path := openTemp(t)
	for _, open := range []func(context.Context, string) (*Journal, error){Open, OpenExisting} {
		j, err := open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		// Hold two connections at once so the pool must open a second one.
		for i := range 2 {
			c, err := j.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			var on int
			if err := c.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&on); err != nil {
				t.Fatal(err)
			}
			if on != 1 {
				t.Errorf("connection %d: secure_delete = %d, want 1", i+1, on)
			}
		}
		defer j.Close()
	}
}

// A reader that keeps the write-ahead log in use (another process's open
// transaction, say) stops the log from being emptied; the deletion says so
// instead of claiming the files are clean.
func TestDeleteReportsAReaderHoldingTheLog(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	record(t, j, WriterOpts{}, Session{ID: "s-zelda", Person: zeldaID}, personHistory(zeldaID, zeldaName, zeldaPain, 20))
	other, err := sql.Open("sqlite", dsn(path, "ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("reader sees %d alerts (%v)", n, err)
	}
	deleted, err := j.DeletePerson(ctx, zeldaID)
	if !errors.Is(err, ErrScrubBusy) {
		t.Fatalf("delete with a reader holding the log: %v, want ErrScrubBusy", err)
	}
	if deleted == 0 {
		t.Error("the rows count is lost with the error")
	}
	if sessions, _ := j.Sessions(ctx); len(sessions) != 0 {
		t.Errorf("rows not deleted: %v", sessions)
	}
}
