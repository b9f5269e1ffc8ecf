package journal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/badinput"
)

const diskFullChildEnv = "KINDRED_JOURNAL_DISKFULL_CHILD"

// fillDisk writes a file in dir until the file system is full, and returns
// its path: removing it frees the space again.
func fillDisk(dir string) (string, error) {
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return path, nil
			}
			return "", err
		}
	}
}

// diskFullChild mounts a small tmpfs on dir (in its own mount namespace),
// opens a journal there and records a session through a Writer while the
// file system fills up and is freed again: with full "begin" the disk is
// full before the session's first commit (a robot started on a full disk),
// with "mid" after it. It prints how many of the faults submitted after the
// space came back were written, and the session's status after the writer
// ended.
func diskFullChild(dir, when string) {
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=2m"); err != nil {
		fail(err)
	}
	if when == "reopen" {
		reopenFullChild(dir)
	}
	ctx, cancel := context.WithCancel(context.Background())
	j, err := Open(ctx, filepath.Join(dir, "journal.db"))
	if err != nil {
		fail(err)
	}
	reports := 0
	w := j.NewWriter(WriterOpts{Session: &Session{ID: "s", Robot: "kiri"}, Report: func(error) { reports++ }})
	var filler string
	if when == "begin" {
		if filler, err = fillDisk(dir); err != nil {
			fail(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	if when == "mid" {
		if err := w.Flush(ctx); err != nil { // the session is written
			fail(err)
		}
		if filler, err = fillDisk(dir); err != nil {
			fail(err)
		}
	}
	for i := range 100 {
		w.Submit(Fault{At: time.Duration(i) * time.Second, Component: "camera", Message: strings.Repeat("x", 200)})
	}
	if err := w.Flush(ctx); err == nil {
		fail(errors.New("a flush to a full disk succeeded"))
	}
	if err := os.Remove(filler); err != nil { // the space comes back
		fail(err)
	}
	const after = 10
	for i := range after {
		w.Submit(Fault{At: time.Duration(1000+i) * time.Second, Component: "camera", Message: "back"})
	}
	flushErr := w.Flush(ctx)
	cancel()
	if err := <-done; err != nil {
		fail(err)
	}
	j.Close()
	j, err = OpenExisting(context.Background(), filepath.Join(dir, "journal.db"))
	if err != nil {
		fail(err)
	}
	defer j.Close()
	written, status := 0, "missing"
	if s, err := j.Session(context.Background(), "s"); err == nil {
		status = string(s.Status)
		recs, err := j.Records(context.Background(), "s")
		if err != nil {
			fail(err)
		}
		for _, r := range recs {
			if f, ok := r.(Fault); ok && f.Message == "back" {
				written++
			}
		}
	}
	fmt.Printf("%d\t%d\t%s\t%v\n", written, after, status, flushErr)
	os.Exit(0)
}

// reopenFullChild records with a child it kills mid-run (as a crash
// leaves a journal: its log not checkpointed), fills the disk, opens the
// journal again, and prints whether that failed, whether as ErrNotJournal,
// whether as bad input, and the error.
func reopenFullChild(dir string) {
	path := filepath.Join(dir, "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	buf := make([]byte, 4096)
	for n := 0; n < 2000; { // some records submitted, some committed
		k, err := out.Read(buf)
		if err != nil {
			fmt.Println("error child:", err)
			os.Exit(1)
		}
		n += k
	}
	time.Sleep(600 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	// Without its index (it is rebuilt from the log on the next open, which
	// must then write it) the log cannot be read back on a full disk: SQLite
	// answers with an I/O error, as it did for `kindred run` after a crash.
	if err := os.Remove(path + "-shm"); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if _, err := fillDisk(dir); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	j, err := Open(context.Background(), path)
	if err == nil {
		j.Close()
	}
	fmt.Printf("%v\t%v\t%v\t%v\n", err != nil, errors.Is(err, ErrNotJournal), badinput.Is(err), err)
	os.Exit(0)
}

// A journal a crash left, opened again on a full disk, may not open (its
// log cannot be recovered for want of space); the error must say so, not
// call the file "not a kindred journal" (bad input, exit 2), which tells an
// operator the months of care in it are rubbish to delete.
func TestFullDiskIsNotABadJournal(t *testing.T) {
	out := diskFullRun(t, "reopen")
	f := strings.SplitN(strings.TrimSpace(out), "\t", 4)
	if len(f) != 4 {
		t.Fatalf("child said %q", out)
	}
	t.Logf("open failed %s, not a journal %s, bad input %s: %s", f[0], f[1], f[2], f[3])
	if f[1] != "false" || f[2] != "false" {
		t.Errorf("a crashed run's journal on a full disk: not a journal %s, bad input %s (%s); want neither", f[1], f[2], f[3])
	}
}

// diskFullRun runs diskFullChild in its own mount namespace (skipping the
// test where none can be had) and returns what it printed.
func diskFullRun(t *testing.T, when string) string {
	t.Helper()
	cmd := childInOwnMounts(diskFullChildEnv + "=" + when + ":" + t.TempDir())
	cmd.Stderr = io.Discard
	out, err := cmd.Output()
	if err != nil {
		if errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
			strings.HasPrefix(string(out), "error operation not permitted") {
			t.Skipf("no tmpfs here: %v %s", err, out)
		}
		t.Fatalf("child: %v\n%s", err, out)
	}
	return string(out)
}

// A disk that fills up and is freed again (logs rotated, a carer's export
// deleted) costs the journal only what came while it was full: once there
// is room the run's records are written again and the session ends
// complete, whether the disk was full before the session's first commit or
// after it. Before, a session whose first commit failed was never written,
// so every record after it failed its reference to the session, for the
// rest of a run of days.
func TestJournalWritesAgainOnceTheDiskHasRoom(t *testing.T) {
	for _, when := range []string{"begin", "mid"} {
		t.Run(when, func(t *testing.T) {
			out := diskFullRun(t, when)
			t.Logf("written after the disk had room, of sent; status; flush: %s", out)
			var written, sent int
			var status string
			if _, err := fmt.Sscanf(string(out), "%d\t%d\t%s", &written, &sent, &status); err != nil {
				t.Fatalf("child said %q: %v", out, err)
			}
			if written != sent || status != string(StatusComplete) {
				t.Errorf("disk full at %s, then freed: %d of %d later records written, session %s; want all, complete",
					when, written, sent, status)
			}
		})
	}
}

// The same without a file system to fill: a trigger makes every insert
// into one table fail, so a batch writing to it fails as a full disk fails
// it, until the trigger goes. What waited (the session's row, its subject)
// must be written then, and never as about the person deleted meanwhile:
// their deletion writes it in its transaction, then deletes it, as it
// would have had the disk never filled, and the run's session begins again
// about nobody, so what comes after is still recorded.
func TestSessionWaitingAfterAFailedCommit(t *testing.T) {
	for _, c := range []struct {
		name        string
		session     Session
		written     bool   // the session's row is written before inserts fail
		failing     string // the table whose inserts fail
		rec         Record // submitted while they fail
		deleteAda   bool   // ada is deleted while inserts fail
		wantSession bool
	}{
		{name: "first commit fails, then there is room", session: Session{ID: "s", Person: "ada"},
			failing: "faults", rec: Fault{At: time.Second, Component: "camera"}, wantSession: true},
		{name: "person deleted while their session's row waits", session: Session{ID: "s", Person: "ada"},
			failing: "faults", rec: Fault{At: time.Second, Component: "camera"}, deleteAda: true, wantSession: true},
		{name: "person deleted while their being the subject waits", session: Session{ID: "s"}, written: true,
			failing: "assessments", rec: Assessment{At: time.Second, Person: "ada", Score: 2}, deleteAda: true, wantSession: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			j, _ := openTemp(t)
			ctx, cancel := context.WithCancel(t.Context())
			// No commit but those asked for: a tick's would write the waiting ops alone.
			w := j.NewWriter(WriterOpts{Now: fixedNow(), CommitEvery: time.Hour, Session: &c.session})
			done := make(chan error, 1)
			go func() { done <- w.Run(ctx) }()
			if c.written {
				if err := w.Flush(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := j.db.ExecContext(ctx, `CREATE TRIGGER full BEFORE INSERT ON `+c.failing+`
				BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
				t.Fatal(err)
			}
			w.Submit(c.rec)
			if c.deleteAda {
				// The deletion commits what came before it first, and that
				// fails: the session's row (or its subject) still waits.
				if err := w.DeletePerson(ctx, "ada"); err != nil {
					t.Fatal(err)
				}
			} else if err := w.Flush(ctx); err == nil {
				t.Fatal("a flush with its inserts failing succeeded")
			}
			if _, err := j.db.ExecContext(ctx, `DROP TRIGGER full`); err != nil {
				t.Fatal(err)
			}
			for i := range 3 {
				w.Submit(Fault{At: time.Duration(2+i) * time.Second, Component: "camera"})
			}
			w.Flush(ctx)
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			s, err := j.Session(context.Background(), "s")
			if got := err == nil; got != c.wantSession {
				t.Fatalf("session written: %v (%v), want %v", got, err, c.wantSession)
			}
			if c.deleteAda && s.Person != "" {
				t.Errorf("the session is about %q after ada's deletion, want nobody", s.Person)
			}
			var n int
			if err := j.db.QueryRow(`SELECT count(*) FROM faults`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 3}[c.wantSession]; n != want {
				t.Errorf("%d faults written after the inserts worked again, want %d", n, want)
			}
		})
	}
}
