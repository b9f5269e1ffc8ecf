package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/journal"

	"github.com/kindred-hri/kindred/journal/replay"
)

// syntheticJournal records two sessions: in "s-ana" a carer annotates 40
// moments and rates Ana's face as counting double and her breathing barely;
// "s-bo" has no annotations.
func syntheticJournal(t *testing.T) string {
	t.Helper()
	return writeJournal(t, writeAnnotatedSessions)
}

// writeJournal makes a journal in a temporary folder, lets write record
// into it through a running writer, flushes it and returns its path.
func writeJournal(t *testing.T, write func(ctx context.Context, w *journal.Writer)) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "journal.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j, err := journal.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	w := j.NewWriter(journal.WriterOpts{})
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	write(ctx, w)
	w.End(ctx)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	<-done
	return path
}

func writeAnnotatedSessions(ctx context.Context, w *journal.Writer) {
	rng := rand.New(rand.NewPCG(9, 9))
	w.Person(ctx, journal.Person{ID: "p-ana", DisplayName: "Ana"})
	w.Begin(ctx, journal.Session{ID: "s-ana", Robot: "kiri", Condition: "mirror", Person: "p-ana",
		Started: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	for k := range 40 {
		base := time.Duration(k) * 20 * time.Second
		it := journal.Items{Breathing: rng.Float64() * 2, Vocalisation: rng.Float64() * 2, Face: rng.Float64() * 2,
			Body: rng.Float64() * 2, Consolability: rng.Float64() * 2}
		for i := range 8 {
			w.Submit(journal.Assessment{At: base + time.Duration(i)*500*time.Millisecond, Person: "p-ana", Items: it,
				Score: it.Total(), Present: true})
		}
		rating := math.Round(math.Min(10, 0.2*it.Breathing+it.Vocalisation+2*it.Face+it.Body+0.5*it.Consolability))
		w.Submit(journal.Annotation{At: base + 4*time.Second, Person: "p-ana", Scale: journal.ScaleNRS, Rating: rating})
	}
	w.Begin(ctx, journal.Session{ID: "s-bo", Robot: "kiri", Person: "p-bo", Started: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)})
	w.Submit(journal.Transition{At: time.Second, From: "idle", To: "engaged", Person: "p-bo"})
}

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(context.Background(), env{strings.NewReader(""), &out, &errb}, args)
	return code, out.String(), errb.String()
}

func TestSessionsListExportDelete(t *testing.T) {
	path := syntheticJournal(t)
	code, out, errs := run(t, "sessions", "list", "--journal", path)
	if code != 0 || !strings.Contains(out, "s-ana") || !strings.Contains(out, "s-bo") || !strings.Contains(out, "complete") {
		t.Fatalf("list: %d %q %q", code, out, errs)
	}
	code, out, _ = run(t, "sessions", "list", "--journal", path, "--json")
	var list []journal.Session
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || list[0].ID != "s-bo" {
		t.Fatalf("list --json: %d %s", code, out)
	}

	csvFile := filepath.Join(t.TempDir(), "s.csv")
	if code, _, errs := run(t, "sessions", "export", "--journal", path, "--session", "s-ana", "--format", "csv", "--out", csvFile); code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	f, _ := os.Open(csvFile)
	recs, err := journal.ReadCSV(f)
	f.Close()
	if err != nil || len(recs) != 40*8+40 {
		t.Fatalf("exported %d records: %v", len(recs), err)
	}
	code, out, _ = run(t, "sessions", "export", "--journal", path, "--session", "s-bo", "--format", "jsonl")
	if recs, err := journal.ReadJSONL(strings.NewReader(out)); code != 0 || err != nil || len(recs) != 1 {
		t.Fatalf("export jsonl: %d %v %q", code, err, out)
	}

	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // deleting a person never reaches the developer's calibrations
	code, out, _ = run(t, "sessions", "delete", "--journal", path, "--person", "P-Bo")
	if code != 0 || !strings.HasPrefix(out, `nothing about "P-Bo" in `) || !strings.Contains(out, "nothing deleted") {
		// Before: `deleted 0 rows about "P-Bo"`, which a carer could take
		// for done.
		t.Fatalf("delete a person nothing is about: %d %q, want it said that nothing was deleted", code, out)
	}
	code, out, _ = run(t, "sessions", "delete", "--journal", path, "--person", "p-bo")
	if code != 0 || !strings.Contains(out, "p-bo") || !strings.HasPrefix(out, "deleted ") {
		t.Fatalf("delete person: %d %q", code, out)
	}
	code, out, _ = run(t, "sessions", "list", "--journal", path, "--json")
	if json.Unmarshal([]byte(out), &list); code != 0 || len(list) != 1 {
		t.Errorf("after deleting p-bo: %s", out)
	}
	if code, _, _ := run(t, "sessions", "delete", "--journal", path, "--session", "s-ana"); code != 0 {
		t.Errorf("delete session: %d", code)
	}
}

