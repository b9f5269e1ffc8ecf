package fleet

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/inputfile"
	"github.com/kindred-hri/kindred/internal/refusals"
	"github.com/kindred-hri/kindred/journal"
)

// Environment variables holding the broker credentials, the per-robot
// control key and a private CA for TLS brokers.
const (
	UserEnv     = "KINDRED_MQTT_USER"
	PasswordEnv = "KINDRED_MQTT_PASSWORD"
	KeyEnv      = "KINDRED_MQTT_KEY"
	CAEnv       = "KINDRED_MQTT_CA"
)

// Offline is the status payload when the robot is gone (last will) or stopped.
const Offline = "offline"

// Opts configure a fleet connection.
type Opts struct {
	Broker         string // tcp://host:port
	Robot          string // the robot's name from the config; a topic segment
	User, Password string
	ClientID       string        // default "kindred-<robot>-<random>", new on every start
	AlertBuffer    int           // alerts held while the broker is away, in all (default 1000); more are lost, and counted
	Controls       int           // capacity of the Controls channel (default 32)
	ConnectTimeout time.Duration // first connection (default 10 s)
	// Report is told about failures worth a log line (bad control messages
	// when ReportRefusals is not set, a full outbox), about connecting
	// anonymously, and about each loss and return of the broker; never
	// about credentials.
	Report func(error)
	// Connection, when set, is told instead of Report of each loss (up
	// false) and return (up true) of the broker, and of the broker
	// unreachable at Connect (false), and of a broker account that is not
	// the robot's name (false: under the README's ACL the broker drops the
	// robot's alerts): the run records them, so that a carer reading the
	// journal or the console knows when alerts could not reach the
	// stations. It must not block.
	Connection func(up bool, err error)
	// ReportRefusals, when set, is told of the control messages refused
	// instead of Report: malformed or badly signed, retained (ignored), or
	// not taken (the robot was not reading). The first is reported at once;
	// while more come, at most one call per RefusalEvery (default 10 s)
	// carries the count since the last call and the latest reason;
	// FlushRefusals reports the rest. It must not block.
	ReportRefusals func(n int, latest string)
	RefusalEvery   time.Duration

	// Control turns on commands from kindred/<robot>/control. Off, the robot
	// does not even subscribe. On, Validate requires credentials and TLS or Key.
	Control bool
	// Key is the per-robot shared key: when set, every control message must
	// be a signed envelope (see Sign); unsigned ones are refused.
	Key []byte
	// CAFile is a PEM file of CAs to trust for an ssl:// broker (default:
	// the system's roots).
	CAFile string
	Window time.Duration    // how far a signed command's ts may be from Now (default 30 s)
	Now    func() time.Time // the clock signed commands are checked against (default time.Now)
	// Pseudonyms gives each person the pseudonym published in their place
	// (default: random ones kept in memory for this run).
	Pseudonyms Pseudonyms
	// Undelivered is told how many messages of the alerts topic (alerts,
	// and carers' acknowledgements of them) the broker had not acknowledged
	// when Run stopped, or that came after, and of each that found the
	// outbox full (AlertBuffer held while the broker is away): they are
	// lost, and the run counts them as faults. Report gets a line saying so
	// first (the outbox full once, and the count as Run ends). Never called
	// with 0.
	Undelivered func(n int)
}

// Pseudonyms maps a person to their pseudonym; *journal.Journal is one.
type Pseudonyms interface {
	Pseudonym(ctx context.Context, person string) (string, error)
}

// OptsFromEnv fills the credentials, key and CA file from the environment.
func OptsFromEnv(broker, robot string) Opts {
	o := Opts{Broker: broker, Robot: robot, User: os.Getenv(UserEnv), Password: os.Getenv(PasswordEnv),
		CAFile: os.Getenv(CAEnv)}
	if k := os.Getenv(KeyEnv); k != "" {
		o.Key = []byte(k)
	}
	return o
}

// ErrUnsecured means control was asked for without what makes it safe.
var ErrUnsecured = errors.New("MQTT control is not secured")

