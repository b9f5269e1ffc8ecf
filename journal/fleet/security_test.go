package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
)

// account is a broker user.
type account struct{ user, password string }

var (
	robotAccount      = account{"kiri", "kiri-secret"}
	stationAccount    = account{"station", "station-secret"}
	supervisorAccount = account{"supervisor", "supervisor-secret"}
)

// readmeACL is the Mosquitto acl_file the README gives a care home, so the
// test checks what deployers copy.
func readmeACL(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```\n# acl_file:")
	if !ok {
		t.Fatal("README has no acl_file block")
	}
	body, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README's acl_file block is not closed")
	}
	return "#" + body
}

// careHome starts a broker set up as the README says: no anonymous
// clients, a password file, the README's ACL. extra adds configuration.
func careHome(t *testing.T, extra string) *broker {
	t.Helper()
	b := newBroker(t, "")
	if _, err := exec.LookPath("mosquitto_passwd"); err != nil {
		t.Skip("mosquitto_passwd not installed")
	}
	pw := filepath.Join(b.dir, "passwd")
	for i, a := range []account{robotAccount, stationAccount, supervisorAccount} {
		args := []string{"-b", pw, a.user, a.password}
		if i == 0 {
			args = append([]string{"-c"}, args...)
		}
		if out, err := exec.Command("mosquitto_passwd", args...).CombinedOutput(); err != nil {
			t.Fatalf("mosquitto_passwd: %v: %s", err, out)
		}
	}
	acl := filepath.Join(b.dir, "acl")
	if err := os.WriteFile(acl, []byte(readmeACL(t)), 0o600); err != nil {
		t.Fatal(err)
	}
	b.extra = fmt.Sprintf("allow_anonymous false\npassword_file %s\nacl_file %s\n%s", pw, acl, extra)
	b.start()
	return b
}

// dial connects a plain MQTT client as a (empty: anonymous).
func dial(t *testing.T, url, id string, a account) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID(id).
		SetUsername(a.user).SetPassword(a.password).SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("%s connect: %v", id, tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// subscribe is a client reading topic as a.
func subscribe(t *testing.T, url string, a account, topic string) <-chan mqtt.Message {
	t.Helper()
	got := make(chan mqtt.Message, 100)
	c := dial(t, url, fmt.Sprintf("sub-%s-%d", a.user, time.Now().UnixNano()), a)
	if tok := c.Subscribe(topic, 1, func(_ mqtt.Client, m mqtt.Message) { got <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", topic, tok.Error())
	}
	return got
}

func publish(t *testing.T, c mqtt.Client, topic string, retained bool, payload []byte) {
	t.Helper()
	if tok := c.Publish(topic, 1, retained, payload); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

func sign(t *testing.T, key []byte, cmd string, at time.Time) []byte {
	t.Helper()
	b, err := Sign(key, "kiri", []byte(cmd), at)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// reports collects a client's log lines without blocking it.
type reports chan string

func (r reports) report(err error) {
	select {
	case r <- err.Error():
	default:
	}
}

// drain returns what was reported so far.
func (r reports) drain() []string {
	var out []string
	for {
		select {
		case s := <-r:
			out = append(out, s)
		default:
			return out
		}
	}
}

// waitReport waits for a report containing want and returns the ones before it.
func (r reports) wait(t *testing.T, want string) []string {
	t.Helper()
	var before []string
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s := <-r:
			if strings.Contains(s, want) {
				return before
			}
			before = append(before, s)
		case <-timeout:
			t.Fatalf("no report containing %q; got %q", want, before)
		}
	}
}

func nextControl(t *testing.T, c *Client) behavior.Command {
	t.Helper()
	select {
	case ctl := <-c.Controls():
		return ctl
	case <-time.After(20 * time.Second):
		t.Fatal("no control arrived")
		return behavior.Command{}
	}
}

func robotOpts(url string, rep reports) Opts {
	return Opts{Broker: url, Robot: "kiri", User: robotAccount.user, Password: robotAccount.password,
		Control: true, Key: testKey, Report: rep.report}
}

// Off unless enabled: a robot without Control never subscribes to its
// control topic (the broker's own log says who subscribed to what).
func TestControlIsOffUnlessEnabled(t *testing.T) {
	for _, control := range []bool{false, true} {
		t.Run(fmt.Sprint("control=", control), func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "mosquitto.log")
			b := careHome(t, fmt.Sprintf("log_type subscribe\nlog_dest file %s\n", log))
			status := subscribe(t, b.url(), stationAccount, "kindred/kiri/status")
			o := robotOpts(b.url(), make(reports, 100))
			o.Control = control
			_, stop := runClient(t, o)
			// The status is published after the subscription, in the same handler.
			waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "online") })
			stop()
			b.stop() // mosquitto has written its log
			data, err := os.ReadFile(log)
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(data), "kindred/kiri/control"); got != control {
				t.Errorf("subscribed to control: %v, want %v; broker log:\n%s", got, control, data)
			}
		})
	}
}

// What a robot with control on demands, and the line it says when it is missing.
func TestControlNeedsCredentialsAndTLSOrAKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Opts
		want string // "" accepted; else in the error
	}{
		{"off, anonymous", Opts{Broker: "tcp://b:1883", Robot: "kiri"}, ""},
		{"on, anonymous", Opts{Broker: "tcp://b:1883", Robot: "kiri", Control: true, Key: testKey}, "KINDRED_MQTT_USER"},
		{"on, no password", Opts{Broker: "ssl://b:8883", Robot: "kiri", Control: true, User: "kiri"}, "KINDRED_MQTT_PASSWORD"},
		{"on, plain tcp without key", Opts{Broker: "tcp://b:1883", Robot: "kiri", Control: true, User: "kiri", Password: "p"}, "KINDRED_MQTT_KEY"},
		{"on, tcp with key", Opts{Broker: "tcp://b:1883", Robot: "kiri", Control: true, User: "kiri", Password: "p", Key: testKey}, ""},
		{"on, ssl", Opts{Broker: "ssl://b:8883", Robot: "kiri", Control: true, User: "kiri", Password: "p"}, ""},
		{"short key", Opts{Broker: "tcp://b:1883", Robot: "kiri", Key: []byte("short")}, "shorter than 32"},
		{"missing CA file", Opts{Broker: "ssl://b:8883", Robot: "kiri", CAFile: "/nonexistent/ca.pem"}, "KINDRED_MQTT_CA"},
		// A port no broker has: retried for the whole run, every alert held.
		{"port out of range", Opts{Broker: "tcp://b:99999", Robot: "kiri"}, "port 99999 is not 1..65535"},
		{"port 0", Opts{Broker: "tcp://b:0", Robot: "kiri"}, "port 0 is not 1..65535"},
	} {
		err := tc.o.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is more than one line", tc.name)
		}
	}
}

// With a key, only freshly signed, never replayed commands for this robot
// reach the engine; everything else is counted as bad.
func TestSignedControlsOverTheBroker(t *testing.T) {
	b := careHome(t, "")
	rep := make(reports, 100)
	c, _ := runClient(t, robotOpts(b.url(), rep))
	sup := dial(t, b.url(), "supervisor-1", supervisorAccount)
	now := time.Now()
	replayed := sign(t, testKey, `{"cmd":"mimicry","gain":0.3}`, now)
	for _, p := range [][]byte{
		[]byte(`{"cmd":"pause"}`),                                    // unsigned
		sign(t, otherKey, `{"cmd":"pause"}`, now),                    // someone else's key
		sign(t, testKey, `{"cmd":"pause"}`, now.Add(-2*time.Minute)), // captured long ago
		replayed,
		replayed,
		[]byte(strings.Replace(string(sign(t, testKey, `{"cmd":"say","text":"hello"}`, now)), "hello", "HELLO", 1)), // altered
		sign(t, testKey, `{"cmd":"opt_in"}`, now),
	} {
		publish(t, sup, "kindred/kiri/control", false, p)
	}
	if ctl := nextControl(t, c); ctl.Cmd != behavior.CmdMimicry || *ctl.Gain != 0.3 {
		t.Errorf("first control %+v", ctl)
	}
	if ctl := nextControl(t, c); ctl.Cmd != behavior.CmdOptIn {
		t.Errorf("second control %+v", ctl)
	}
	if st := c.Stats(); st.ControlsIn != 2 || st.ControlsBad != 5 {
		t.Errorf("stats %+v, want 2 in, 5 bad", st)
	}
	for _, r := range rep.drain() {
		if strings.Contains(r, "anonymous") {
			t.Errorf("a robot with credentials warned %q", r)
		}
	}
}

// A retained command is never obeyed: a retained opt_out would otherwise
// opt the person out at every start. The robot that starts after one was
// left on the broker takes only what is sent to it afterwards.
func TestRetainedControlIsIgnored(t *testing.T) {
	b := careHome(t, "")
	sup := dial(t, b.url(), "supervisor-1", supervisorAccount)
	publish(t, sup, "kindred/kiri/control", true, sign(t, testKey, `{"cmd":"opt_out"}`, time.Now()))
	rep := make(reports, 100)
	c, _ := runClient(t, robotOpts(b.url(), rep))
	// Connect returned after subscribing, so the broker has sent the
	// retained message before this one.
	publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"pause"}`, time.Now()))
	if ctl := nextControl(t, c); ctl.Cmd != behavior.CmdPause {
		t.Errorf("the robot obeyed %s", ctl.Cmd)
	}
	if st := c.Stats(); st.ControlsRetained != 1 || st.ControlsIn != 1 {
		t.Errorf("stats %+v, want 1 retained, 1 in", st)
	}
	var said int
	for _, r := range rep.drain() {
		if strings.Contains(r, "retained") {
			said++
		}
	}
	if said != 1 {
		t.Errorf("reported retained messages %d times, want once", said)
	}
}

