package fleet

import (
	"context"
	"strings"
	"testing"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// A status the engine publishes just as Run starts is the one the fleet
// sees: Run's bare "online" goes in only where no status is. Before, Run
// checked for none, then stored its own, and a status published between
// the two was overwritten: the fleet saw no state until the next change
// (found as a CI failure of TestTopicsCarryPseudonymsNeverNames).
func TestStatusPublishedAsRunStartsIsKept(t *testing.T) {
	b := startBroker(t)
	status := subscribe(t, b.url(), account{}, "kindred/+/status")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, err := Connect(ctx, Opts{Broker: b.url(), Robot: "kiri"})
	if err != nil {
		t.Fatal(err)
	}
	c.beforeBlank = func() { _ = c.PublishStatus(Status{State: "comforting"}) }
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	m := waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), `"status":"online"`) })
	if !strings.Contains(string(m.Payload()), "comforting") {
		t.Errorf("status %s, want the state published as Run started", m.Payload())
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