// Validate checks the options without connecting: the broker URL, the
// robot name, and that control, when on, is authenticated (broker
// credentials) and protected (TLS, or a key that signs every command).
// Its errors say what to configure.
func (o Opts) Validate() error {
	u, err := url.Parse(o.Broker)
	if err != nil || u.Host == "" || (u.Scheme != "tcp" && u.Scheme != "mqtt" && !tlsScheme(u.Scheme)) {
		return fmt.Errorf("fleet: broker %q: want tcp://HOST:PORT or ssl://HOST:PORT", o.Broker)
	}
	// A port no broker can have is refused here: the client would retry it
	// for the whole run with every alert held.
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("fleet: broker %q: port %s is not 1..65535", o.Broker, p)
		}
	}
	if !validSegment(o.Robot) {
		return fmt.Errorf("fleet: robot name %q cannot be an MQTT topic segment", o.Robot)
	}
	if len(o.Key) > 0 && len(o.Key) < MinKeyLen {
		return fmt.Errorf("fleet: %s is shorter than %d characters (make one with: openssl rand -hex 32)", KeyEnv, MinKeyLen)
	}
	if o.CAFile != "" {
		if _, err := o.tlsConfig(); err != nil {
			return err
		}
	}
	if !o.Control {
		return nil
	}
	if o.User == "" || o.Password == "" {
		return fmt.Errorf("fleet: %w: set %s and %s to the robot's broker account", ErrUnsecured, UserEnv, PasswordEnv)
	}
	if !tlsScheme(u.Scheme) && len(o.Key) == 0 {
		return fmt.Errorf("fleet: %w: use an ssl:// broker URL or set %s to the robot's shared key (openssl rand -hex 32)",
			ErrUnsecured, KeyEnv)
	}
	return nil
}

func tlsScheme(s string) bool { return s == "ssl" || s == "tls" || s == "mqtts" }