// The robot's client ID is new at every start: a client connecting with
// the ID robots used to have (kindred-<robot>) no longer knocks it off.
// One that does learn the ID still can, but the robot logs the loss and
// the return.
func TestClientIDCannotBeTakenSilently(t *testing.T) {
	b := startBroker(t)
	alerts := subscribe(t, b.url(), account{}, "kindred/+/alerts")
	rep := make(reports, 100)
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri", Report: rep.report})
	if !regexp.MustCompile(`^kindred-kiri-[0-9a-f]{12}$`).MatchString(c.opts.ClientID) || c.opts.ClientID == ClientID("kiri") {
		t.Errorf("client ID %q: want kindred-kiri-<random>, new each start", c.opts.ClientID)
	}
	dial(t, b.url(), "kindred-kiri", account{})
	c.Publish(journal.Alert{At: time.Second, Reason: "after the impostor"})
	waitFor(t, alerts, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "after the impostor") })
	for _, r := range rep.drain() {
		if strings.Contains(r, "lost") {
			t.Fatalf("the robot was knocked off: %s", r)
		}
	}

	dial(t, b.url(), c.opts.ClientID, account{})
	rep.wait(t, "lost the broker")
	rep.wait(t, "is back")
}

func TestAnonymousConnectionWarns(t *testing.T) {
	b := startBroker(t)
	rep := make(reports, 100)
	runClient(t, Opts{Broker: b.url(), Robot: "kiri", Report: rep.report})
	got := rep.drain()
	if len(got) != 1 || !strings.Contains(got[0], "anonymously") || !strings.Contains(got[0], "KINDRED_MQTT_USER") {
		t.Errorf("reports %q, want one warning about connecting anonymously", got)
	}
}

