package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// Issue 18: a carer's "this is a visitor" at the console moves what is
// recorded next to a pseudonym. A live run on real video assumes the face
// is the configured resident; the test posts the correction over HTTP, sees
// the status change, and reads the journal: Ada's assessments before, the
// new pseudonym's after, and the correction recorded with its route.
func TestConsoleIdentifyVisitorMovesLaterRecords(t *testing.T) {
	const video = "/usr/share/doc/opencv-doc/examples/data/Megamind.avi"
	if _, err := os.Stat(video); err != nil {
		t.Fatalf("%s missing: run make test-deps", video)
	}
	home := t.TempDir()
	const token = "e2e-identify-token-0123456789"
	t.Setenv("KINDRED_CONSOLE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	cfgPath := filepath.Join(home, "kindred.yaml")
	if err := os.WriteFile(cfgPath, []byte("persons: [ada]\nbehavior:\n  names: {ada: Ada}\n"), 0o600); err != nil {
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
			[]string{"run", "--config", cfgPath, "--video", video, "--speed", "2", "--console", addr, "--journal", jpath})
	}()
	defer func() {
		cancel()
		<-run.done
		if t.Failed() {
			t.Logf("kindred run said:\n%s", stderr.String())
		}
	}()
	base := "http://" + addr
	// Ada's face for a while first (the film cuts between shots in its
	// first four seconds, and the robot assumes each new face is Ada only
	// once nobody is in view).
	st, err := waitStatus(ctx, base, token, run, func(s consoleStatus) bool {
		return s.Present != nil && s.Present.ID == "ada" && s.Assessment != nil && s.Assessment.Person == "ada" && s.Assessment.At >= 5
	})
	if err != nil {
		t.Fatalf("the console never showed Ada present: %v", err)
	}
	if p := st.Present; p.Name != "Ada" || !p.Resident || !p.Assumed || p.Calibrated {
		t.Errorf("present %+v, want Ada by name, a resident, assumed, on the population baseline", *p)
	}
	if code, body := apiCall(ctx, t, "POST", base+"/api/v1/control", token, `{"cmd":"identify","person":"visitor"}`); code != http.StatusAccepted {
		t.Fatalf("identify: %d %s", code, body)
	}
	st, err = waitStatus(ctx, base, token, run, func(s consoleStatus) bool { return s.Present == nil || s.Present.ID != "ada" })
	if err != nil {
		t.Fatalf("status after the correction: %v", err)
	}
	if p := st.Present; p == nil || !strings.HasPrefix(p.ID, "visitor-") || p.Name != "" || p.Resident || p.Assumed {
		t.Fatalf("present after \"this is a visitor\": %+v, want an unnamed pseudonym a carer named", p)
	}
	visitor := st.Present.ID
	select {
	case <-run.done: // the video ends the run
	case <-ctx.Done():
		t.Fatal("the run did not end with its video")
	}
	if run.code != 0 {
		t.Fatalf("run exited %d", run.code)
	}

	j, err := journal.OpenExisting(context.Background(), jpath)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	ss, err := j.Sessions(context.Background())
	if err != nil || len(ss) != 1 {
		t.Fatalf("sessions %v, %v", ss, err)
	}
	recs, err := j.Records(context.Background(), ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var said *journal.Identification
	for _, r := range recs {
		if d, ok := r.(journal.Identification); ok {
			said = &d
		}
	}
	if said == nil || said.Person != visitor || said.Source != "console" {
		t.Fatalf("identification %+v, want %s from the console", said, visitor)
	}
	var adaBefore, visitorAfter, adaJustAfter int
	for _, r := range recs {
		a, ok := r.(journal.Assessment)
		if !ok || !a.Present {
			continue
		}
		switch {
		case a.Person == "ada" && a.At < said.At:
			adaBefore++
		case a.Person == visitor:
			visitorAfter++
			if a.At < said.At-100*time.Millisecond {
				t.Errorf("an assessment at %v, before the correction at %v, is the visitor's", a.At, said.At)
			}
		case a.Person == "ada" && a.At > said.At+500*time.Millisecond && a.At < said.At+2*time.Second:
			adaJustAfter++
		}
	}
	t.Logf("Ada before: %d, %s after: %d, Ada within 2 s after: %d", adaBefore, visitor, visitorAfter, adaJustAfter)
	if adaBefore == 0 || visitorAfter < 3 || adaJustAfter > 0 {
		t.Errorf("assessments: Ada %d before the correction, %s %d after, Ada %d just after; want records to move to the pseudonym",
			adaBefore, visitor, visitorAfter, adaJustAfter)
	}
}
