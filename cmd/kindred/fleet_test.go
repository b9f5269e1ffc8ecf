package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// A caregiver station subscribed to kindred/+/alerts on a real Mosquitto
// broker receives the alert a pain episode raises.
func TestRunPublishesAlertsToTheFleet(t *testing.T) {
	if _, err := exec.LookPath("mosquitto"); err != nil {
		t.Skip("mosquitto not installed (make deps installs it)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	broker := exec.Command("mosquitto", "-p", fmt.Sprint(port))
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { broker.Process.Kill(); broker.Wait() })
	url := fmt.Sprintf("tcp://127.0.0.1:%d", port)

	alerts := make(chan mqtt.Message, 16)
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID("station-test").
		SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond)
	station := mqtt.NewClient(o)
	if tok := station.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station: %v", tok.Error())
	}
	defer station.Disconnect(100)
	if tok := station.Subscribe("kindred/+/alerts", 1, func(_ mqtt.Client, m mqtt.Message) { alerts <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}

	dir := t.TempDir()
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--console", "off",
		"--journal", filepath.Join(dir, "j.db"), "--mqtt", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	select {
	case m := <-alerts:
		if m.Topic() != "kindred/kindred/alerts" {
			t.Errorf("topic %s", m.Topic())
		}
		var a struct {
			Type   string  `json:"type"`
			Level  string  `json:"level"`
			Score  float64 `json:"score"`
			Reason string  `json:"reason"`
		}
		if err := json.Unmarshal(m.Payload(), &a); err != nil {
			t.Fatalf("alert %s: %v", m.Payload(), err)
		}
		if a.Type != "alert" || a.Reason == "" || (a.Level != "urgent" && a.Level != "warning") {
			t.Errorf("alert %s", m.Payload())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no alert reached the caregiver station")
	}
}