// A subscriber to every person's pain, the alerts and the status sees a
// pseudonym, the one the journal keeps, never the person's name.
func TestTopicsCarryPseudonymsNeverNames(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for _, tc := range []struct {
		name  string
		store Pseudonyms
	}{{"journal", j}, {"no journal", nil}} {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t)
			pain := subscribe(t, b.url(), account{}, "kindred/+/humans/persons/+/pain")
			alerts := subscribe(t, b.url(), account{}, "kindred/+/alerts")
			status := subscribe(t, b.url(), account{}, "kindred/+/status")
			c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri", Pseudonyms: tc.store})
			c.Publish(journal.Assessment{At: time.Second, Person: "ada-lovelace", Score: 6, Band: perception.BandModerate})
			c.Publish(journal.Alert{At: time.Second, Person: "ada-lovelace", Level: journal.LevelUrgent, Reason: "severe pain"})
			c.PublishStatus(Status{State: "comforting", Person: "ada-lovelace"})

			var seen []mqtt.Message
			seen = append(seen, waitFor(t, pain, func(mqtt.Message) bool { return true }))
			seen = append(seen, waitFor(t, alerts, func(mqtt.Message) bool { return true }))
			seen = append(seen, waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "comforting") }))
			for _, m := range seen {
				for _, s := range []string{m.Topic(), string(m.Payload())} {
					if strings.Contains(strings.ToLower(s), "ada") || strings.Contains(strings.ToLower(s), "lovelace") {
						t.Errorf("the name went over the broker: %s %s", m.Topic(), m.Payload())
					}
				}
			}
			p := strings.Split(seen[0].Topic(), "/")[4]
			if !regexp.MustCompile(`^[a-z2-7]{12}$`).MatchString(p) {
				t.Errorf("pain topic %s: want a 12-character pseudonym", seen[0].Topic())
			}
			for _, m := range seen {
				var v struct{ Person string }
				if err := json.Unmarshal(m.Payload(), &v); err != nil || v.Person != p {
					t.Errorf("%s carries person %q, want the pain topic's %q", m.Topic(), v.Person, p)
				}
			}
			if tc.store != nil {
				if want, err := j.Pseudonym(ctx, "ada-lovelace"); err != nil || p != want {
					t.Errorf("published %q, the journal keeps %q (%v)", p, want, err)
				}
			}
		})
	}
}

