package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/kindred-hri/kindred/journal"
)

// Environment variables holding the broker credentials.
const (
	UserEnv     = "KINDRED_MQTT_USER"
	PasswordEnv = "KINDRED_MQTT_PASSWORD"
)

// Offline is the status payload when the robot is gone (last will) or stopped.
const Offline = "offline"

// Opts configure a fleet connection.
type Opts struct {
	Broker         string // tcp://host:port
	Robot          string // the robot's name from the config; a topic segment
	User, Password string
	ClientID       string        // default "kindred-<robot>"
	AlertBuffer    int           // alerts held while the broker is away (default 1000)
	Controls       int           // capacity of the Controls channel (default 32)
	ConnectTimeout time.Duration // first connection (default 10 s)
	// Report is told about failures worth a log line (bad control messages,
	// a full outbox); never about credentials.
	Report func(error)
}

// OptsFromEnv fills the credentials from the environment.
func OptsFromEnv(broker, robot string) Opts {
	return Opts{Broker: broker, Robot: robot, User: os.Getenv(UserEnv), Password: os.Getenv(PasswordEnv)}
}

// Status is the retained status message while online.
type Status struct {
	Status  string  `json:"status"` // "online"
	Robot   string  `json:"robot"`
	State   string  `json:"state,omitempty"`
	Person  string  `json:"person,omitempty"`
	Session string  `json:"session,omitempty"`
	At      float64 `json:"at"` // session time, seconds
}

// Stats counts what happened to messages.
type Stats struct {
	PainSent, PainDropped   uint64 // assessments published / skipped while disconnected
	AlertsSent, AlertsLost  uint64 // alerts acknowledged by the broker / lost to a full outbox
	AlertsPending           int
	ControlsIn, ControlsBad uint64
	ControlsDropped         uint64 // the engine was not reading
}

// Client is a robot's connection to the fleet broker.
type Client struct {
	opts     Opts
	mc       mqtt.Client
	prefix   string
	alerts   chan []byte
	connects chan struct{}
	controls chan journal.Control
	subbed   chan error             // the first subscription's outcome
	status   atomic.Pointer[[]byte] // the retained status, re-sent on every connection

	needConnect bool // the first connection failed: Run retries it (owned by Run after Connect)

	painSent, painDropped, alertsSent, alertsLost atomic.Uint64
	controlsIn, controlsBad, controlsDropped      atomic.Uint64
	pending                                       atomic.Int64
	reportOnce                                    sync.Map // error text → reported
}

