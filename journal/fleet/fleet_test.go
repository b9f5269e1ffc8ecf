package fleet

import (
	"context"
	"fmt"
	"hash/crc32"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
)

// broker is a real mosquitto on a free loopback port.
type broker struct {
	t     *testing.T
	dir   string
	port  int
	extra string // more configuration lines
	cmd   *exec.Cmd
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startBroker(t *testing.T) *broker {
	b := newBroker(t, "allow_anonymous true\n")
	b.start()
	return b
}

// newBroker prepares a broker without starting it.
func newBroker(t *testing.T, extra string) *broker {
	t.Helper()
	if _, err := exec.LookPath("mosquitto"); err != nil {
		t.Skip("mosquitto not installed")
	}
	b := &broker{t: t, dir: t.TempDir(), port: freePort(t), extra: extra}
	t.Cleanup(b.stop)
	return b
}

func (b *broker) url() string { return fmt.Sprintf("tcp://127.0.0.1:%d", b.port) }

func (b *broker) start() {
	t := b.t
	conf := filepath.Join(b.dir, "mosquitto.conf")
	// persistence keeps subscribers' sessions across the restart test.
	cfg := fmt.Sprintf("listener %d 127.0.0.1\npersistence true\npersistence_location %s/\nuser %s\n%s",
		b.port, b.dir, currentUser(), b.extra)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	b.cmd = exec.Command("mosquitto", "-c", conf)
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", b.port))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("mosquitto did not listen: %v", err)
		}
		time.Sleep(20 * time.Millisecond) // waiting for an external process, not logic
	}
}

func currentUser() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "root"
}

func (b *broker) stop() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Signal(syscall.SIGTERM) // mosquitto saves its persistence file
	b.cmd.Wait()
	b.cmd = nil
}

// station is a caregiver's subscriber with a persistent session.
func station(t *testing.T, url, topic string) <-chan mqtt.Message {
	t.Helper()
	got := make(chan mqtt.Message, 100)
	o := mqtt.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("station-%s-%x", t.Name(), crc32.ChecksumIEEE([]byte(topic)))).SetCleanSession(false).
		SetAutoReconnect(true).SetMaxReconnectInterval(200 * time.Millisecond).SetConnectRetry(true).
		SetConnectRetryInterval(200 * time.Millisecond)
	c := mqtt.NewClient(o)
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station connect: %v", tok.Error())
	}
	// The persistent session keeps this subscription across reconnects and broker restarts.
	if tok := c.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) { got <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station subscribe: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return got
}

func waitFor(t *testing.T, ch <-chan mqtt.Message, pred func(mqtt.Message) bool) mqtt.Message {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case m := <-ch:
			if pred(m) {
				return m
			}
		case <-timeout:
			t.Fatal("timed out waiting for a message") // t.Helper: the caller's line says which
			return nil
		}
	}
}

// runClient connects and runs a client; stop (also called at cleanup)
// cancels it and waits for Run to return.
func runClient(t *testing.T, o Opts) (c *Client, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	c, err := Connect(ctx, o)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return c, stop
}

func TestAlertReachesTheCaregiverStation(t *testing.T) {
	b := startBroker(t)
	alerts := station(t, b.url(), "kindred/+/alerts")
	pain := station(t, b.url(), "kindred/kiri/humans/persons/+/pain")
	status := station(t, b.url(), "kindred/kiri/status")
	c, stop := runClient(t, Opts{Broker: b.url(), Robot: "kiri"})

	waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), `"status":"online"`) })
	c.Publish(journal.Alert{At: 61 * time.Second, Person: "p-ana", Level: journal.LevelUrgent, Score: 8, Reason: "severe pain"})
	m := waitFor(t, alerts, func(mqtt.Message) bool { return true })
	if m.Topic() != "kindred/kiri/alerts" || m.Qos() != 1 {
		t.Errorf("topic %s qos %d", m.Topic(), m.Qos())
	}
	rec, err := journal.Decode(m.Payload())
	if a, ok := rec.(journal.Alert); err != nil || !ok || a.Reason != "severe pain" || a.At != 61*time.Second {
		t.Fatalf("alert payload %s: %v", m.Payload(), err)
	}
	c.Publish(journal.Assessment{At: time.Second, Person: "p-ana", Score: 5, Band: perception.BandModerate})
	m = waitFor(t, pain, func(mqtt.Message) bool { return true })
	if !strings.HasPrefix(m.Topic(), "kindred/kiri/humans/persons/") || !strings.HasSuffix(m.Topic(), "/pain") ||
		!strings.Contains(string(m.Payload()), `"score":5`) {
		t.Errorf("pain %s %s", m.Topic(), m.Payload())
	}
	stop()
	waitFor(t, status, func(m mqtt.Message) bool { return string(m.Payload()) == Offline })
	if st := c.Stats(); st.AlertsSent != 1 || st.AlertsPending != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestAlertsWaitForTheBrokerAndNoneAreLost(t *testing.T) {
	b := startBroker(t)
	alerts := station(t, b.url(), "kindred/+/alerts")
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri"})
	c.Publish(journal.Alert{At: time.Second, Reason: "first"})
	waitFor(t, alerts, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "first") })

	b.stop()
	for i := range 5 {
		c.Publish(journal.Alert{At: time.Duration(2+i) * time.Second, Reason: fmt.Sprintf("while down %d", i)})
	}
	b.start()
	for i := range 5 {
		want := fmt.Sprintf("while down %d", i)
		waitFor(t, alerts, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), want) })
	}
	if st := c.Stats(); st.AlertsLost != 0 {
		t.Errorf("lost %d alerts", st.AlertsLost)
	}
}

