package journal

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/goldenfile"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

var t0 = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func fixedNow() func() time.Time {
	var mu sync.Mutex
	n := t0
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		n = n.Add(time.Second)
		return n
	}
}

// sample is one of every record kind, as a session would produce them.
func sample(person string) []Record {
	it := Items{Breathing: 1, Vocalisation: 2, Face: 1.5, Body: 0.5, Consolability: 0}
	seven, looks := 7, 5.0
	return []Record{
		Setting{At: 0, Key: "behavior.condition.delay", Value: "600ms", Source: "config"},
		Transition{At: 0, From: "idle", To: "engaged", Reason: "person_arrived", Person: person, Source: "sensing"},
		Assessment{At: 500 * time.Millisecond, Person: person, Score: 5, Items: it, PSPI: 6.25,
			Band: perception.BandModerate, Confidence: 0.8, Cues: []string{"brow lowered", "moaning, loud"}, Present: true},
		PoseSample{At: 600 * time.Millisecond, Joints: robot.Pose{robot.HeadPan: 3.5, robot.Jaw: -1}},
		Utterance{At: time.Second, Person: person, Intent: "comfort", Text: "I'm here, \"friend\".", Lang: "en",
			Tone: "gentle", ID: "u1", Pending: true},
		Alert{At: 1500 * time.Millisecond, Person: person, Level: LevelWarning, Score: 5, Reason: "moderate pain for 60 s"},
		Fault{At: 2 * time.Second, Component: "camera", Message: "no frames for 2 s"},
		Annotation{At: 2500 * time.Millisecond, Person: person, Annotator: "nurse-1", Scale: ScalePAINAD,
			Items: &it, Rating: it.Total(), Note: "grimacing"},
		Annotation{At: 3 * time.Second, Person: person, Scale: ScaleNRS, Rating: 4},
		Acknowledgement{At: 3500 * time.Millisecond, By: "Mary, nurse", Person: person, AlertLevel: LevelWarning,
			Score: 5, Reason: "moderate pain for 60 s", Source: "mqtt"},
		SelfReport{At: 4 * time.Second, Person: person, Question: "rating", Outcome: "asked", AnswerBy: "voice",
			Attempt: 1, Confidence: -1},
		SelfReport{At: 4500 * time.Millisecond, Person: person, Question: "rating", Outcome: "answered",
			AnswerBy: "voice", Attempt: 1, Heard: "about a seven", Rating: &seven, Confidence: -1},
		Assessment{At: 4600 * time.Millisecond, Person: person, Score: 7, Items: it, PSPI: 6.25,
			Band: perception.BandSevere, Confidence: 1, Cues: []string{"says 7 out of 10"}, Present: true,
			Says: &seven, Looks: &looks},
		SelfReport{At: 5 * time.Second, Person: person, Question: "call", Outcome: "answered", AnswerBy: "nod",
			Attempt: 2, Heard: "nod", Answer: "yes", Places: []string{"knee", "back"}, Confidence: 1},
		Utterance{At: 5200 * time.Millisecond, Person: person, Intent: "say", Text: "I am with you.", Lang: "en",
			Tone: "gentle", Source: "console"},
		Setting{At: 5500 * time.Millisecond, Key: "mimicry.gain", Value: "-0.9", Source: "console"},
	}
}

func openTemp(t *testing.T) (*Journal, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, path
}

// record runs a writer over recs in one session and returns the session.
func record(t *testing.T, j *Journal, opts WriterOpts, s Session, recs []Record) Session {
	t.Helper()
	if opts.Now == nil {
		opts.Now = fixedNow()
	}
	w := j.NewWriter(opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	s, err := w.Begin(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if !w.Submit(r) {
			t.Fatalf("submit %v dropped", r.Kind())
		}
	}
	if err := w.End(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWriteAndReadBack(t *testing.T) {
	j, _ := openTemp(t)
	recs := sample("p-ana")
	s := record(t, j, WriterOpts{}, Session{ID: "s1", Robot: "kiri", Condition: "mirror", Seed: 7, Consent: true,
		Person: "p-ana"}, recs)
	got, err := j.Records(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, recs) {
		t.Fatalf("records differ\n got %#v\nwant %#v", got, recs)
	}
	sessions, err := j.Sessions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || sessions[0].Status != StatusComplete || sessions[0].Ended.IsZero() ||
		sessions[0].Robot != "kiri" || sessions[0].Seed != 7 || !sessions[0].Consent {
		t.Fatalf("session = %+v", sessions)
	}
}

func TestJournalFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "journal.db")
	j, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	record(t, j, WriterOpts{}, Session{ID: "s"}, sample("p"))
	j.Close()
	for _, p := range []string{path, filepath.Dir(path)} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v: others can read health data", p, st.Mode().Perm())
		}
	}
}

