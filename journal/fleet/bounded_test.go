package fleet

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// A broker whose error texts differ on every retry (a port, a time in
// them) over days of a run: the client remembers at most maxReportTexts
// texts, reports each once, says with the last that later ones are only
// counted, and says how many as Run ends. The alert outbox's line is kept
// apart and still said after the bound. Without the bound the set holds
// all 10,000 texts and as many lines are logged; with the outbox line in
// the bounded set it is never said.
func TestReportedTextsAreBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var lines []string
		c := newClient(Opts{Robot: "kiri", Broker: "tcp://b:1883", AlertBuffer: 1, Controls: 1,
			Report: func(err error) { lines = append(lines, err.Error()) }})
		const n = 10000
		text := func(i int) error {
			return fmt.Errorf("fleet: tcp://b:1883 unreachable (dial tcp 10.0.0.7:%d: i/o timeout); retrying, alerts are held", 40000+i)
		}
		for i := range n {
			c.report(text(i))
		}
		c.report(text(0)) // reported already
		if kept := len(c.reportOnce.seen); kept > maxReportTexts {
			t.Fatalf("%d texts kept, want at most %d", kept, maxReportTexts)
		}
		if len(lines) != maxReportTexts || !strings.Contains(lines[len(lines)-1], "later ones are only counted") {
			t.Fatalf("%d lines, the last %q: want %d, the last saying later ones are only counted",
				len(lines), lines[len(lines)-1], maxReportTexts)
		}
		if got := c.Stats().ProblemsUnreported; got != n-maxReportTexts {
			t.Errorf("%d texts counted unreported, want %d", got, n-maxReportTexts)
		}
		lines = nil
		c.Publish(journal.Alert{At: time.Second, Level: journal.LevelUrgent, Reason: "pain"})
		c.Publish(journal.Alert{At: 2 * time.Second, Level: journal.LevelUrgent, Reason: "pain"}) // the outbox holds 1
		c.Publish(journal.Alert{At: 3 * time.Second, Level: journal.LevelUrgent, Reason: "pain"})
		if len(lines) != 1 || !strings.Contains(lines[0], "alert outbox full") {
			t.Errorf("after the bound, a full outbox logged %q, want its line once", lines)
		}
		lines = nil
		c.mc = &stuckBroker{release: closed()}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := c.Run(ctx); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("fleet: %d more distinct problem(s) were not reported (the first %d were)", n-maxReportTexts, maxReportTexts)
		if !slices.Contains(lines, want) {
			t.Errorf("as Run ended the log said %q, want %q", lines, want)
		}
	})
}

func closed() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}