// An export is health data: 0600 whether the file is new or was there
// (readable by others) before, whatever the umask.
func TestSessionsExportIsPrivate(t *testing.T) {
	path := syntheticJournal(t)
	for _, existed := range []bool{false, true} {
		old := syscall.Umask(0)
		out := filepath.Join(t.TempDir(), "s.csv")
		if existed {
			if err := os.WriteFile(out, []byte("old\n"), 0o666); err != nil {
				t.Fatal(err)
			}
		}
		code, _, errs := run(t, "sessions", "export", "--journal", path, "--session", "s-ana", "--out", out)
		syscall.Umask(old)
		if code != 0 {
			t.Fatalf("export: %d %s", code, errs)
		}
		st, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("existed %v: export has mode %v, want 0600", existed, st.Mode().Perm())
		}
	}
}

// After `sessions delete --person`, the person's ID is in none of the
// journal's files (what `strings FILE | grep` would find), even while the
// robot has the journal open, and their calibration (voice and face
// baselines) is gone with them, while another person's stays. Fails if
// the calibration is left behind.
func TestSessionsDeletePersonLeavesNoTraceInTheFiles(t *testing.T) {
	path := syntheticJournal(t)
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	store := calibration.NewPersonStore(filepath.Join(config, "kindred", "persons"))
	for _, id := range []string{"p-ana", "p-bo"} {
		if err := store.Save(calibration.Person{ID: id, Name: id}); err != nil {
			t.Fatal(err)
		}
	}
	grep := func() []string {
		var found []string
		for _, dir := range []string{filepath.Dir(path), store.Dir()} {
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(b, []byte("p-ana")) || strings.Contains(e.Name(), "p-ana") {
					found = append(found, e.Name())
				}
			}
		}
		return found
	}
	if f := grep(); !slices.Contains(f, "p-ana.yaml") || len(f) < 2 {
		t.Fatalf("p-ana before deletion: in %v, want the journal and the calibration", f)
	}
	// The robot is running: its journal stays open while the carer deletes,
	// so the CLI's close is not the last one and cannot tidy up the log.
	robot, err := journal.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer robot.Close()
	if _, err := robot.Sessions(context.Background()); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "sessions", "delete", "--journal", path, "--person", "p-ana")
	if code != 0 || !strings.Contains(out, "deleted p-ana's calibration") {
		t.Fatalf("delete: %d %s %s", code, out, errs)
	}
	if f := grep(); len(f) > 0 {
		t.Errorf("after deletion p-ana is still in %v", f)
	}
	if ids, err := store.List(); err != nil || !slices.Equal(ids, []string{"p-bo"}) {
		t.Errorf("calibrations left %v (%v), want p-bo's", ids, err)
	}
}

func TestSessionsBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	corrupt := filepath.Join(dir, "corrupt.db")
	os.WriteFile(corrupt, bytes.Repeat([]byte("garbage "), 1000), 0o644)
	good := syntheticJournal(t)
	for _, tc := range []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"sessions", "list", "--journal", filepath.Join(dir, "missing.db")}, "missing.db"},
		{[]string{"sessions", "list", "--journal", corrupt}, "corrupt.db"},
		{[]string{"sessions", "export", "--journal", corrupt, "--session", "x"}, "corrupt.db"},
		{[]string{"sessions", "export", "--journal", good}, "--session"},
		{[]string{"sessions", "export", "--journal", good, "--session", "nope"}, "nope"},
		{[]string{"sessions", "export", "--journal", good, "--session", "s-ana", "--format", "xml"}, "--format"},
		{[]string{"sessions", "delete", "--journal", good}, "exactly one"},
		{[]string{"sessions", "delete", "--journal", good, "--session", "nope"}, "nope"},
		{[]string{"sessions", "frobnicate"}, "frobnicate"},
		{[]string{"sessions"}, "list"},
		{[]string{"replay", "--journal", corrupt}, "corrupt.db"},
		{[]string{"replay", "--journal", good, "--session", "nope"}, "nope"},
		{[]string{"replay", "--journal", good, "--dir", corrupt}, "corrupt.db"},
		{[]string{"replay", "--journal", good, "--session", "s-bo", "--dir", corrupt}, "corrupt.db"}, // nothing to learn, still a bad folder
	} {
		code, _, errs := run(t, tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %q", tc.args, code, errs, tc.want)
		}
		if f := strings.Fields(errs); len(f) > 2 && f[2] == f[1] { // "kindred replay: replay: --session" before
			t.Errorf("%v: the command is named twice: %s", tc.args, errs)
		}
	}
}