// tlsConfig trusts CAFile's certificates, or the system's when unset.
func (o Opts) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CAFile == "" {
		return cfg, nil
	}
	pem, err := inputfile.ReadFile(o.CAFile, inputfile.MaxConfig) // a bundle of every public root is about 200 KB
	if err != nil {
		return nil, fmt.Errorf("fleet: %s: %w", CAEnv, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("fleet: %s %s: no PEM certificate in it", CAEnv, o.CAFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
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

// Client is a robot's connection to the fleet broker.
type Client struct {
	opts   Opts
	mc     mqtt.Client
	prefix string
	alerts chan []byte
	// pains and statusKick hand assessments and the new status to Run,
	// which alone calls the broker: paho's Publish can wait up to its
	// 30 s write timeout when the connection dies under it, and the
	// callers are the companion's record fan-out, which must not block.
	pains      chan pain
	statusKick chan struct{}
	connects   chan struct{}
	controls   chan behavior.Command
	subbed     chan error             // the first subscription's outcome
	status     atomic.Pointer[[]byte] // the retained status, re-sent on every connection
	// beforeBlank, for tests, runs as Run is about to set the bare status:
	// where a status published at the same moment lands.
	beforeBlank func()
	verify      *verifier // nil unless Key is set
	pseud       pseudonymCache
	connectN    atomic.Int64 // connections so far: every one after the first is logged as the broker's return

	needConnect bool // the first connection failed: Run retries it (owned by Run after Connect)

	painSent, painDropped, alertsSent, alertsLost atomic.Uint64
	controlsIn, controlsBad, controlsDropped      atomic.Uint64
	controlsRetained                              atomic.Uint64
	pending                                       atomic.Int64
	undelivered                                   atomic.Uint64
	stopMu                                        sync.Mutex // orders queue against Run's stop
	stopped                                       bool       // Run has stopped: the outbox is gone (under stopMu)
	reportOnce                                    onceTexts  // the problem texts reported
	outboxFullSaid                                atomic.Bool
	reported                                      atomic.Int64
	refusals                                      *refusals.Coalescer // refused control messages, for ReportRefusals
}

// newClient is a client of o, defaults filled in, not yet connected.
func newClient(o Opts) *Client {
	c := &Client{
		opts:       o,
		prefix:     "kindred/" + o.Robot + "/",
		alerts:     make(chan []byte, o.AlertBuffer),
		pains:      make(chan pain, painBuffer),
		statusKick: make(chan struct{}, 1),
		connects:   make(chan struct{}, 1),
		subbed:     make(chan error, 1),
		controls:   make(chan behavior.Command, o.Controls),
		pseud:      pseudonymCache{store: o.Pseudonyms},
		refusals:   refusals.New(o.RefusalEvery, o.ReportRefusals),
	}
	if len(o.Key) > 0 {
		c.verify = newVerifier(o.Key, o.Robot, o.Window, o.Now)
	}
	return c
}

// pain is an assessment to publish, QoS 0, on its person's topic.
type pain struct {
	topic string
	b     []byte
}

// painBuffer bounds the assessments waiting for Run; more are dropped
// (counted): the next one supersedes them.
const painBuffer = 64

// Connect validates opts and connects, waiting for the first connection
// until ctx ends or ConnectTimeout passes. Later outages reconnect by
// themselves; alerts wait in the outbox meanwhile. Start Run next.
func Connect(ctx context.Context, o Opts) (*Client, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if o.ClientID == "" {
		o.ClientID = ClientID(o.Robot)
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.Now == nil {
		o.Now = time.Now
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
	c := newClient(o)
	mo := mqtt.NewClientOptions().AddBroker(o.Broker).SetClientID(o.ClientID).
		SetUsername(o.User).SetPassword(o.Password).
		SetWill(c.prefix+"status", Offline, 1, true).
		SetAutoReconnect(true).SetMaxReconnectInterval(5 * time.Second).
		SetConnectTimeout(o.ConnectTimeout).SetKeepAlive(30 * time.Second).
		SetCleanSession(true).SetOrderMatters(true). // commands keep their order; onControl never blocks
		SetOnConnectHandler(c.onConnect).SetConnectionLostHandler(c.onLost)
	if u, _ := url.Parse(o.Broker); tlsScheme(u.Scheme) {
		tc, err := o.tlsConfig()
		if err != nil {
			return nil, err
		}
		mo.SetTLSConfig(tc)
	}
	if o.User == "" {
		// The broker may allow it, but then anyone on the network can read
		// pain data and publish as this robot.
		c.say(fmt.Errorf("fleet: connecting to %s anonymously: set %s and %s, and allow_anonymous false on the broker",
			o.Broker, UserEnv, PasswordEnv))
	} else if o.User != o.Robot {
		// The care home's ACL (README, "A care home") lets an account write
		// only under kindred/<account>/. Under another robot name the
		// broker drops the robot's status and alerts, and an MQTT 3.1.1
		// broker still acknowledges each (a PUBACK has no reason code
		// before MQTT 5, §3.4.2.1), so the robot cannot see them go.
		c.connection(false, fmt.Errorf("fleet: the broker account %q is not the robot's name %q: a broker set up as the README's care home "+
			"drops every alert and status this robot publishes, and the robot cannot tell; set robot.name to %q, "+
			"or the account to the robot's name", o.User, o.Robot, o.User))
	}
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
		c.connectN.Store(1) // so that the first connection is logged as the broker's return
		c.connection(false, fmt.Errorf("fleet: %s unreachable (%v); retrying, alerts are held", o.Broker, err))
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

// ClientID makes a client ID for robot that is new on every start: a
// broker drops the older of two connections with one ID (MQTT 3.1.1
// §3.1.4), so a fixed, guessable ID lets any client silently knock the
// robot off. Anyone who learns this one still can, but the robot then logs
// the loss (onLost).
func ClientID(robot string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on Linux (Go ≥1.24 panics instead)
	return "kindred-" + robot + "-" + hex.EncodeToString(b[:])
}

// onLost logs every loss of the broker, so a takeover of the client ID or a
// flapping network is visible in the robot's log.
func (c *Client) onLost(_ mqtt.Client, err error) {
	c.connection(false, fmt.Errorf("fleet: lost the broker %s (%v); reconnecting, alerts are held", c.opts.Broker, err))
}

// onConnect runs on every (re)connection: a clean session forgets
// subscriptions, so subscribe again, and wake Run to flush the outbox.
// Control off, the robot does not subscribe at all.
func (c *Client) onConnect(mc mqtt.Client) {
	if c.connectN.Add(1) > 1 {
		c.connection(true, fmt.Errorf("fleet: broker %s is back", c.opts.Broker))
	}
	var err error
	if c.opts.Control {
		tok := mc.Subscribe(c.prefix+"control", 1, c.onControl)
		err = errors.New("timed out")
		if tok.WaitTimeout(c.opts.ConnectTimeout) {
			err = tok.Error()
		}
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
	if m.Retained() {
		// A retained command would be obeyed again at every start (an
		// opt_out left on the broker silences pain monitoring for good).
		c.controlsRetained.Add(1)
		c.refuse(m.Topic(), errors.New("ignoring retained control messages; clear them with an empty retained publish"))
		return
	}
	ctl, err := c.openControl(m.Payload())
	if err != nil {
		c.controlsBad.Add(1)
		c.refuse(m.Topic(), err)
		return
	}
	c.controlsIn.Add(1)
	select {
	case c.controls <- ctl:
	default:
		c.controlsDropped.Add(1)
		c.refuse(m.Topic(), errors.New("the robot is not taking commands right now"))
	}
}

// refuse tells of a control message not passed on: to ReportRefusals,
// coalesced, when set (every refused command is a recorded fault); else
// a log line through Report, each distinct problem once (reportControl).
func (c *Client) refuse(topic string, err error) {
	if c.opts.ReportRefusals != nil {
		c.refusals.Note(err.Error())
		return
	}
	c.reportControl(fmt.Errorf("fleet: %s: %w", topic, err))
}

// FlushRefusals reports, through Opts.ReportRefusals, the refused control
// messages not yet reported, at once. Call it before the session's record
// ends so the last of a flood is counted too.
func (c *Client) FlushRefusals() { c.refusals.Flush() }

// openControl reads one control message: a signed envelope when the robot
// has a key, else the console's schema as it is (TLS and the broker's
// credentials and ACL are then what authenticates the sender).
func (c *Client) openControl(payload []byte) (behavior.Command, error) {
	if c.verify != nil {
		return c.verify.open(payload)
	}
	return journal.ParseControl(payload)
}

// say logs every occurrence (connection events); report logs each distinct
// problem once.
func (c *Client) say(err error) {
	if c.opts.Report != nil {
		c.opts.Report(err)
	}
}

// connection tells Opts.Connection of a loss or return of the broker,
// or Report when it is not set.
func (c *Client) connection(up bool, err error) {
	if c.opts.Connection != nil {
		c.opts.Connection(up, err)
		return
	}
	c.say(err)
}

func (c *Client) report(err error) {
	if c.opts.Report == nil {
		return
	}
	switch c.reportOnce.first(err.Error()) {
	case textNew:
		c.opts.Report(err)
	case textLast:
		c.opts.Report(fmt.Errorf("%w (the last new fleet problem reported; later ones are only counted)", err))
	}
}

// maxReportTexts bounds the distinct problem texts a client remembers, so
// as to report each once. A broker whose errors carry a port, a time or a
// counter gives a new text on every retry, and a run lasts days: beyond
// this many, new texts are counted (Stats.ProblemsUnreported), not
// reported or kept.
const maxReportTexts = 256

// onceTexts is the set of problem texts reported, at most maxReportTexts
// of them. Its zero value is empty.
type onceTexts struct {
	mu         sync.Mutex
	seen       map[string]struct{}
	unreported atomic.Uint64 // new texts beyond the bound
}

type textVerdict int

const (
	textSeen textVerdict = iota // reported before, or beyond the bound
	textNew                     // report it
	textLast                    // report it, and say later ones are only counted
)

// first says whether text is new, and remembers it while there is room.
func (o *onceTexts) first(text string) textVerdict {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.seen[text]; ok {
		return textSeen
	}
	if len(o.seen) >= maxReportTexts {
		o.unreported.Add(1)
		return textSeen
	}
	if o.seen == nil {
		o.seen = map[string]struct{}{}
	}
	o.seen[text] = struct{}{}
	if len(o.seen) == maxReportTexts {
		return textLast
	}
	return textNew
}

// has says whether text was reported.
func (o *onceTexts) has(text string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := o.seen[text]
	return ok
}

// reportControl reports a refused control message, each distinct problem
// once and at most maxReports of them: a sender varying a bad command's
// fields would otherwise make every line new and fill log and memory.
func (c *Client) reportControl(err error) {
	if c.reported.Load() >= maxReports {
		return
	}
	if c.reportOnce.has(err.Error()) {
		return
	}
	if c.reported.Add(1) == maxReports {
		err = fmt.Errorf("%w (the last bad control message reported; later ones are only counted)", err)
	}
	c.report(err)
}

// maxReports bounds the refused control messages reported in one run.
const maxReports = 100

// Controls delivers commands that arrived on kindred/<robot>/control.
func (c *Client) Controls() <-chan behavior.Command { return c.controls }

// Publish sends a record: assessments to the person's pain topic (QoS 0,
// skipped while disconnected), alerts and carers' acknowledgements of them
// through the outbox (QoS 1, never dropped unless the outbox is full).
// Other kinds are not fleet business. The person's ID is replaced by their
// pseudonym in topic and payload. It never blocks, except for the first
// record about a person, when the pseudonym store is asked once: Run alone
// calls the broker, assessments reaching it through a queue of painBuffer
// (more are dropped and counted while Run is held up).
func (c *Client) Publish(r journal.Record) error {
	switch v := r.(type) {
	case journal.Assessment:
		v.Person = c.pseudonym(v.Person)
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		if !c.mc.IsConnectionOpen() {
			c.painDropped.Add(1)
			return nil
		}
		select {
		case c.pains <- pain{topic: c.prefix + "humans/persons/" + segment(v.Person) + "/pain", b: b}:
		default:
			c.painDropped.Add(1) // Run is held up by the broker; the next one supersedes it
		}
	case journal.Alert:
		v.Person = c.pseudonym(v.Person)
		return c.queue(v)
	case journal.Acknowledgement: // reads "level":"acknowledged" on the alerts topic
		v.Person = c.pseudonym(v.Person)
		return c.queue(v)
	}
	return nil
}

// queue puts an alert or an acknowledgement in the outbox (QoS 1).
func (c *Client) queue(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	c.stopMu.Lock()
	defer c.stopMu.Unlock()
	if c.stopped {
		c.lose(1) // Run has stopped: nothing would ever send it
		return nil
	}
	// The outbox holds AlertBuffer in all: Run moves alerts from the
	// channel to its own list, so the channel alone would bound nothing
	// while Run keeps up, and the list would grow for as long as the broker
	// is away.
	if c.pending.Load() < int64(c.opts.AlertBuffer) {
		select {
		case c.alerts <- b:
			c.pending.Add(1)
			return nil
		default:
		}
	}
	c.alertsLost.Add(1)
	// Said once, and apart from the bounded set of problem texts: a
	// broker's many error texts must not keep this line from the log.
	if c.opts.Report != nil && c.outboxFullSaid.CompareAndSwap(false, true) {
		c.opts.Report(errors.New("fleet: alert outbox full; alerts are being lost"))
	}
	if c.opts.Undelivered != nil {
		c.opts.Undelivered(1) // a fault of the run, as one undelivered at shutdown is
	}
	return nil
}

// lose reports n alerts the broker never acknowledged and never will: the
// run is over, so a carers' station may not have heard of them.
func (c *Client) lose(n int) {
	if n == 0 {
		return
	}
	c.undelivered.Add(uint64(n))
	c.say(fmt.Errorf("fleet: %d alert(s) not handed to %s before shutdown", n, c.opts.Broker))
	if c.opts.Undelivered != nil {
		c.opts.Undelivered(n)
	}
}

// PublishStatus replaces the retained status; Run sends it. It never
// blocks, except for the first record about a person, as Publish.
func (c *Client) PublishStatus(s Status) error {
	b, err := c.statusMessage(s)
	if err != nil {
		return err
	}
	c.status.Store(&b)
	c.kickStatus()
	return nil
}

// statusMessage is the retained status message for s.
func (c *Client) statusMessage(s Status) ([]byte, error) {
	s.Status, s.Robot = "online", c.opts.Robot
	s.Person = c.pseudonym(s.Person)
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return b, nil
}

func (c *Client) kickStatus() {
	select {
	case c.statusKick <- struct{}{}: // Run sends the latest; onConnect on every connection
	default:
	}
}

// retryEvery is how often a failed alert or connection is tried again.
const retryEvery = time.Second

// abandonAfter is how long an alert may wait for its acknowledgement
// before it is published again.
const abandonAfter = 30 * time.Second

// Run delivers alerts one at a time, in order, until the broker
// acknowledges each; on ctx end it marks the robot offline and disconnects.
func (c *Client) Run(ctx context.Context) error {
	// A bare "online" unless a status was published before Run, which is
	// newer news: swapped in only over none, since a status the engine
	// publishes while Run starts (a check, then a Store) was overwritten
	// by the bare one, and the fleet saw no state until the next change.
	blank, err := c.statusMessage(Status{})
	if err != nil {
		return err
	}
	if c.beforeBlank != nil {
		c.beforeBlank()
	}
	if c.status.CompareAndSwap(nil, &blank) {
		c.kickStatus()
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
		case p := <-c.pains:
			if c.mc.IsConnectionOpen() {
				c.mc.Publish(p.topic, 0, false, p.b)
				c.painSent.Add(1)
			} else {
				c.painDropped.Add(1)
			}
		case <-c.statusKick:
			if s := c.status.Load(); s != nil && c.mc.IsConnectionOpen() {
				c.mc.Publish(c.prefix+"status", 1, true, *s)
			}
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
			c.lose(c.drain(outbox, inflight))
			if n := c.alertsLost.Load(); n > 0 {
				c.say(fmt.Errorf("fleet: %d alert(s) lost to a full outbox (%d held) while %s was away", n, c.opts.AlertBuffer, c.opts.Broker))
			}
			if n := c.reportOnce.unreported.Load(); n > 0 {
				c.say(fmt.Errorf("fleet: %d more distinct problem(s) were not reported (the first %d were)", n, maxReportTexts))
			}
			tok := c.mc.Publish(c.prefix+"status", 1, true, Offline)
			tok.WaitTimeout(time.Second)
			c.mc.Disconnect(250)
			return nil
		}
	}
}

// shutdownGrace bounds how long stopping waits to hand pending alerts over.
const shutdownGrace = 2 * time.Second

// drain tries, within shutdownGrace, to deliver what is still pending,
// and returns how many the broker has not acknowledged. From its start,
// queue no longer fills the outbox but reports each new alert lost.
func (c *Client) drain(outbox [][]byte, inflight mqtt.Token) (left int) {
	c.stopMu.Lock()
	c.stopped = true
	for {
		select {
		case b := <-c.alerts:
			outbox = append(outbox, b)
			continue
		default:
		}
		break
	}
	c.stopMu.Unlock()
	deadline := time.Now().Add(shutdownGrace)
	for len(outbox) > 0 {
		wait := time.Until(deadline)
		if wait <= 0 || !c.mc.IsConnectionOpen() {
			return len(outbox)
		}
		if inflight == nil {
			inflight = c.mc.Publish(c.prefix+"alerts", 1, false, outbox[0])
		}
		if !inflight.WaitTimeout(wait) || inflight.Error() != nil {
			return len(outbox)
		}
		outbox, inflight = outbox[1:], nil
		c.pending.Add(-1)
		c.alertsSent.Add(1)
	}
	return 0
}
