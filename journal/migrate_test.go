package journal

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
)

// A journal written by the first schema (no transition source, no
// acknowledgements) opens, is migrated in place through every version,
// keeps its records and stores sources from then on.
func TestOpenMigratesAnOlderJournal(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	old := record(t, j, WriterOpts{}, Session{ID: "s-old", Robot: "kiri", Person: "p-ana"},
		[]Record{Transition{At: 0, From: "idle", To: "engaging", Reason: "arrived", Person: "p-ana"}})
	j.Close()

	// Make it a version-1 journal: the table as it was, and its version.
	db, err := sql.Open("sqlite", dsn(path, "rw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`ALTER TABLE transitions DROP COLUMN source`, `DROP TABLE acknowledgements`,
		`DROP TABLE identifications`, `PRAGMA user_version = 1`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open a version-1 journal: %v", err)
	}
	defer j.Close()
	got, err := j.Records(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{Transition{At: 0, From: "idle", To: "engaging", Reason: "arrived", Person: "p-ana"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("old records after migration: %#v", got)
	}
	fresh := []Record{Transition{At: 0, From: "attending", To: "paused", Reason: "pause", Person: "p-ana", Source: "mqtt"}}
	s := record(t, j, WriterOpts{}, Session{ID: "s-new", Robot: "kiri", Person: "p-ana"}, fresh)
	if got, err = j.Records(ctx, s.ID); err != nil || !reflect.DeepEqual(got, fresh) {
		t.Errorf("source after migration: %#v, %v", got, err)
	}
	var v int
	if err := j.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil || v != schemaVersion {
		t.Errorf("user_version %d, %v; want %d", v, err, schemaVersion)
	}
}