func TestConnectRejectsBadOpts(t *testing.T) {
	for _, o := range []Opts{{Broker: "localhost:1883", Robot: "kiri"}, {Broker: "http://x:1", Robot: "kiri"},
		{Broker: "tcp://127.0.0.1:1", Robot: "a/b"}, {Broker: "tcp://127.0.0.1:1", Robot: ""}} {
		if _, err := Connect(context.Background(), o); err == nil {
			t.Errorf("Connect(%+v) accepted", o)
		}
	}
	if segment("a/b+#") != "a_b__" || segment("") != "unknown" {
		t.Error("segment")
	}
}

func TestBrokerDownAtStartAlertsAreHeld(t *testing.T) {
	b := startBroker(t)
	// The caregiver station's persistent session exists before the robot starts.
	alerts := station(t, b.url(), "kindred/+/alerts")
	b.stop()

	var mu sync.Mutex
	var reports []string
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri", ConnectTimeout: time.Second, Report: func(err error) {
		mu.Lock()
		reports = append(reports, err.Error())
		mu.Unlock()
	}})
	mu.Lock()
	if n := len(reports); n == 0 || !strings.Contains(reports[n-1], "unreachable") {
		t.Errorf("reports %q", reports)
	}
	mu.Unlock()
	c.Publish(journal.Alert{At: time.Second, Level: journal.LevelUrgent, Reason: "held from the start"})
	c.Publish(journal.Assessment{At: time.Second, Person: "p"}) // QoS 0 while away: skipped, counted
	b.start()
	waitFor(t, alerts, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "held from the start") })
	if st := c.Stats(); st.PainDropped != 1 {
		t.Errorf("stats %+v", st)
	}
	mu.Lock()
	if n := len(reports); n == 0 || !strings.Contains(reports[n-1], "is back") {
		t.Errorf("reports %q: the broker's arrival is not logged", reports)
	}
	mu.Unlock()
}

func TestBrokerRefusalIsAnError(t *testing.T) {
	b := newBroker(t, "allow_anonymous false\n") // no password file: everyone is refused
	b.start()
	_, err := Connect(context.Background(), Opts{Broker: b.url(), Robot: "kiri", User: "robot", Password: "wrong"})
	if err == nil || !refused(err) || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("Connect = %v, want a refusal that does not show the password", err)
	}
}

// proxy forwards TCP to the broker until cut, which drops every connection
// without an MQTT DISCONNECT, as a robot losing power or network would.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go io.Copy(up, c)
			go io.Copy(c, up)
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) url() string { return "tcp://" + p.ln.Addr().String() }

func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func TestLastWillSaysOffline(t *testing.T) {
	b := startBroker(t)
	status := station(t, b.url(), "kindred/kiri/status")
	p := newProxy(t, fmt.Sprintf("127.0.0.1:%d", b.port))
	runClient(t, Opts{Broker: p.url(), Robot: "kiri"})
	waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), `"status":"online"`) })
	p.cut()
	m := waitFor(t, status, func(m mqtt.Message) bool { return string(m.Payload()) == Offline })
	if m.Topic() != "kindred/kiri/status" {
		t.Errorf("will on %s", m.Topic())
	}
}

