package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/journal"
)

// A journal that opens but cannot be used for a reason that is not the
// user's mistake (here one written by a newer Kindred; a full disk after a
// crash, journal TestFullDiskIsNotABadJournal, is the same) costs the run
// its record, not its care: one fault says why, and the pain episode still
// reaches a carer. Before, the run stopped at start (exit 1) and nobody was
// cared for until someone came to fix the disk.
func TestRunCaresWithoutAJournalItCannotOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	j, err := journal.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	sum := filepath.Join(dir, "s.json")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40",
		"--console", "off", "--journal", path, "--summary", sum)
	if code != 0 {
		t.Fatalf("exit %d, want 0: %s", code, stderr)
	}
	if s := readSummary(t, sum); s.Alerts == 0 || s.Faults == 0 {
		t.Errorf("alerts %d, faults %d: want the episode's alert and the journal's fault", s.Alerts, s.Faults)
	}
	if !strings.Contains(stderr, "kindred: fault: journal: ") || !strings.Contains(stderr, "the robot cares without a record this run") {
		t.Errorf("stderr does not say the journal could not be opened:\n%s", stderr)
	}
}