// Connect validates opts and connects, waiting for the first connection
// until ctx ends or ConnectTimeout passes. Later outages reconnect by
// themselves; alerts wait in the outbox meanwhile. Start Run next.
func Connect(ctx context.Context, o Opts) (*Client, error) {
	u, err := url.Parse(o.Broker)
	if err != nil || u.Host == "" || (u.Scheme != "tcp" && u.Scheme != "mqtt" && u.Scheme != "ssl" && u.Scheme != "tls") {
		return nil, fmt.Errorf("fleet: broker %q: want tcp://HOST:PORT", o.Broker)
	}
	if !validSegment(o.Robot) {
		return nil, fmt.Errorf("fleet: robot name %q cannot be an MQTT topic segment", o.Robot)
	}
	if o.ClientID == "" {
		o.ClientID = "kindred-" + o.Robot
	}
	if o.AlertBuffer <= 0 {
		o.AlertBuffer = 1000
	}
	if o.Controls <= 0 {
		o.Controls = 32
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	c := &Client{
		opts:     o,
		prefix:   "kindred/" + o.Robot + "/",
		alerts:   make(chan []byte, o.AlertBuffer),
		connects: make(chan struct{}, 1),
		subbed:   make(chan error, 1),
		controls: make(chan journal.Control, o.Controls),
	}
	mo := mqtt.NewClientOptions().AddBroker(o.Broker).SetClientID(o.ClientID).
		SetUsername(o.User).SetPassword(o.Password).
		SetWill(c.prefix+"status", Offline, 1, true).
		SetAutoReconnect(true).SetMaxReconnectInterval(5 * time.Second).
		SetConnectTimeout(o.ConnectTimeout).SetKeepAlive(30 * time.Second).
		SetCleanSession(true).SetOrderMatters(true). // commands keep their order; onControl never blocks
		SetOnConnectHandler(c.onConnect)
	c.mc = mqtt.NewClient(mo)
	tok := c.mc.Connect()
	select {
	case <-tok.Done():
	case <-ctx.Done():
		c.mc.Disconnect(0)
		return nil, fmt.Errorf("fleet: connect %s: %w", o.Broker, ctx.Err())
	case <-time.After(o.ConnectTimeout + time.Second):
		c.mc.Disconnect(0)
		return nil, fmt.Errorf("fleet: connect %s: timed out", o.Broker)
	}
	if err := tok.Error(); err != nil {
		if refused(err) {
			return nil, fmt.Errorf("fleet: connect %s: %w", o.Broker, err)
		}
		// The broker is away: the robot keeps caring, Run keeps trying and
		// holds alerts until it is back.
		c.needConnect = true
		c.report(fmt.Errorf("fleet: %s unreachable (%v); retrying, alerts are held", o.Broker, err))
		return c, nil
	}
	// Commands sent right after Connect returns must not be missed.
	select {
	case err := <-c.subbed:
		if err != nil {
			c.mc.Disconnect(0)
			return nil, fmt.Errorf("fleet: subscribe %scontrol: %w", c.prefix, err)
		}
	case <-ctx.Done():
		c.mc.Disconnect(0)
		return nil, fmt.Errorf("fleet: subscribe: %w", ctx.Err())
	}
	return c, nil
}

// refused says whether the broker turned the robot away (credentials,
// client ID, protocol): a configuration error, not an outage.
func refused(err error) bool {
	for _, r := range []error{packets.ErrorRefusedBadUsernameOrPassword, packets.ErrorRefusedNotAuthorised,
		packets.ErrorRefusedIDRejected, packets.ErrorRefusedBadProtocolVersion} {
		if errors.Is(err, r) {
			return true
		}
	}
	return false
}

// validSegment: non-empty, no wildcards or separators.
func validSegment(s string) bool {
	return s != "" && !strings.ContainsAny(s, "/+#\x00")
}

// segment makes a person ID safe as a topic segment.
func segment(s string) string {
	if s == "" {
		return "unknown"
	}
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '+' || r == '#' || r == 0 {
			return '_'
		}
		return r
	}, s)
}

// onConnect runs on every (re)connection: a clean session forgets
// subscriptions, so subscribe again, and wake Run to flush the outbox.
func (c *Client) onConnect(mc mqtt.Client) {
	tok := mc.Subscribe(c.prefix+"control", 1, c.onControl)
	err := errors.New("timed out")
	if tok.WaitTimeout(c.opts.ConnectTimeout) {
		err = tok.Error()
	}
	select {
	case c.subbed <- err:
	default:
	}
	if s := c.status.Load(); s != nil {
		mc.Publish(c.prefix+"status", 1, true, *s)
	}
	select {
	case c.connects <- struct{}{}:
	default:
	}
}

func (c *Client) onControl(_ mqtt.Client, m mqtt.Message) {
	ctl, err := journal.ParseControl(m.Payload())
	if err != nil {
		c.controlsBad.Add(1)
		c.report(fmt.Errorf("fleet: %s: %w", m.Topic(), err))
		return
	}
	c.controlsIn.Add(1)
	select {
	case c.controls <- ctl:
	default:
		c.controlsDropped.Add(1)
	}
}

func (c *Client) report(err error) {
	if c.opts.Report == nil {
		return
	}
	if _, seen := c.reportOnce.LoadOrStore(err.Error(), true); !seen {
		c.opts.Report(err)
	}
}

// Controls delivers commands that arrived on kindred/<robot>/control.
func (c *Client) Controls() <-chan journal.Control { return c.controls }

// Publish sends a record: assessments to the person's pain topic (QoS 0,
// skipped while disconnected), alerts and carers' acknowledgements of them
// through the outbox (QoS 1, never dropped unless the outbox is full).
// Other kinds are not fleet business.
// It never blocks.
func (c *Client) Publish(r journal.Record) error {
	switch v := r.(type) {
	case journal.Assessment:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		if !c.mc.IsConnectionOpen() {
			c.painDropped.Add(1)
			return nil
		}
		c.mc.Publish(c.prefix+"humans/persons/"+segment(v.Person)+"/pain", 0, false, b)
		c.painSent.Add(1)
	case journal.Alert, journal.Acknowledgement: // an acknowledgement reads "level":"acknowledged"
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		select {
		case c.alerts <- b:
			c.pending.Add(1)
		default:
			c.alertsLost.Add(1)
			c.report(errors.New("fleet: alert outbox full; alerts are being lost"))
		}
	}
	return nil
}

