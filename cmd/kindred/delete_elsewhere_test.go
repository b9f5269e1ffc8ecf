package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// A carer deletes the person a running robot is with, in pain and alerted
// about, from another process (`kindred sessions delete --person ada` in
// their shell, on the robot's journal). The robot goes on caring and
// recording: the alert it raised is resolved as the pain eases, about the
// pseudonym she is known by from the deletion on, and no record is lost;
// the console stops showing her; and the journal's files name her nowhere
// once the run has ended. Before, every later record failed its session's
// foreign key (a real run: 428 "not written this run", the resolved alert
// among them), and the console, the engine and the voice went on naming
// her (605 events on the console's stream after the deletion).
func TestDeletingThePersonFromAnotherProcess(t *testing.T) {
	home := t.TempDir()
	const token = "e2e-delete-elsewhere-token-0123456789"
	t.Setenv("KINDRED_CONSOLE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	scen, err := os.ReadFile(filepath.Join("..", "..", "perception", "scenario", "builtin", "pain-episode.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	adas := strings.Replace(string(scen), "person: {id: margaret, name: Margaret}", "person: {id: ada, name: Ada}", 1)
	if adas == string(scen) {
		t.Fatal("the pain-episode scenario no longer names margaret")
	}
	spath := filepath.Join(home, "ada.yaml")
	if err := os.WriteFile(spath, []byte(adas), 0o600); err != nil {
		t.Fatal(err)
	}

	jpath := filepath.Join(home, "j.db")
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var stderr lockedBuffer
	run := &runExit{done: make(chan struct{})}
	go func() {
		defer close(run.done)
		run.code = dispatch(ctx, env{stdin: strings.NewReader(""), stdout: &lockedBuffer{}, stderr: &stderr},
			[]string{"run", "--scenario", spath, "--person", "ada", "--speed", "5", "--console", addr, "--journal", jpath})
	}()
	defer func() {
		cancel()
		<-run.done
		if t.Failed() {
			t.Logf("kindred run said:\n%s", stderr.String())
		}
	}()
	base := "http://" + addr
	if _, err := waitStatus(ctx, base, token, run, func(s consoleStatus) bool { return s.State == "alerting" }); err != nil {
		t.Fatalf("the run never alerted: %v", err)
	}
	var out lockedBuffer
	if code := dispatch(ctx, env{stdin: strings.NewReader(""), stdout: &out, stderr: &out},
		[]string{"sessions", "delete", "--person", "ada", "--journal", jpath}); code != 0 {
		t.Fatalf("sessions delete exited %d: %s", code, out.String())
	}
	// The robot notices at its next batch, a commit (500 ms) later at most.
	st, err := waitStatus(ctx, base, token, run, func(s consoleStatus) bool {
		return s.Present != nil && s.Present.ID != "ada" && s.Assessment != nil && s.Assessment.Person != "ada"
	})
	if err != nil {
		t.Fatalf("the console still shows ada: %+v (%v)", st, err)
	}
	if st.Present.Name != "" || st.Present.Resident {
		t.Errorf("present after the deletion: %+v, want an unknown face", *st.Present)
	}
	if _, body := apiCall(ctx, t, "GET", base+"/api/v1/status", token, ""); regexp.MustCompile(`(?i)\bada\b`).MatchString(body) {
		t.Errorf("the console's status names ada after the deletion: %s", body)
	}
	select {
	case <-run.done:
	case <-ctx.Done():
		t.Fatal("the scenario did not end")
	}
	if run.code != 0 {
		t.Fatalf("run exited %d", run.code)
	}
	if s := stderr.String(); strings.Contains(s, "not written this run") {
		t.Errorf("records were lost after the deletion")
	}

	j, err := journal.OpenExisting(context.Background(), jpath)
	if err != nil {
		t.Fatal(err)
	}
	ss, err := j.Sessions(context.Background())
	if err != nil || len(ss) != 1 || !strings.HasPrefix(ss[0].Person, "visitor-") {
		t.Fatalf("sessions %+v (%v): want the run's, recorded on about a pseudonym", ss, err)
	}
	recs, err := j.Records(context.Background(), ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	resolved := false
	for _, r := range recs {
		if a, ok := r.(journal.Alert); ok && a.Level == journal.LevelResolved && a.Person == ss[0].Person {
			resolved = true
		}
	}
	if !resolved {
		t.Errorf("no alert resolved about %s after the deletion (%d records)", ss[0].Person, len(recs))
	}
	j.Close()
	word := regexp.MustCompile(`\b(ada|Ada)\b`)
	for _, f := range []string{jpath, jpath + "-wal", jpath + "-shm"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if n := len(word.FindAll(b, -1)); n > 0 {
			t.Errorf("%s names ada %d times after the deletion", filepath.Base(f), n)
		}
	}
}