// A carer's acknowledgement goes where the alert went, so every station
// learns that someone is on the way.
func TestAcknowledgementReachesTheCaregiverStation(t *testing.T) {
	b := startBroker(t)
	alerts := station(t, b.url(), "kindred/+/alerts")
	status := station(t, b.url(), "kindred/kiri/status")
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri"})
	waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), `"status":"online"`) })
	c.Publish(journal.Acknowledgement{At: 70 * time.Second, By: "Mary", Person: "p-ana", AlertLevel: journal.LevelUrgent,
		Score: 8, Reason: "severe pain"})
	m := waitFor(t, alerts, func(mqtt.Message) bool { return true })
	if m.Topic() != "kindred/kiri/alerts" || m.Qos() != 1 || !strings.Contains(string(m.Payload()), `"level":"acknowledged"`) {
		t.Fatalf("topic %s qos %d payload %s", m.Topic(), m.Qos(), m.Payload())
	}
	rec, err := journal.Decode(m.Payload())
	if a, ok := rec.(journal.Acknowledgement); err != nil || !ok || a.By != "Mary" || a.AlertLevel != journal.LevelUrgent {
		t.Fatalf("acknowledgement payload %s: %v", m.Payload(), err)
	}
}

// The pain message carries the person's own rating beside what is seen
// and where it hurts (issue 16), so a carers' station shows "says 2,
// looks 6 · back".
func TestPainMessageCarriesTheSelfReport(t *testing.T) {
	b := startBroker(t)
	pain := station(t, b.url(), "kindred/kiri/humans/persons/+/pain")
	status := station(t, b.url(), "kindred/kiri/status")
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri"})
	waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), `"status":"online"`) })
	says, looks := 2, 6.0
	c.Publish(journal.Assessment{At: time.Second, Person: "p-ana", Score: 6, Band: perception.BandModerate,
		Says: &says, Looks: &looks, Places: []string{"back"}})
	m := waitFor(t, pain, func(mqtt.Message) bool { return true })
	rec, err := journal.Decode(m.Payload())
	a, ok := rec.(journal.Assessment)
	if err != nil || !ok || a.Says == nil || *a.Says != 2 || a.Looks == nil || *a.Looks != 6 || a.Shown() != "says 2, looks 6 · back" {
		t.Errorf("pain payload %s: %v", m.Payload(), err)
	}
}

// deafBroker accepts MQTT connections and answers CONNECT, SUBSCRIBE and
// PINGREQ, but never acknowledges a QoS 1 publish: a broker that has
// stopped working, or a network that swallows the robot's packets.
func deafBroker(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, conn)
			mu.Unlock()
			go func() {
				for {
					p, err := packets.ReadPacket(conn)
					if err != nil {
						return
					}
					var reply packets.ControlPacket
					switch p := p.(type) {
					case *packets.ConnectPacket:
						reply = packets.NewControlPacket(packets.Connack)
					case *packets.SubscribePacket:
						ack := packets.NewControlPacket(packets.Suback).(*packets.SubackPacket)
						ack.MessageID, ack.ReturnCodes = p.MessageID, []byte{1}
						reply = ack
					case *packets.PingreqPacket:
						reply = packets.NewControlPacket(packets.Pingresp)
					default: // PUBLISH: never a PUBACK
						continue
					}
					if reply.Write(conn) != nil {
						return
					}
				}
			}()
		}
	}()
	return "tcp://" + ln.Addr().String()
}