func TestReplayLearnsFromAnnotations(t *testing.T) {
	path := syntheticJournal(t) // carers rate p-ana's face as counting double
	dir := t.TempDir()
	code, out, errs := run(t, "replay", "--journal", path, "--dir", dir)
	if code != 0 {
		t.Fatalf("replay: %d %s", code, errs)
	}
	t.Log(out)
	for _, want := range []string{"replayed 2 session(s)", "p-ana: 40 annotated moment(s)", "before: MAE", "after:  MAE",
		"leave-one-out", "re-scored 320 stored assessments", "p-ana.yaml, which kindred run reads"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// The learnt gains are in the calibration file run reads (the same
	// store, the same file name).
	p, err := calibration.NewPersonStore(dir).Load("p-ana")
	if err != nil {
		t.Fatal(err)
	}
	if p.Ratings != 40 || p.Gains.Face < 1.4 {
		t.Errorf("calibration %+v from %d ratings", p.Gains, p.Ratings)
	}

	fresh := t.TempDir()
	code, out, _ = run(t, "replay", "--journal", path, "--session", "s-ana", "--dir", fresh, "--json")
	var rep replay.Report
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Persons) != 1 {
		t.Fatalf("replay --json: %d %s", code, out)
	}
	c := rep.Persons[0]
	if !(c.After.MAE < c.Before.MAE) || !(*c.After.R > *c.Before.R) || c.GainsAfter.Face < 1.4 || c.LeaveOneOut.N != 40 ||
		c.Rescored.Assessments != 320 || c.Rescored.BandChanged == 0 || c.Calibration != filepath.Join(fresh, "p-ana.yaml") {
		t.Errorf("replay did not learn: %+v", c)
	}
	// A second replay of the same sessions teaches nothing twice.
	code, out, errs = run(t, "replay", "--journal", path, "--dir", dir, "--json")
	var again replay.Report
	if code != 0 || json.Unmarshal([]byte(out), &again) != nil || len(again.Persons) != 0 || again.Annotated != 1 ||
		!strings.Contains(errs, "no ratings newer") {
		t.Errorf("second replay: %d %s %s", code, out, errs)
	}
}

// An export that fails once --out is open (here an assessment's cues
// are not JSON, so reading the records fails) leaves the earlier export as it
// was and no half-written or temporary file beside it.
func TestSessionsExportThatFailsKeepsTheEarlierFile(t *testing.T) {
	path := syntheticJournal(t)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE assessments SET cues = 'not json'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := t.TempDir()
	out := filepath.Join(dir, "s.csv")
	if err := os.WriteFile(out, []byte("earlier export\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "sessions", "export", "--journal", path, "--session", "s-ana", "--out", out)
	if code == 0 {
		t.Fatalf("export of a broken journal succeeded")
	}
	if !strings.Contains(errs, "assessment") {
		t.Fatalf("failed before reading the records: %s", errs)
	}
	if data, _ := os.ReadFile(out); string(data) != "earlier export\n" {
		t.Errorf("the earlier export now reads %q (stderr %s)", data, errs)
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files beside the export: %v", left)
	}
}

// Before any run, `kindred sessions list` (as the README's first steps
// have it) and `kindred replay` say there is no journal yet and how one
// comes, and do not blame a --journal flag nobody gave ("--journal
// ~/.config/kindred/journal.db: no such file" before).
func TestNoJournalYet(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	for _, args := range [][]string{{"sessions", "list"}, {"replay"}} {
		code, _, errs := run(t, args...)
		if code != 2 || strings.Contains(errs, "--journal /") || !strings.Contains(errs, "no run has recorded one there") {
			t.Errorf("%v: exit %d, stderr %q; want 2, the default journal not there yet, and no --journal blamed", args, code, errs)
		}
	}
}