// The README's care-home set-up, against a real Mosquitto with
// password_file and acl_file: anonymous and wrong passwords are refused,
// the robot publishes its own topics and no one else's, the station reads
// but cannot command, the supervisor can.
func TestCareHomeACL(t *testing.T) {
	b := careHome(t, "")
	for _, a := range []account{{}, {"kiri", "wrong"}} {
		_, err := Connect(context.Background(), Opts{Broker: b.url(), Robot: "kiri", User: a.user, Password: a.password})
		if err == nil || !refused(err) {
			t.Errorf("connecting as %q: %v, want refused", a.user, err)
		}
	}

	alerts := subscribe(t, b.url(), stationAccount, "kindred/+/alerts")
	pain := subscribe(t, b.url(), stationAccount, "kindred/+/humans/persons/+/pain")
	status := subscribe(t, b.url(), stationAccount, "kindred/+/status")
	c, _ := runClient(t, robotOpts(b.url(), make(reports, 100)))
	waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "online") })
	c.Publish(journal.Assessment{At: time.Second, Person: "p", Score: 4})
	waitFor(t, pain, func(m mqtt.Message) bool { return strings.HasPrefix(m.Topic(), "kindred/kiri/") })

	// The robot's account cannot speak for another robot: kobo's alert is
	// dropped by the broker, so kiri's, sent after it, arrives first.
	asKiri := dial(t, b.url(), "kiri-raw", robotAccount)
	publish(t, asKiri, "kindred/kobo/alerts", false, []byte(`{"type":"alert","reason":"forged"}`))
	c.Publish(journal.Alert{At: time.Second, Reason: "real"})
	if m := waitFor(t, alerts, func(mqtt.Message) bool { return true }); m.Topic() != "kindred/kiri/alerts" {
		t.Errorf("a robot published on %s: %s", m.Topic(), m.Payload())
	}

	// The station's signed command is dropped by the broker; the
	// supervisor's, sent after it, is the first the robot gets.
	st := dial(t, b.url(), "station-raw", stationAccount)
	publish(t, st, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"opt_out"}`, time.Now()))
	sup := dial(t, b.url(), "supervisor-raw", supervisorAccount)
	publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"pause"}`, time.Now()))
	if ctl := nextControl(t, c); ctl.Cmd != behavior.CmdPause {
		t.Errorf("the station's %s reached the robot", ctl.Cmd)
	}
	if s := c.Stats(); s.ControlsIn != 1 || s.ControlsBad != 0 {
		t.Errorf("stats %+v", s)
	}
}

// A sender varying its bad commands cannot flood the robot's log: distinct
// problems are reported up to maxReports, then only counted.
func TestBadControlReportsAreBounded(t *testing.T) {
	b := careHome(t, "")
	rep := make(reports, 2*maxReports)
	c, _ := runClient(t, robotOpts(b.url(), rep))
	sup := dial(t, b.url(), "supervisor-1", supervisorAccount)
	n := maxReports + 20
	for i := range n {
		// Signed, so each fails differently: an unknown field named i.
		bad := mustSeal(t, testKey, "kiri", fmt.Sprintf(`{"cmd":"pause","f%d":1}`, i), time.Now().Unix(), fmt.Sprint("n", i))
		publish(t, sup, "kindred/kiri/control", false, bad)
	}
	publish(t, sup, "kindred/kiri/control", false, sign(t, testKey, `{"cmd":"resume"}`, time.Now()))
	nextControl(t, c)
	if st := c.Stats(); st.ControlsBad != uint64(n) {
		t.Errorf("stats %+v, want %d bad", st, n)
	}
	if got := len(rep.drain()); got != maxReports {
		t.Errorf("%d lines reported, want %d", got, maxReports)
	}
}

