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
)

// Issue 14's first target, end to end: a carer pauses the robot through
// the console while the pain-episode scenario is still calm; the pain that
// follows is never comforted (the robot is paused), and a caregiver station
// on a real Mosquitto broker still receives the urgent alert. The waits are
// wall-clock polls of the HTTP server and the broker, not logic timing.
func TestPauseNeverSilencesTheCarersStation(t *testing.T) {
	url := startMosquitto(t, nil)

	type alert struct {
		Level  string `json:"level"`
		Reason string `json:"reason"`
	}
	alerts := make(chan alert, 16)
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID("station-pause-test").
		SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond)
	station := mqtt.NewClient(o)
	if tok := station.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station: %v", tok.Error())
	}
	defer station.Disconnect(100)
	if tok := station.Subscribe("kindred/+/alerts", 1, func(_ mqtt.Client, m mqtt.Message) {
		var a alert
		if json.Unmarshal(m.Payload(), &a) == nil {
			alerts <- a
		}
	}); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	home := t.TempDir()
	const token = "pause-alert-token-0123456789"
	t.Setenv("KINDRED_CONSOLE_TOKEN", token)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("HOME", home)
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stderr lockedBuffer
	run := &runExit{done: make(chan struct{})}
	summary := filepath.Join(home, "summary.json")
	go func() {
		defer close(run.done)
		// 120 s of session time at 3x: the calm chat lasts 7 s of wall time
		// and comfort would begin 16 s in, time enough for the pause to land
		// on a loaded machine.
		run.code = dispatch(ctx, env{stdin: strings.NewReader(""), stdout: &lockedBuffer{}, stderr: &stderr},
			[]string{"run", "--scenario", "pain-episode", "--speed", "3", "--for", "120s", "--console", addr,
				"--journal", filepath.Join(home, "j.db"), "--mqtt", url, "--summary", summary})
	}()
	defer func() {
		cancel()
		<-run.done
		if t.Failed() {
			t.Logf("kindred run said:\n%s", stderr.String())
		}
	}()

	base := "http://" + addr
	st, err := waitStatus(ctx, base, token, run, func(s consoleStatus) bool { return s.State != "" && s.State != "unknown" })
	if err != nil {
		t.Fatalf("console never answered: %v", err)
	}
	if st.State == "comforting" || st.State == "alerting" {
		t.Fatalf("the console answered only once the robot was %s: too late to pause before the pain", st.State)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/control", strings.NewReader(`{"cmd":"pause"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("pause: %s", resp.Status)
	}
	if _, err = waitStatus(ctx, base, token, run, func(s consoleStatus) bool { return s.Paused }); err != nil {
		t.Fatalf("never paused: %v", err)
	}
	select {
	case a := <-alerts:
		t.Fatalf("an alert before the pain: %+v (the pause came too late for this test)", a)
	default:
	}

	deadline := time.After(90 * time.Second)
	for {
		select {
		case a := <-alerts:
			if a.Level == "urgent" && strings.Contains(a.Reason, "paused") {
				t.Logf("station received: %+v", a)
				return
			}
			t.Logf("other alert: %+v", a)
		case <-run.done:
			t.Fatalf("run ended (exit %d) and no urgent alert reached the station while paused", run.code)
		case <-deadline:
			t.Fatal("no urgent alert reached the station while the robot was paused")
		}
	}
}
