package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

const testVisitor = "visitor-0badc0ffee"

// visitorSessions records two sessions with a visitor in them.
func visitorSessions(t *testing.T) string {
	t.Helper()
	return writeJournal(t, func(ctx context.Context, w *journal.Writer) {
		for _, s := range []string{"s-1", "s-2"} {
			w.Begin(ctx, journal.Session{ID: s, Robot: "kiri", Person: "ada"})
			for i := range 10 {
				at := time.Duration(i) * time.Second
				w.Submit(journal.Assessment{At: at, Person: "ada", Score: 1, Present: true})
				w.Submit(journal.Assessment{At: at + time.Millisecond, Person: testVisitor, Score: 7, Present: true,
					Cues: []string{"visitor grimacing"}})
			}
			w.Submit(journal.Identification{At: 3 * time.Second, Person: testVisitor, Source: "console"})
		}
	})
}

func TestSessionsAttachFilesAVisitorUnderAPerson(t *testing.T) {
	path := visitorSessions(t)
	code, out, errs := run(t, "sessions", "attach", "--journal", path, "--from", testVisitor, "--to", "bea")
	if code != 0 || !strings.Contains(out, "attached 22 rows") {
		t.Fatalf("attach: exit %d, %q %q; want 22 rows (20 assessments, 2 identifications)", code, out, errs)
	}
	for _, s := range []string{"s-1", "s-2"} {
		_, csv, _ := run(t, "sessions", "export", "--journal", path, "--session", s, "--format", "jsonl")
		if strings.Contains(csv, testVisitor) || strings.Count(csv, `"person":"bea"`) != 11 {
			t.Errorf("%s after attach: %d records under bea, pseudonym still there: %v", s,
				strings.Count(csv, `"person":"bea"`), strings.Contains(csv, testVisitor))
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", testVisitor}, "--to"},
		{[]string{"--from", "ada", "--to", "bea"}, `"ada" is not an unknown person's pseudonym`},
		{[]string{"--from", testVisitor, "--to", "Bea Smith"}, "Bea Smith"},
		{[]string{"--from", testVisitor, "--to", "visitor-123"}, "visitor-123"},
		{[]string{"--from", testVisitor, "--to", "bea"}, "no records"}, // already attached
	} {
		code, _, errs := run(t, append([]string{"sessions", "attach", "--journal", path}, tc.args...)...)
		if code != 2 || !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %q", tc.args, code, errs, tc.want)
		}
	}
}

// Deleting a visitor's pseudonym with the CLI leaves it in no file.
func TestSessionsDeleteAPseudonymLeavesNoTrace(t *testing.T) {
	path := visitorSessions(t)
	if _, csv, _ := run(t, "sessions", "export", "--journal", path, "--session", "s-1", "--format", "jsonl"); !strings.Contains(csv, "visitor grimacing") {
		t.Fatal("the visitor's records are not in the journal to begin with")
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir()) // deleting a person never reaches the developer's calibrations
	if code, out, errs := run(t, "sessions", "delete", "--journal", path, "--person", testVisitor); code != 0 {
		t.Fatalf("delete: %d %s %s", code, out, errs)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(filepath.Dir(path), e.Name()))
		for _, needle := range []string{testVisitor, "visitor grimacing"} {
			if bytes.Contains(b, []byte(needle)) {
				t.Errorf("after deletion %q is still in %s", needle, e.Name())
			}
		}
	}
	_, csv, _ := run(t, "sessions", "export", "--journal", path, "--session", "s-1", "--format", "jsonl")
	if strings.Count(csv, `"person":"ada"`) != 10 {
		t.Errorf("Ada's records went with the visitor's:\n%s", csv)
	}
}