func TestSessionFromOptsCatchesEarlyRecords(t *testing.T) {
	j, _ := openTemp(t)
	w := j.NewWriter(WriterOpts{Session: &Session{Robot: "kiri"}, Now: fixedNow()})
	w.Submit(Fault{At: 0, Component: "camera", Message: "before Run started"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	recs, err := j.Records(context.Background(), w.SessionID())
	if err != nil || len(recs) != 1 || w.Stats().NoSession != 0 {
		t.Fatalf("%d records (%v), stats %+v", len(recs), err, w.Stats())
	}
	s, _ := j.Session(context.Background(), w.SessionID())
	if s.Robot != "kiri" || s.Status != StatusComplete {
		t.Errorf("session %+v", s)
	}
}

func TestDownsampling(t *testing.T) {
	j, _ := openTemp(t)
	var recs []Record
	for i := range 50 { // 10 Hz for 5 s, 25 Hz poses for 2 s
		band := perception.BandMild
		if i == 33 {
			band = perception.BandModerate
		}
		recs = append(recs, Assessment{At: time.Duration(i) * 100 * time.Millisecond, Person: "p", Band: band})
		recs = append(recs, PoseSample{At: time.Duration(i) * 40 * time.Millisecond, Joints: robot.Pose{robot.Jaw: 1}})
	}
	opts := DefaultWriterOpts()
	opts.Now = fixedNow()
	s := record(t, j, opts, Session{ID: "s"}, recs)
	got, err := j.Records(context.Background(), s.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := map[Kind]int{}
	for _, r := range got {
		count[r.Kind()]++
	}
	// 2 Hz over 5 s = 10, plus the band change at 3.3 s and the return to mild at 3.4 s.
	if count[KindAssessment] != 12 {
		t.Errorf("assessments kept = %d, want 12", count[KindAssessment])
	}
	if count[KindPose] != 10 { // 5 Hz over 2 s
		t.Errorf("poses kept = %d, want 10", count[KindPose])
	}
}

func TestJSONShape(t *testing.T) {
	b, err := json.Marshal(Fault{At: 1500 * time.Millisecond, Component: "mic", Message: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"fault","at":1.5,"component":"mic","message":"gone"}`
	if string(b) != want {
		t.Fatalf("got %s want %s", b, want)
	}
	for _, r := range sample("p") {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !reflect.DeepEqual(back, r) {
			t.Errorf("round trip %s\n got %#v\nwant %#v", b, back, r)
		}
	}
	for _, bad := range []string{`{"type":"nope","at":1}`, `{"type":"fault","at":-1}`, `{"type":"fault","at":"x"}`, `[`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) accepted", bad)
		}
	}
}

func TestExportRoundTripAndGolden(t *testing.T) {
	j, _ := openTemp(t)
	recs := sample("p-ana")
	s := record(t, j, WriterOpts{}, Session{ID: "20261126T100000Z-abcdef", Robot: "kiri"}, recs)
	for _, f := range []Format{FormatCSV, FormatJSONL} {
		var buf bytes.Buffer
		if err := j.Export(context.Background(), s.ID, f, &buf); err != nil {
			t.Fatal(err)
		}
		goldenfile.Check(t, filepath.Join("testdata", "export."+string(f)), buf.Bytes())
		var back []Record
		var err error
		if f == FormatCSV {
			back, err = ReadCSV(&buf)
		} else {
			back, err = ReadJSONL(&buf)
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, recs) {
			t.Errorf("%s round trip differs\n got %#v\nwant %#v", f, back, recs)
		}
	}
	if err := j.Export(context.Background(), "nope", FormatCSV, &bytes.Buffer{}); !errors.Is(err, ErrNoSession) {
		t.Errorf("export of a missing session: %v", err)
	}
}

// rowsMentioning counts, over every table and every text column, the rows
// that contain needle.
func rowsMentioning(t *testing.T, path, needle string) int {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "ro"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 9 {
		t.Fatalf("only %d tables", len(tables))
	}
	total := 0
	for _, tbl := range tables {
		rows, err := db.Query(`SELECT * FROM ` + tbl)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				}
				if strings.Contains(s, needle) {
					total++
					break
				}
			}
		}
		rows.Close()
	}
	return total
}

func TestDeletePersonLeavesNoRows(t *testing.T) {
	j, path := openTemp(t)
	w := j.NewWriter(WriterOpts{Now: fixedNow()})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if err := w.Person(ctx, Person{ID: "p-ana", DisplayName: "Ana", Baseline: []byte(`{"pspi":0.4}`)}); err != nil {
		t.Fatal(err)
	}
	if err := w.Person(ctx, Person{ID: "p-bo", DisplayName: "Bo"}); err != nil {
		t.Fatal(err)
	}
	// A session about Ana, and a shared session where both appear.
	w.Begin(ctx, Session{ID: "s-ana", Person: "p-ana"})
	for _, r := range sample("p-ana") {
		w.Submit(r)
	}
	w.Begin(ctx, Session{ID: "s-both", Person: "p-bo"})
	for _, r := range append(sample("p-ana"), sample("p-bo")...) {
		w.Submit(r)
	}
	w.End(ctx)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := rowsMentioning(t, path, "p-ana"); n < 10 {
		t.Fatalf("only %d rows about p-ana before deletion", n)
	}
	if err := w.DeletePerson(ctx, "p-ana"); err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{"p-ana", "Ana"} {
		if n := rowsMentioning(t, path, needle); n != 0 {
			t.Errorf("%d rows still mention %q", n, needle)
		}
	}
	if n := rowsMentioning(t, path, "p-bo"); n < 5 {
		t.Errorf("deleting Ana removed Bo's rows too (%d left)", n)
	}
	recs, err := j.Records(ctx, "s-both")
	if err != nil || len(recs) != len(sample("p-bo"))+4 { // Bo's records, and the pose, fault and two settings from Ana's share (not about her)
		t.Errorf("s-both has %d records (%v)", len(recs), err)
	}
	cancel()
	<-done
}

func TestSessionLearnsItsPerson(t *testing.T) {
	j, path := openTemp(t)
	s := record(t, j, WriterOpts{}, Session{ID: "anon"}, append([]Record{PoseSample{At: 0}}, sample("p-cy")...))
	got, err := j.Session(context.Background(), s.ID)
	if err != nil || got.Person != "p-cy" {
		t.Fatalf("session person %q (%v)", got.Person, err)
	}
	if _, err := j.DeletePerson(context.Background(), "p-cy"); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Session(context.Background(), s.ID); !errors.Is(err, ErrNoSession) {
		t.Errorf("the session about p-cy survived: %v", err)
	}
	if n := rowsMentioning(t, path, "p-cy"); n != 0 {
		t.Errorf("%d rows left", n)
	}
}

func TestReopenMarksIncompleteAndRetention(t *testing.T) {
	j, path := openTemp(t)
	ctx := context.Background()
	if err := insertSession(ctx, j.db, Session{ID: "old", Started: t0.AddDate(0, 0, -40), Status: StatusComplete}); err != nil {
		t.Fatal(err)
	}
	if err := insertSession(ctx, j.db, Session{ID: "crashed", Started: t0.AddDate(0, 0, -1)}); err != nil {
		t.Fatal(err)
	}
	j.Close()
	r, err := OpenExisting(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := r.Session(ctx, "crashed"); s.Status != StatusOpen {
		t.Errorf("a reader changed the status to %q", s.Status)
	}
	r.Close()
	j2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if s, _ := j2.Session(ctx, "crashed"); s.Status != StatusIncomplete {
		t.Errorf("crashed session status %q, want incomplete", s.Status)
	}
	n, err := j2.DeleteOlderThan(ctx, t0, 30)
	if err != nil || n != 1 {
		t.Fatalf("retention deleted %d (%v), want 1", n, err)
	}
	if _, err := j2.Session(ctx, "old"); !errors.Is(err, ErrNoSession) {
		t.Errorf("old session survived retention: %v", err)
	}
}

func TestOpenExistingRejects(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("not sqlite "), 500), 0o644)
	other := filepath.Join(dir, "other.db")
	db, _ := sql.Open("sqlite", other)
	db.Exec(`CREATE TABLE x(y)`)
	db.Close()
	for _, tc := range []struct {
		path string
		want error
	}{
		{filepath.Join(dir, "missing.db"), fs.ErrNotExist},
		{corrupt, ErrNotJournal},
		{other, ErrNotJournal},
		{dir, ErrNotJournal},
	} {
		_, err := OpenExisting(context.Background(), tc.path)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.path) && tc.want != fs.ErrNotExist {
			t.Errorf("OpenExisting(%s) = %v, want %v", tc.path, err, tc.want)
		}
	}
	if _, err := Open(context.Background(), other); !errors.Is(err, ErrNotJournal) {
		t.Errorf("Open of a foreign database = %v", err)
	}
}

// With the disk gone, Submit still never blocks (the full queue drops), the
// failure is reported once, the count of records not written as Run ends,
// and every record the writer took counts as
// failed, or as without a session when it came before Begin.
func TestWriteFailureReportedOnceAndNeverBlocks(t *testing.T) {
	j, _ := openTemp(t)
	var reports []error
	var mu sync.Mutex
	w := j.NewWriter(WriterOpts{Queue: 8, Now: fixedNow(), Report: func(err error) {
		mu.Lock()
		reports = append(reports, err)
		mu.Unlock()
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	j.db.Close() // the disk went away
	// Before Run starts the queue fills: Submit must not block.
	submitted := 0
	for i := range 20 {
		if w.Submit(Fault{At: time.Duration(i), Component: "x"}) {
			submitted++
		}
	}
	if submitted != 8 || w.Stats().Dropped != 12 {
		t.Fatalf("submitted %d, stats %+v", submitted, w.Stats())
	}
	go func() { done <- w.Run(ctx) }()
	if _, err := w.Begin(ctx, Session{ID: "s"}); err != nil {
		t.Fatal(err)
	}
	// Begin returns once the session is queued, behind up to seven of the
	// eight records above: the queue can still be full. Flushing waits until
	// Run has taken all of them (and fails: the session cannot be written),
	// so every Submit below finds room and each record must count as failed.
	if err := w.Flush(ctx); err == nil {
		t.Fatal("flush to a closed database succeeded")
	}
	for i := range 5 {
		if !w.Submit(Fault{At: time.Duration(i), Component: "x"}) {
			t.Fatalf("submit %d dropped with the queue drained: stats %+v", i, w.Stats())
		}
		if err := w.Flush(ctx); err == nil {
			t.Fatal("flush to a closed database succeeded")
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// One for the failure, and as Run ends the count of what was not
	// written. Without reportUnwritten, only the first.
	if len(reports) != 2 || !strings.HasSuffix(reports[1].Error(), ": 25 record(s) not written this run "+
		"(5 lost to write failures; 12 dropped: the queue was full or the writer had stopped; 8 with no session open)") {
		t.Fatalf("%d reports, want the failure and the count: %v", len(reports), reports)
	}
	if st := w.Stats(); st.Failed != 5 || st.Written != 0 || st.NoSession != 8 {
		t.Errorf("stats %+v", st)
	}
}

// A journal written before acknowledgements existed (version 2) opens, gains
// the table, keeps its sessions and records acknowledgements; a journal from
// a newer build is refused rather than guessed at.
func TestOpenMigratesVersion2(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	make := func(name string, version int) string {
		path := filepath.Join(dir, name)
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, s := range schema {
			switch {
			case s == acknowledgementsTable, s == acknowledgementSource, s == identificationsTable, s == selfReportsTable,
				s == settingsTable:
				continue // not in version 2
			case strings.HasPrefix(s, "PRAGMA user_version"):
				s = fmt.Sprintf("PRAGMA user_version = %d", version)
			}
			if _, err := db.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		for _, q := range []string{`ALTER TABLE assessments DROP COLUMN says`, `ALTER TABLE assessments DROP COLUMN looks`,
			`ALTER TABLE utterances DROP COLUMN source`} {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if _, err := db.Exec(`INSERT INTO sessions VALUES('s1','kiri','mirror',1,1,'p-bob',1,NULL,'complete')`); err != nil {
			t.Fatal(err)
		}
		return path
	}
	v2 := make("v2.db", 2)
	j, err := OpenExisting(ctx, v2)
	if err != nil {
		t.Fatalf("opening a version 2 journal: %v", err)
	}
	defer j.Close()
	ack := Acknowledgement{At: time.Second, By: "Mary", Person: "p-ana", AlertLevel: LevelUrgent, Score: 8, Reason: "severe"}
	if err := insertRecord(ctx, j.db, "s1", ack); err != nil {
		t.Fatalf("recording an acknowledgement after migrating: %v", err)
	}
	recs, err := j.Records(ctx, "s1")
	if err != nil || len(recs) != 1 || !reflect.DeepEqual(recs[0], ack) {
		t.Errorf("records %#v, %v; want the acknowledgement", recs, err)
	}
	var version int
	if err := j.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil || version != schemaVersion {
		t.Errorf("version %d after migrating, want %d (%v)", version, schemaVersion, err)
	}
	// The session is another person's: only the acknowledgement names Ana.
	if n, err := j.DeletePerson(ctx, "p-ana"); err != nil || n != 1 {
		t.Errorf("delete person removed %d rows (%v), want the acknowledgement", n, err)
	}

	future := make("v9.db", schemaVersion+7)
	if _, err := OpenExisting(ctx, future); err == nil || !strings.Contains(err.Error(), "schema version") {
		t.Errorf("opening a newer journal: %v, want a schema version error", err)
	}
}

func TestAcknowledgementJSON(t *testing.T) {
	b, err := json.Marshal(Acknowledgement{At: 2 * time.Second, By: "Mary", Person: "p", AlertLevel: LevelUrgent, Score: 8.5, Reason: "severe"})
	if err != nil {
		t.Fatal(err)
	}
	// "level":"acknowledged" is what a carers' station on the alerts topic reads.
	want := `{"type":"acknowledgement","at":2,"level":"acknowledged","by":"Mary","person":"p","alert_level":"urgent","score":8.5,"reason":"severe"}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

// Deleting the person the open session is about, while the run goes on,
// leaves the rest of the run recorded: the session begins again under its
// ID, about nobody until the next record names someone. Before, its row
// went with the person and every later record failed its foreign key, so
// a carer deleting a resident from the console lost the rest of a run of
// days, a later alert about someone else included (a real run: 317
// records, and the resolved alert, "not written this run").
func TestDeletingTheSessionsPersonKeepsTheRunRecorded(t *testing.T) {
	for _, tc := range []struct {
		name  string
		begun Session
	}{
		{"session begun for them", Session{ID: "s-run", Robot: "kiri", Person: "p-ana"}},
		{"session learnt them", Session{ID: "s-run", Robot: "kiri"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, path := openTemp(t)
			w := j.NewWriter(WriterOpts{Now: fixedNow(), Session: &tc.begun})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			for _, r := range sample("p-ana") {
				w.Submit(r)
			}
			if err := w.DeletePerson(ctx, "p-ana"); err != nil {
				t.Fatal(err)
			}
			later := Alert{At: 10 * time.Second, Person: "p-bo", Level: LevelUrgent, Score: 8, Reason: "severe pain 8.0 for 4s"}
			w.Submit(later)
			w.Submit(Fault{At: 11 * time.Second, Component: "camera", Message: "no frame for 10s"})
			if err := w.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			recs, err := j.Records(ctx, "s-run")
			if err != nil || len(recs) != 2 {
				t.Errorf("after the deletion the session holds %d records (%v), want the alert and the fault", len(recs), err)
			}
			if st := w.Stats(); st.Failed != 0 {
				t.Errorf("%d records lost to write failures after the deletion", st.Failed)
			}
			if s, err := j.Session(ctx, "s-run"); err != nil || s.Person != "p-bo" || s.Robot != "kiri" {
				t.Errorf("session %+v (%v), want kiri's, about p-bo, the next person named", s, err)
			}
			cancel()
			<-done
			if n := rowsMentioning(t, path, "p-ana"); n != 0 {
				t.Errorf("%d rows still mention p-ana", n)
			}
		})
	}
}

// What the robot's last session left standing: per person, the most
// urgent alert since their last resolution, unless a carer acknowledged
// after it; another robot's sessions and this robot's older ones do not
// count.
func TestStandingAlertsOfTheLastSession(t *testing.T) {
	urgent := Alert{At: 2 * time.Second, Person: "ada", Level: LevelUrgent, Score: 7.4, Reason: "severe pain 7.4 for 4s"}
	warning := Alert{At: time.Second, Person: "ada", Level: LevelWarning, Score: 5, Reason: "pain 5.0 not eased"}
	resolved := Alert{At: 3 * time.Second, Person: "ada", Level: LevelResolved, Reason: "pain eased to 0.6"}
	bo := Alert{At: 4 * time.Second, Person: "bo", Level: LevelWarning, Score: 4, Reason: "said \"help\""}
	ack := Acknowledgement{At: 5 * time.Second, By: "Mary", Person: "ada", AlertLevel: LevelUrgent}
	later := func(a Alert, d time.Duration) Alert { a.At += d; return a }
	for _, tc := range []struct {
		name string
		recs []Record
		want []string // reasons standing, in order
	}{
		{"none raised", nil, nil},
		{"urgent never resolved", []Record{warning, urgent}, []string{urgent.Reason}},
		{"a warning after an urgent keeps the urgent", []Record{urgent, later(warning, 2*time.Second)}, []string{urgent.Reason}},
		{"resolved", []Record{warning, urgent, resolved}, nil},
		{"raised again after it was resolved", []Record{urgent, resolved, later(urgent, 10*time.Second)}, []string{urgent.Reason}},
		{"acknowledged", []Record{urgent, ack}, nil},
		{"each person's own", []Record{urgent, resolved, bo}, []string{bo.Reason}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, _ := openTemp(t)
			record(t, j, WriterOpts{}, Session{ID: "old", Robot: "kiri", Started: time.Unix(1000, 0)}, []Record{urgent})
			record(t, j, WriterOpts{}, Session{ID: "last", Robot: "kiri", Started: time.Unix(2000, 0)}, tc.recs)
			record(t, j, WriterOpts{}, Session{ID: "other", Robot: "pepper", Started: time.Unix(3000, 0)}, []Record{bo})
			from, got, ok, err := j.Standing(context.Background(), "kiri")
			if err != nil || !ok || from.ID != "last" {
				t.Fatalf("from %q, ok %v, %v: want kiri's last session", from.ID, ok, err)
			}
			var reasons []string
			for _, a := range got {
				reasons = append(reasons, a.Reason)
			}
			if !slices.Equal(reasons, tc.want) {
				t.Errorf("standing %q, want %q", reasons, tc.want)
			}
		})
	}
	j, _ := openTemp(t)
	if _, _, ok, err := j.Standing(context.Background(), "kiri"); ok || err != nil {
		t.Errorf("an empty journal: ok %v, %v", ok, err)
	}
}

// Deleting a person takes their ID out of the fault messages that name it
// as a word (a calibration fault names the person and their file) and
// leaves other words and the faults themselves: before, "person ada:
// .../persons/ada.yaml: …" stayed in the journal after ada was deleted
// whenever the session was about someone else.
func TestDeletingAPersonTakesThemOutOfFaults(t *testing.T) {
	faults := []Fault{
		{At: time.Second, Component: "calibration", Message: "person ada: /home/x/.config/kindred/persons/ada.yaml: yaml: line 1; the population baseline stands in"},
		{At: 2 * time.Second, Component: "camera", Message: "no frame for 10s"},
		{At: 3 * time.Second, Component: "body", Message: "adapter ada-2 and canada lost"},
	}
	want := []string{
		"person (a deleted person): /home/x/.config/kindred/persons/(a deleted person).yaml: yaml: line 1; the population baseline stands in",
		"no frame for 10s",
		"adapter ada-2 and canada lost",
	}
	j, path := openTemp(t)
	var recs []Record
	for _, f := range faults {
		recs = append(recs, f)
	}
	recs = append(recs, Transition{At: 4 * time.Second, From: "idle", To: "engaging", Person: "p-bo"})
	record(t, j, WriterOpts{}, Session{ID: "s-bo", Person: "p-bo"}, recs)
	if _, err := j.DeletePerson(context.Background(), "ada"); err != nil {
		t.Fatal(err)
	}
	got, err := j.Records(context.Background(), "s-bo")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, r := range got {
		if f, ok := r.(Fault); ok {
			msgs = append(msgs, f.Message)
		}
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("faults after ada's deletion:\n%q\nwant\n%q", msgs, want)
	}
	if n := rowsMentioning(t, path, "persons/ada.yaml"); n != 0 {
		t.Errorf("%d rows still name ada's calibration file", n)
	}
}

// An alert told again says when it was raised, in which session, and
// when that began, and goes out at session time 0. Told again once more,
// after a second restart before anyone answered it, it keeps what it said
// (when it was first raised, and where), without the last run's repeat
// note: before, each restart would have wrapped it again, growing in a
// crash loop and saying it was raised at 0s of the run before.
func TestToldAgainSaysWhen(t *testing.T) {
	from := Session{ID: "s-1", Started: time.Date(2026, 12, 4, 18, 49, 30, 0, time.FixedZone("CET", 3600))}
	then := Session{ID: "s-2", Started: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	const first = "severe pain 7.4 for 4s (standing when this robot's last run stopped: raised 49s into session s-1, begun 2026-12-04 17:49 UTC; not seen resolved since)"
	for _, tc := range []struct {
		name   string
		from   Session
		at     time.Duration
		reason string
		want   string
	}{
		{"raised in the last run", from, 49400 * time.Millisecond, "severe pain 7.4 for 4s", first},
		{"carried into the last run", then, 0, first, first},
		{"carried and repeated in the last run", then, 20 * time.Minute, first + " (again: the last urgent alert went out 10m0s ago)", first},
	} {
		got := ToldAgain(tc.from, Alert{At: tc.at, Person: "p-1", Level: LevelUrgent, Score: 7.4, Reason: tc.reason})
		if got.Reason != tc.want || got.At != 0 || got.Level != LevelUrgent || got.Person != "p-1" {
			t.Errorf("%s: ToldAgain = %+v\nwant reason %q at 0", tc.name, got, tc.want)
		}
	}
}

// Only a session that watched a person live has its standing alert told
// again: a scenario's simulated person or a recording played is nobody a
// carer can go to. A session without the setting (written before it
// existed) may have been live. A session that was not live still leaves
// standing what it carried from a live one, until a carer acknowledged it
// there; its simulated person's resolution, even under the same id, is not
// the real person's (before, a scenario played between two restarts lost
// the alert).
func TestStandingOnlyOfALiveSession(t *testing.T) {
	urgent := Alert{At: 2 * time.Second, Person: "ada", Level: LevelUrgent, Score: 7.4, Reason: "severe pain 7.4 for 4s"}
	carried := ToldAgain(Session{ID: "first", Started: time.Unix(1000, 0)}, urgent)
	eased := Alert{At: 3 * time.Second, Person: "ada", Level: LevelResolved, Reason: "pain eased to 0.5"}
	ackOf := func(a Alert) Acknowledgement {
		return Acknowledgement{At: 4 * time.Second, By: "Mary", Person: a.Person, AlertLevel: a.Level, Reason: a.Reason}
	}
	for _, tc := range []struct {
		sources string // "" for no setting
		recs    []Record
		told    bool
	}{
		{SourcesLive, []Record{urgent}, true},
		{"", []Record{urgent}, true},
		{"scenario", []Record{urgent}, false},
		{"files", []Record{urgent}, false},
		{"scenario", []Record{carried, urgent}, true},
		{"scenario", []Record{carried, eased}, true},
		{"scenario", []Record{carried, ackOf(urgent)}, true},
		{"scenario", []Record{carried, ackOf(carried)}, false},
		{SourcesLive, []Record{carried, eased}, false},
	} {
		j, _ := openTemp(t)
		recs := tc.recs
		if tc.sources != "" {
			recs = append([]Record{Setting{Key: SettingSources, Value: tc.sources, Source: SettingFromConfig}}, recs...)
		}
		record(t, j, WriterOpts{}, Session{ID: "last", Robot: "kiri", Started: time.Unix(2000, 0)}, recs)
		from, got, ok, err := j.Standing(context.Background(), "kiri")
		if err != nil || !ok || from.ID != "last" {
			t.Fatalf("sources %q: from %q, ok %v, %v", tc.sources, from.ID, ok, err)
		}
		if told := len(got) == 1; told != tc.told {
			t.Errorf("sources %q, records %v: standing %v, want told again %v", tc.sources, tc.recs, got, tc.told)
		}
	}
}