// Alerts the broker has not acknowledged when the run ends are lost to the
// carers' stations: the robot says how many, in one line naming the
// broker, and counts them (Undelivered), whether the broker is down or
// takes them without ever acknowledging. An alert published after Run has
// stopped is reported too. Without the report (lose doing nothing) every
// case fails.
func TestUndeliveredAlertsAtShutdownAreReported(t *testing.T) {
	for _, tc := range []struct {
		name   string
		broker func(t *testing.T) (url string, fail func())
		alerts int
		want   int // alerts not handed over
	}{
		{"broker acknowledges", func(t *testing.T) (string, func()) { return startBroker(t).url(), func() {} }, 3, 0},
		{"broker down", func(t *testing.T) (string, func()) { b := startBroker(t); return b.url(), b.stop }, 3, 3},
		{"broker never acknowledges", func(t *testing.T) (string, func()) { return deafBroker(t), func() {} }, 2, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, fail := tc.broker(t)
			var got tally
			c, stop := runClient(t, got.into(Opts{Broker: url, Robot: "kiri", ConnectTimeout: time.Second}))
			fail()
			for i := range tc.alerts {
				c.Publish(journal.Alert{At: time.Duration(i) * time.Second, Level: journal.LevelUrgent, Reason: "severe pain"})
			}
			if tc.want == 0 { // delivered before the stop
				deadline := time.Now().Add(10 * time.Second)
				for c.Stats().AlertsSent < uint64(tc.alerts) && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond) // waiting for the broker, not logic
				}
			}
			stop()
			want := fmt.Sprintf("fleet: %d alert(s) not handed to %s before shutdown", tc.want, url)
			got.mu.Lock()
			defer got.mu.Unlock()
			var said []string
			for _, l := range got.lines {
				if strings.Contains(l, "before shutdown") {
					said = append(said, l)
				}
			}
			switch {
			case tc.want == 0 && (len(said) > 0 || got.counted != 0):
				t.Errorf("every alert delivered, yet reported %q, counted %d", said, got.counted)
			case tc.want > 0 && (len(said) != 1 || said[0] != want):
				t.Errorf("reported %q, want one line %q", said, want)
			case got.counted != tc.want:
				t.Errorf("counted %d undelivered alerts, want %d", got.counted, tc.want)
			}
			if st := c.Stats(); st.AlertsUndelivered != uint64(tc.want) {
				t.Errorf("stats %+v", st)
			}
			got.mu.Unlock()
			c.Publish(journal.Alert{At: time.Minute, Level: journal.LevelUrgent, Reason: "after the end"})
			got.mu.Lock()
			if got.counted != tc.want+1 || !strings.Contains(got.lines[len(got.lines)-1], "1 alert(s) not handed to") {
				t.Errorf("an alert after Run stopped: counted %d (want %d), last line %q", got.counted, tc.want+1, got.lines[len(got.lines)-1])
			}
		})
	}
}

// A long broker outage fills the outbox (AlertBuffer), and no more: what
// comes beyond it is lost, said once on the log, counted one fault each
// (Undelivered) as it happens, and counted again in one line as Run ends;
// what the outbox held is undelivered at shutdown as before. Before, Run
// moved every alert from the channel into a slice that grew without bound
// for as long as the broker was away, and the outbox was never full: with
// the bound in queue switched off this test fails.
func TestFullOutboxLosesAlertsCounted(t *testing.T) {
	b := startBroker(t)
	var got tally
	c, stop := runClient(t, got.into(Opts{Broker: b.url(), Robot: "kiri", ConnectTimeout: time.Second, AlertBuffer: 4}))
	b.stop()
	for i := range 10 {
		c.Publish(journal.Alert{At: time.Duration(i) * time.Second, Level: journal.LevelUrgent, Reason: "severe pain"})
		time.Sleep(5 * time.Millisecond) // Run takes each from the channel meanwhile, as in a long outage
	}
	got.mu.Lock()
	if st := c.Stats(); st.AlertsLost != 6 || st.AlertsPending != 4 || got.counted != 6 {
		t.Errorf("outbox of 4, 10 alerts, broker away: stats %+v, %d counted; want 6 lost and counted, 4 pending", st, got.counted)
	}
	got.mu.Unlock()
	stop()
	got.mu.Lock()
	defer got.mu.Unlock()
	if got.counted != 10 {
		t.Errorf("counted %d faults, want 10: 6 lost to the full outbox, 4 undelivered at shutdown", got.counted)
	}
	full, end := 0, ""
	for _, l := range got.lines {
		if strings.Contains(l, "alert outbox full") {
			full++
		}
		if strings.Contains(l, "lost to a full outbox") {
			end = l
		}
	}
	want := fmt.Sprintf("fleet: 6 alert(s) lost to a full outbox (4 held) while %s was away", b.url())
	if full != 1 || end != want {
		t.Errorf("log %q: want the outbox full said once, and %q as Run ends", got.lines, want)
	}
}

// tally records what a client reports (Opts.Report) and counts as not
// handed over (Opts.Undelivered); tests read both under mu.
type tally struct {
	mu      sync.Mutex
	lines   []string
	counted int
}

// into returns o recording into t.
func (t *tally) into(o Opts) Opts {
	o.Report = func(err error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.lines = append(t.lines, err.Error())
	}
	o.Undelivered = func(n int) {
		t.mu.Lock()
		defer t.mu.Unlock()
		t.counted += n
	}
	return o
}
