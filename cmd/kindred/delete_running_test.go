package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/kindred-hri/kindred/journal"
)

// A carer deletes the resident from the console of a robot that runs on:
// the broker's retained status stops naming their pseudonym at once, and
// the run's journal goes on recording (the alert resolved after the
// deletion is in it). Before, the status kept the deleted pseudonym until
// the robot's state changed, and every record after the deletion failed
// its session's foreign key, the resolved alert among them.
func TestDeletingTheResidentWhileTheRobotRuns(t *testing.T) {
	home := t.TempDir()
	const token = "e2e-delete-running-token-0123456789"
	t.Setenv("KINDRED_CONSOLE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	url := startMosquitto(t, nil)
	status := make(chan mqtt.Message, 256)
	sub := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("station-delete-test").
		SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond))
	if tok := sub.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station: %v", tok.Error())
	}
	defer sub.Disconnect(100)
	if tok := sub.Subscribe("kindred/+/status", 1, func(_ mqtt.Client, m mqtt.Message) { status <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
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
			[]string{"run", "--scenario", "pain-episode", "--speed", "5", "--console", addr, "--journal", jpath, "--mqtt", url})
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
	var pseudonym string
	for pseudonym == "" {
		select {
		case m := <-status:
			var s struct{ State, Person string }
			if json.Unmarshal(m.Payload(), &s) == nil && s.State == "alerting" {
				pseudonym = s.Person
			}
		case <-ctx.Done():
			t.Fatal("no alerting status reached the broker")
		}
	}
	if code, body := apiCall(ctx, t, http.MethodDelete, base+"/api/v1/persons/margaret", token, ""); code != http.StatusOK {
		t.Fatalf("delete: %d %s", code, body)
	}
	select {
	case <-run.done:
	case <-ctx.Done():
		t.Fatal("the scenario did not end")
	}
	// The first status after the deletion (the end's "offline" aside) names
	// nobody: without the fleet told, it was the next state's, still under
	// the deleted pseudonym.
	var after []string
	for more := true; more; {
		select {
		case m := <-status:
			if p := string(m.Payload()); p != "offline" {
				after = append(after, p)
			}
		default:
			more = false
		}
	}
	if len(after) == 0 || strings.Contains(after[0], pseudonym) {
		t.Errorf("statuses after the deletion %q: want the first to name nobody, not %s", after, pseudonym)
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
		t.Fatalf("sessions %+v (%v): want the run's, recorded on after the deletion", ss, err)
	}
	recs, err := j.Records(context.Background(), ss[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	resolved := false
	for _, r := range recs {
		if a, ok := r.(journal.Alert); ok && a.Level == journal.LevelResolved {
			resolved = true
		}
	}
	if !resolved {
		t.Errorf("the alert resolved after the deletion is not in the journal (%d records)", len(recs))
	}
	if strings.Contains(stderr.String(), "not written this run") {
		t.Errorf("records were lost after the deletion")
	}
}
