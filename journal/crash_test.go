package journal

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const crashChildEnv = "KINDRED_JOURNAL_CRASH_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(path) // never returns: the parent kills it
	}
	if path := os.Getenv(urgentChildEnv); path != "" {
		urgentChild(path, os.Getenv(urgentKindEnv)) // never returns: it kills itself
	}
	if dir := os.Getenv(readOnlyChildEnv); dir != "" {
		readOnlyChild(dir) // never returns
	}
	if v := os.Getenv(diskFullChildEnv); v != "" {
		when, dir, _ := strings.Cut(v, ":")
		diskFullChild(dir, when) // never returns
	}
	os.Exit(m.Run())
}

// crashChild records a live session, printing how far it has submitted, until killed.
func crashChild(path string) {
	ctx := context.Background()
	j, err := Open(ctx, path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	w := j.NewWriter(DefaultWriterOpts())
	go w.Run(ctx)
	if _, err := w.Begin(ctx, Session{ID: "live", Robot: "kiri"}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	start := time.Now()
	tick := time.NewTicker(20 * time.Millisecond)
	for range tick.C {
		at := time.Since(start)
		w.Submit(Transition{At: at, From: "a", To: "b", Reason: "tick"})
		w.Submit(Assessment{At: at, Person: "p", Score: 3})
		fmt.Println("submitted", int64(at))
	}
}

func TestKill9LosesAtMostTheLastSecond(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var last time.Duration
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && f[0] == "submitted" {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			last = time.Duration(ns)
			if last > 1700*time.Millisecond {
				break
			}
			continue
		}
		t.Fatalf("child: %s", sc.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if last == 0 {
		t.Fatal("child never submitted")
	}

	j, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("journal does not open after kill -9: %v", err)
	}
	defer j.Close()
	s, err := j.Session(context.Background(), "live")
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusIncomplete {
		t.Errorf("status %q, want incomplete", s.Status)
	}
	recs, err := j.Records(context.Background(), "live")
	if err != nil {
		t.Fatal(err)
	}
	var kept time.Duration
	n := 0
	for _, r := range recs {
		if tr, ok := r.(Transition); ok {
			kept = max(kept, tr.At)
			n++
		}
	}
	t.Logf("submitted up to %v, %d transitions survived up to %v", last, n, kept)
	if last-kept > time.Second {
		t.Errorf("lost %v of records, more than the last second", last-kept)
	}
}
