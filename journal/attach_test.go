package journal

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// visitorID is an unknown person's pseudonym, as a live run makes them.
const visitorID = "visitor-5e1f0a9c3b"

// visitorJournal records Otto's session in which a visitor was seen (and a
// carer said so), and a session about the visitor alone.
func visitorJournal(t *testing.T) (*Journal, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	j, err := Open(ctx, filepath.Join(dir, "journal.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	w := j.NewWriter(WriterOpts{Now: fixedNow()})
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(wctx) }()
	w.Begin(ctx, Session{ID: "s-otto", Person: ottoID})
	recs := append(personHistory(ottoID, ottoName, ottoPain, 30), personHistory(visitorID, "", zeldaPain, 30)...)
	recs = append(recs, Identification{At: 31 * time.Second, Person: visitorID, Source: "console"})
	for _, r := range recs {
		w.Submit(r)
	}
	w.Begin(ctx, Session{ID: "s-visitor", Person: visitorID})
	for _, r := range personHistory(visitorID, "", zeldaPain, 30) {
		w.Submit(r)
	}
	w.End(ctx)
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Pseudonym(ctx, visitorID); err != nil { // as if a fleet had published them
		t.Fatal(err)
	}
	cancel()
	<-done
	return j, dir
}

// Deleting a visitor's pseudonym leaves no trace of it, or of what was
// recorded about them, in the journal's files; Otto's records stay.
func TestDeletedPseudonymLeavesNoTraceInTheFiles(t *testing.T) {
	ctx := context.Background()
	j, dir := visitorJournal(t)
	for _, needle := range []string{visitorID, zeldaPain} {
		if len(filesMentioning(t, dir, needle)) == 0 {
			t.Fatalf("%q is in no file before deletion: the search cannot see anything", needle)
		}
	}
	if _, err := j.DeletePerson(ctx, visitorID); err != nil {
		t.Fatal(err)
	}
	for _, needle := range []string{visitorID, zeldaPain} {
		if f := filesMentioning(t, dir, needle); len(f) > 0 {
			t.Errorf("after deleting %s, %q is still in %v", visitorID, needle, f)
		}
	}
	if recs, err := j.Records(ctx, "s-otto"); err != nil || len(recs) != len(personHistory(ottoID, ottoName, ottoPain, 30)) {
		t.Errorf("s-otto has %d records after the deletion (%v)", len(recs), err)
	}
}

// Attaching a visitor's pseudonym to a person files every record under
// them, in every table and session, and the pseudonym is gone.
func TestAttachPersonMovesEveryRecord(t *testing.T) {
	ctx := context.Background()
	j, _ := visitorJournal(t)
	n, err := j.AttachPerson(ctx, visitorID, zeldaID)
	if want := int64(2*len(personHistory(visitorID, "", "", 30)) + 1 + 1); err != nil || n != want {
		t.Fatalf("attach: %d rows, %v; want %d (records, the identification, the session)", n, err, want)
	}
	var zelda int
	for _, s := range []string{"s-otto", "s-visitor"} {
		recs, err := j.Records(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			switch p := personOf(r); p {
			case visitorID:
				t.Errorf("%s: a %s record still under the pseudonym", s, r.Kind())
			case zeldaID:
				zelda++
			}
		}
	}
	if zelda != 2*len(personHistory(visitorID, "", "", 30))+1 {
		t.Errorf("%d records under %s after attaching", zelda, zeldaID)
	}
	if s, err := j.Session(ctx, "s-visitor"); err != nil || s.Person != zeldaID {
		t.Errorf("session s-visitor is about %q (%v), want %s", s.Person, err, zeldaID)
	}
	var pseudonyms int
	j.db.QueryRowContext(ctx, `SELECT count(*) FROM pseudonyms WHERE person = ?`, visitorID).Scan(&pseudonyms)
	if pseudonyms != 0 {
		t.Error("the visitor's fleet pseudonym survived the attach")
	}
	for _, tc := range [][2]string{{"", zeldaID}, {visitorID, ""}, {zeldaID, zeldaID}} {
		if _, err := j.AttachPerson(ctx, tc[0], tc[1]); err == nil {
			t.Errorf("attach %q to %q: no error", tc[0], tc[1])
		}
	}
}
