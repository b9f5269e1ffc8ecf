package journal

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"
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
		`DROP TABLE identifications`, `DROP TABLE self_reports`, `DROP TABLE settings`, `ALTER TABLE utterances DROP COLUMN source`, `ALTER TABLE assessments DROP COLUMN says`,
		`ALTER TABLE assessments DROP COLUMN looks`, `PRAGMA user_version = 1`} {
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

// A version-4 journal (before the self-report dialogue) is migrated to 5:
// its assessments read back as they were, without a rating, and questions,
// answers and ratings beside assessments are stored from then on.
func TestMigrate4To5SelfReports(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	seven, looks := 7, 2.5
	old := record(t, j, WriterOpts{}, Session{ID: "s-v4", Robot: "kiri", Person: "p-ana"},
		[]Record{Assessment{At: time.Second, Person: "p-ana", Score: 2.5, Band: "mild", Confidence: 0.8, Cues: []string{}, Present: true}})
	j.Close()

	db, err := sql.Open("sqlite", dsn(path, "rw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE self_reports`, `DROP TABLE settings`, `ALTER TABLE utterances DROP COLUMN source`,
		`ALTER TABLE acknowledgements DROP COLUMN source`, `ALTER TABLE assessments DROP COLUMN says`,
		`ALTER TABLE assessments DROP COLUMN looks`, `PRAGMA user_version = 4`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open a version-4 journal: %v", err)
	}
	defer j.Close()
	got, err := j.Records(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{Assessment{At: time.Second, Person: "p-ana", Score: 2.5, Band: "mild", Confidence: 0.8, Cues: []string{}, Present: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("old assessment after migration: %#v", got)
	}
	fresh := []Record{
		SelfReport{At: 2 * time.Second, Person: "p-ana", Question: "rating", Outcome: "asked", AnswerBy: "voice", Attempt: 1, Confidence: -1},
		SelfReport{At: 9 * time.Second, Person: "p-ana", Question: "rating", Outcome: "answered", AnswerBy: "voice", Attempt: 1,
			Heard: "about a seven", Rating: &seven, Confidence: -1},
		SelfReport{At: 12 * time.Second, Person: "p-ana", Question: "call", Outcome: "answered", AnswerBy: "nod", Attempt: 2,
			Heard: "nod", Answer: "yes", Places: []string{"knee"}, Confidence: 1},
		Assessment{At: 10 * time.Second, Person: "p-ana", Score: 7, Band: "severe", Confidence: 1, Cues: []string{"says 7 out of 10"},
			Present: true, Says: &seven, Looks: &looks},
	}
	s := record(t, j, WriterOpts{}, Session{ID: "s-v5", Robot: "kiri", Person: "p-ana"}, fresh)
	got, err = j.Records(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	byKind := func(rs []Record) map[Kind][]Record {
		m := map[Kind][]Record{}
		for _, r := range rs {
			m[r.Kind()] = append(m[r.Kind()], r)
		}
		return m
	}
	if g, w := byKind(got), byKind(fresh); !reflect.DeepEqual(g, w) {
		t.Errorf("after migration to 5:\n got %#v\nwant %#v", g, w)
	}
	var v int
	if err := j.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil || v != schemaVersion {
		t.Errorf("user_version %d, %v; want %d", v, err, schemaVersion)
	}
}

// A version-5 journal (before settings) is migrated to 6: its records read
// back as they were, and the values that shaped a run, who had an
// utterance said and the route of an acknowledgement are stored from then on.
func TestMigrate5To6Settings(t *testing.T) {
	ctx := context.Background()
	j, path := openTemp(t)
	said := Utterance{At: time.Second, Intent: "comfort", Text: "I'm here.", Lang: "en", Tone: "gentle"}
	old := record(t, j, WriterOpts{}, Session{ID: "s-v5", Robot: "kiri"}, []Record{said})
	j.Close()

	db, err := sql.Open("sqlite", dsn(path, "rw"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TABLE settings`, `ALTER TABLE utterances DROP COLUMN source`,
		`ALTER TABLE acknowledgements DROP COLUMN source`, `PRAGMA user_version = 5`} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	j, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("open a version-5 journal: %v", err)
	}
	defer j.Close()
	if got, err := j.Records(ctx, old.ID); err != nil || !reflect.DeepEqual(got, []Record{said}) {
		t.Errorf("old records after migration: %#v, %v", got, err)
	}
	fresh := []Record{Setting{At: 0, Key: "seed", Value: "42", Source: "config"},
		Setting{At: 3 * time.Second, Key: "mimicry.gain", Value: "0.9", Source: "console"},
		Utterance{At: 4 * time.Second, Intent: "say", Text: "Hello.", Lang: "en", Tone: "gentle", Source: "console"},
		Acknowledgement{At: 5 * time.Second, By: "Mary", Source: "mqtt"}}
	s := record(t, j, WriterOpts{}, Session{ID: "s-v6", Robot: "kiri"}, fresh)
	if got, err := j.Records(ctx, s.ID); err != nil || !reflect.DeepEqual(got, fresh) {
		t.Errorf("settings after migration: %#v, %v", got, err)
	}
}