// A robot whose broker account is not its name is told so as it connects:
// the README's ACL lets an account write only under kindred/<account>/,
// and the broker acknowledges the alerts it drops, so nothing else would
// say that no station hears this robot. Its own name is no news.
func TestAccountNotTheRobotsNameIsTold(t *testing.T) {
	b := careHome(t, "")
	for _, tc := range []struct {
		robot string
		told  bool
	}{{"kiri", false}, {"kindred", true}} {
		t.Run(tc.robot, func(t *testing.T) {
			rep := make(reports, 100)
			var told []string
			var mu sync.Mutex
			runClient(t, Opts{Broker: b.url(), Robot: tc.robot, User: robotAccount.user, Password: robotAccount.password,
				Report: rep.report, Connection: func(up bool, err error) {
					mu.Lock()
					defer mu.Unlock()
					told = append(told, err.Error())
				}})
			mu.Lock()
			defer mu.Unlock()
			var said bool
			for _, s := range told {
				said = said || strings.Contains(s, `account "kiri" is not the robot's name "kindred"`)
			}
			if said != tc.told {
				t.Errorf("robot %q as account kiri: told %q, want the mismatch said: %v", tc.robot, told, tc.told)
			}
			if got := rep.drain(); len(got) != 0 {
				t.Errorf("reports %q, want none: the connection's news goes to Connection", got)
			}
		})
	}
}

// A person deleted while the robot runs leaves no pseudonym of theirs on
// the broker: the retained status naming them is replaced by one naming
// nobody, and what comes about them later goes out under a new pseudonym.
// Before, the retained status kept the deleted pseudonym for every later
// subscriber until the robot's state changed, and the client went on
// publishing under it from memory, though the journal no longer knew it.
func TestDeletedPersonsPseudonymLeavesTheBroker(t *testing.T) {
	ctx := context.Background()
	j, err := journal.Open(ctx, filepath.Join(t.TempDir(), "j.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	b := startBroker(t)
	status := subscribe(t, b.url(), account{}, "kindred/+/status")
	alerts := subscribe(t, b.url(), account{}, "kindred/+/alerts")
	c, _ := runClient(t, Opts{Broker: b.url(), Robot: "kiri", Pseudonyms: j})
	c.PublishStatus(Status{State: "alerting", Person: "ada", At: 49})
	first := waitFor(t, status, func(m mqtt.Message) bool { return strings.Contains(string(m.Payload()), "alerting") })
	var before Status
	if err := json.Unmarshal(first.Payload(), &before); err != nil || before.Person == "" {
		t.Fatalf("status %s (%v): want it to name ada's pseudonym", first.Payload(), err)
	}

	if _, err := j.DeletePerson(ctx, "ada"); err != nil {
		t.Fatal(err)
	}
	c.Forget("ada")
	waitFor(t, status, func(m mqtt.Message) bool { return !strings.Contains(string(m.Payload()), before.Person) })
	retained := subscribe(t, b.url(), account{}, "kindred/+/status")
	if m := waitFor(t, retained, func(mqtt.Message) bool { return true }); strings.Contains(string(m.Payload()), before.Person) ||
		!strings.Contains(string(m.Payload()), "alerting") {
		t.Errorf("retained status after the deletion %s: want the same state naming nobody, not %s", m.Payload(), before.Person)
	}
	c.Publish(journal.Alert{At: 60 * time.Second, Person: "ada", Level: journal.LevelResolved, Reason: "pain eased"})
	if m := waitFor(t, alerts, func(mqtt.Message) bool { return true }); strings.Contains(string(m.Payload()), before.Person) {
		t.Errorf("an alert after the deletion goes out under the deleted pseudonym: %s", m.Payload())
	}
}