// PublishStatus replaces the retained status.
func (c *Client) PublishStatus(s Status) error {
	s.Status, s.Robot = "online", c.opts.Robot
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	c.status.Store(&b)
	if c.mc.IsConnectionOpen() {
		c.mc.Publish(c.prefix+"status", 1, true, b)
	} // else onConnect sends it
	return nil
}

// Stats reports the counters.
func (c *Client) Stats() Stats {
	return Stats{PainSent: c.painSent.Load(), PainDropped: c.painDropped.Load(), AlertsSent: c.alertsSent.Load(),
		AlertsLost: c.alertsLost.Load(), AlertsPending: int(c.pending.Load()), ControlsIn: c.controlsIn.Load(),
		ControlsBad: c.controlsBad.Load(), ControlsDropped: c.controlsDropped.Load()}
}

// retryEvery is how often a failed alert or connection is tried again.
const retryEvery = time.Second

// abandonAfter is how long an alert may wait for its acknowledgement
// before it is published again.
const abandonAfter = 30 * time.Second

// Run delivers alerts one at a time, in order, until the broker
// acknowledges each; on ctx end it marks the robot offline and disconnects.
func (c *Client) Run(ctx context.Context) error {
	if err := c.PublishStatus(Status{}); err != nil {
		return err
	}
	var outbox [][]byte // owned here; the channel is its bounded front
	var inflight mqtt.Token
	var inflightSince time.Time
	var done <-chan struct{}
	var connecting <-chan struct{}
	var connectTok mqtt.Token
	mayConnect := true // at most one connection attempt per retry tick
	retry := time.NewTicker(retryEvery)
	defer retry.Stop()
	for {
		if c.needConnect && mayConnect && connecting == nil && !c.mc.IsConnectionOpen() {
			mayConnect = false
			connectTok = c.mc.Connect()
			connecting = connectTok.Done()
		}
		if inflight == nil && len(outbox) > 0 && c.mc.IsConnectionOpen() {
			inflight, inflightSince = c.mc.Publish(c.prefix+"alerts", 1, false, outbox[0]), time.Now()
			done = inflight.Done()
		}
		select {
		case b := <-c.alerts:
			outbox = append(outbox, b)
		case <-done:
			if inflight.Error() == nil {
				outbox = outbox[1:]
				c.pending.Add(-1)
				c.alertsSent.Add(1)
			}
			inflight, done = nil, nil
		case <-connecting:
			if err := connectTok.Error(); err == nil {
				c.needConnect = false // from now on paho reconnects by itself
			} else if refused(err) {
				c.report(fmt.Errorf("fleet: %s: %w", c.opts.Broker, err))
			}
			connecting, connectTok = nil, nil
		case <-c.connects:
		case <-retry.C:
			mayConnect = true
			if inflight != nil && time.Since(inflightSince) > abandonAfter {
				// Never acknowledged (the session that held it is gone):
				// send it again. A carer may see it twice; never not at all.
				inflight, done = nil, nil
			}
		case <-ctx.Done():
			c.drain(outbox, inflight)
			tok := c.mc.Publish(c.prefix+"status", 1, true, Offline)
			tok.WaitTimeout(time.Second)
			c.mc.Disconnect(250)
			return nil
		}
	}
}

// shutdownGrace bounds how long stopping waits to hand pending alerts over.
const shutdownGrace = 2 * time.Second

// drain tries, within shutdownGrace, to deliver what is still pending.
func (c *Client) drain(outbox [][]byte, inflight mqtt.Token) {
	deadline := time.Now().Add(shutdownGrace)
	for {
		select {
		case b := <-c.alerts:
			outbox = append(outbox, b)
			continue
		default:
		}
		break
	}
	for len(outbox) > 0 {
		left := time.Until(deadline)
		if left <= 0 || !c.mc.IsConnectionOpen() {
			return
		}
		if inflight == nil {
			inflight = c.mc.Publish(c.prefix+"alerts", 1, false, outbox[0])
		}
		if !inflight.WaitTimeout(left) || inflight.Error() != nil {
			return
		}
		outbox, inflight = outbox[1:], nil
		c.pending.Add(-1)
		c.alertsSent.Add(1)
	}
}
