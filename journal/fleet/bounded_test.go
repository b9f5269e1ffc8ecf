package fleet

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/kindred-hri/kindred/journal"
)

// A run of days meets many faces, each visitor a new person id: the
// client's pseudonyms in memory stay at maxPseudonyms, the least recently
// used forgotten, so the resident seen all along keeps theirs. Without the
// bound the cache holds all 10,000.
func TestPseudonymCacheIsBounded(t *testing.T) {
	c := &Client{}
	resident := c.pseudonym("ada")
	for i := range 10000 {
		if c.pseudonym(fmt.Sprintf("visitor-%d", i)) == "" {
			t.Fatal("no pseudonym")
		}
		if i%100 == 0 && c.pseudonym("ada") != resident {
			t.Fatalf("after %d visitors the resident's pseudonym changed", i)
		}
	}
	if n := len(c.pseud.known); n > maxPseudonyms {
		t.Fatalf("%d pseudonyms kept, want at most %d", n, maxPseudonyms)
	}
}

// stuckBroker is a connection paho still calls open while its writer has
// died under it: Publish waits (paho waits up to its 30 s write timeout)
// until release is closed.
type stuckBroker struct {
	mqtt.Client // any other call is a test failure (nil)
	release     chan struct{}
	published   atomic.Int64
}

func (b *stuckBroker) IsConnectionOpen() bool { return true }
func (b *stuckBroker) Disconnect(uint)        {}

func (b *stuckBroker) Publish(string, byte, bool, any) mqtt.Token {
	<-b.release
	b.published.Add(1)
	return &mqtt.DummyToken{}
}

// The companion hands every record to the fleet on its own goroutines
// (assessments, and the transitions whose status is published): a broker
// connection dying under paho, which makes its Publish wait up to 30 s,
// must not hold them. Publish and PublishStatus return at once, and Run
// sends both once the broker lets go. Before, both called paho's Publish
// in the caller's goroutine and this test timed out waiting for them.
func TestPublishNeverWaitsForTheBroker(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		broker := &stuckBroker{release: make(chan struct{})}
		c := newClient(Opts{Robot: "kiri", AlertBuffer: 4, Controls: 1})
		c.mc = broker
		returned := make(chan struct{})
		go func() {
			c.Publish(journal.Assessment{At: time.Second, Person: "ada", Score: 7})
			c.PublishStatus(Status{State: "concerned", Person: "ada"})
			close(returned)
		}()
		synctest.Wait()
		select {
		case <-returned:
		default:
			close(broker.release)
			t.Fatal("Publish or PublishStatus waited for a stuck broker")
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- c.Run(ctx) }()
		close(broker.release)
		synctest.Wait()
		if n := broker.published.Load(); n != 2 || c.Stats().PainSent != 1 {
			t.Errorf("Run published %d messages (pain sent %d), want the assessment and the status", n, c.Stats().PainSent)
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
}
