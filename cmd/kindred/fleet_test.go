package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	_ "modernc.org/sqlite" // the journal's driver, to mark a session live

	"github.com/kindred-hri/kindred/journal/fleet"
)

// A caregiver station subscribed to kindred/+/alerts on a real Mosquitto
// broker receives the alert a pain episode raises: help-call's, which
// does not hinge on perception keeping up under load.
func TestRunPublishesAlertsToTheFleet(t *testing.T) {
	url := startMosquitto(t, nil)

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
	code, _, stderr := runKindred(t, "run", "--scenario", helpCall, "--speed", "40", "--console", "off",
		"--journal", filepath.Join(dir, "j.db"), "--mqtt", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// Every alert the run reported reaches the station (resolved and
	// acknowledged notices share the topic and are not counted).
	want := stderrAlerts(stderr)
	if want == 0 {
		t.Fatalf("the run raised no alert:\n%s", kindredLines(stderr))
	}
	got := 0
	deadline := time.After(10 * time.Second)
	for got < want {
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
			if strings.Contains(strings.ToLower(string(m.Payload())), "margaret") {
				t.Errorf("the alert names the person: %s", m.Payload())
			}
			if a.Level == "resolved" || a.Level == "acknowledged" {
				continue
			}
			got++
			if a.Type != "alert" || a.Reason == "" || (a.Level != "urgent" && a.Level != "warning") {
				t.Errorf("alert %s", m.Payload())
			}
		case <-deadline:
			t.Fatalf("%d of the run's %d alerts reached the caregiver station:\n%s", got, want, kindredLines(stderr))
		}
	}
}

// Control over MQTT is refused at start, with exit 2 and one line saying
// what to set, unless it is authenticated and protected.
func TestMQTTControlUnsecuredExits2(t *testing.T) {
	key := strings.Repeat("k", fleet.MinKeyLen)
	for _, tc := range []struct {
		name          string
		mqtt          []string
		user, pw, key string
		want          string
	}{
		{"no broker", nil, "u", "p", key, "mqtt_control"},
		{"anonymous", []string{"--mqtt", "tcp://127.0.0.1:1"}, "", "", key, "KINDRED_MQTT_USER"},
		{"plain tcp, no key", []string{"--mqtt", "tcp://127.0.0.1:1"}, "u", "p", "", "KINDRED_MQTT_KEY"},
		{"short key", []string{"--mqtt", "tcp://127.0.0.1:1"}, "u", "p", "short", "KINDRED_MQTT_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(fleet.UserEnv, tc.user)
			t.Setenv(fleet.PasswordEnv, tc.pw)
			t.Setenv(fleet.KeyEnv, tc.key)
			args := append([]string{"run", "--scenario", "pain-episode", "--speed", "40", "--console", "off",
				"--journal", "off", "--mqtt-control"}, tc.mqtt...)
			code, _, stderr := runKindred(t, args...)
			if code != 2 || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 2 and one line naming %s", code, stderr, tc.want)
			}
		})
	}
}

// `kindred fleet sign` prints an envelope that follows the README's recipe.
func TestFleetSignPrintsAVerifiableEnvelope(t *testing.T) {
	key := "0123456789abcdef0123456789abcdef"
	t.Setenv(fleet.KeyEnv, key)
	code, stdout, stderr := runKindred(t, "fleet", "sign", `{"cmd":"say","text":"I'm here"}`, "--robot", "kiri")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var e struct {
		Cmd   json.RawMessage `json:"cmd"`
		TS    int64           `json:"ts"`
		Nonce string          `json:"nonce"`
		MAC   string          `json:"mac"`
	}
	if err := json.Unmarshal([]byte(stdout), &e); err != nil {
		t.Fatalf("output %q: %v", stdout, err)
	}
	h := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(h, "kindred-control-v1\nkiri\n%d\n%s\n%s", e.TS, e.Nonce, e.Cmd)
	if e.MAC != hex.EncodeToString(h.Sum(nil)) || string(e.Cmd) != `{"cmd":"say","text":"I'm here"}` {
		t.Errorf("envelope %s does not follow the recipe", stdout)
	}
	if d := time.Since(time.Unix(e.TS, 0)); d < -time.Minute || d > time.Minute {
		t.Errorf("ts %d is not now", e.TS)
	}

	for _, tc := range []struct {
		key  string
		args []string
	}{
		{"", []string{"--robot", "kiri", `{"cmd":"pause"}`}},
		{key, []string{`{"cmd":"pause"}`}},
		{key, []string{"--robot", "kiri", `{"cmd":"dance"}`}},
		{key, []string{"--robot", "kiri"}},
		{key, []string{"--robot", "a/b", `{"cmd":"pause"}`}},
	} {
		t.Setenv(fleet.KeyEnv, tc.key)
		code, stdout, stderr := runKindred(t, append([]string{"fleet", "sign"}, tc.args...)...)
		if code != 2 || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("fleet sign %q (key %d chars): exit %d, %q %q; want 2 and one line", tc.args, len(tc.key), code, stdout, stderr)
		}
	}
}

// A retained opt_out left on the broker does not opt the person out when
// the robot starts with control on: the pain episode is watched throughout,
// and her calls for help (help-call, so an alert is due however loaded the
// machine) reach a carer.
func TestRetainedOptOutDoesNotSilenceARun(t *testing.T) {
	for _, tool := range []string{"mosquitto", "mosquitto_passwd"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	dir := t.TempDir()
	pw := filepath.Join(dir, "passwd")
	if out, err := exec.Command("mosquitto_passwd", "-c", "-b", pw, "kindred", "robot-secret").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v: %s", err, out)
	}
	url := startMosquitto(t, func(port int) []string {
		conf := filepath.Join(dir, "mosquitto.conf")
		me := os.Getenv("USER")
		if me == "" {
			me = "root"
		}
		// user: mosquitto started as root would switch to its own user, who cannot read the password file here.
		cfg := fmt.Sprintf("listener %d 127.0.0.1\nuser %s\nallow_anonymous false\npassword_file %s\n", port, me, pw)
		if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{"-c", conf}
	})

	key := "0123456789abcdef0123456789abcdef"
	sup := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("supervisor").
		SetUsername("kindred").SetPassword("robot-secret").SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond))
	if tok := sup.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("supervisor: %v", tok.Error())
	}
	defer sup.Disconnect(100)
	optOut, err := fleet.Sign([]byte(key), "kindred", []byte(`{"cmd":"opt_out"}`), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if tok := sup.Publish("kindred/kindred/control", 1, true, optOut); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}

	t.Setenv(fleet.UserEnv, "kindred")
	t.Setenv(fleet.PasswordEnv, "robot-secret")
	t.Setenv(fleet.KeyEnv, key)
	sum := filepath.Join(dir, "s.json")
	code, _, stderr := runKindred(t, "run", "--scenario", helpCall, "--speed", "40", "--console", "off",
		"--journal", "off", "--mqtt", url, "--mqtt-control", "--summary", sum)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s := readSummary(t, sum)
	if slices.Contains(s.StatesVisited, "opted_out") || !s.SensorsOn || s.Alerts == 0 {
		t.Errorf("the retained opt_out was obeyed: %+v", s)
	}
	// The retained command is a refused one: a fault, told once.
	if n := strings.Count(stderr, "refused 1 control message(s) from the fleet (latest: \"ignoring retained"); n != 1 || s.Faults < 1 {
		t.Errorf("the ignored retained message is told %d times, %d faults; want one fault: %s", n, s.Faults, stderr)
	}
}

// Alerts a run raises while its broker is unreachable are never handed
// over: at the end the run says how many, naming the broker, and counts
// them among the summary's faults.
func TestRunCountsAlertsTheBrokerNeverTookAsFaults(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "tcp://" + ln.Addr().String()
	ln.Close() // nobody listens there now
	sum := filepath.Join(t.TempDir(), "s.json")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--speed", "40", "--console", "off",
		"--journal", "off", "--mqtt", url, "--summary", sum)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	s := readSummary(t, sum)
	var n int
	line := regexp.MustCompile(`(?m)^kindred: mqtt: fleet: (\d+) alert\(s\) not handed to ` + regexp.QuoteMeta(url) + ` before shutdown$`)
	m := line.FindAllStringSubmatch(stderr, -1)
	if len(m) != 1 {
		t.Fatalf("want one line saying how many alerts the broker never took; stderr:\n%s", stderr)
	}
	fmt.Sscan(m[0][1], &n)
	if n < s.Alerts || s.Faults < n {
		t.Errorf("%d alert(s) reported undelivered, %d raised, %d faults counted: every alert is undelivered and a fault", n, s.Alerts, s.Faults)
	}
}

// What keeps alerts from the carers' stations is in the run's record, not
// only on stderr: the broker unreachable at start, and a broker account
// that is not the robot's name, which a broker with the README's ACL
// answers by dropping every alert while acknowledging it. Before, the
// journal (and the console) had no word of either, and the second was
// said nowhere at all.
func TestWhatKeepsAlertsFromTheStationsIsRecorded(t *testing.T) {
	for _, tc := range []struct {
		name, user string
		want       []string
	}{
		{"broker unreachable", "", []string{"unreachable", "alerts are held"}},
		{"account not the robot's name", "kiri", []string{`broker account \"kiri\" is not the robot's name \"kindred\"`, "unreachable"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(fleet.UserEnv, tc.user)
			t.Setenv(fleet.PasswordEnv, "pw")
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			url := "tcp://" + ln.Addr().String()
			ln.Close() // nobody listens there now
			jpath := filepath.Join(t.TempDir(), "j.db")
			code, _, stderr := runKindred(t, "run", "--scenario", "opt-out", "--speed", "40", "--console", "off",
				"--journal", jpath, "--mqtt", url)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			rows := onlySessionJSONL(t, jpath)
			for _, w := range tc.want {
				found := false
				for _, line := range strings.Split(rows, "\n") {
					if strings.Contains(line, `"type":"fault"`) && strings.Contains(line, `"component":"mqtt"`) && strings.Contains(line, w) {
						found = true
					}
				}
				if !found {
					t.Errorf("no mqtt fault saying %q in the journal:\n%s\nstderr:\n%s", w, rows, kindredLines(stderr))
				}
			}
		})
	}
}

// A run stopped with an alert standing (here by --for, 11 s after its
// urgent page; a SIGTERM, a crash and a broker away as it stopped are the
// same to the next run) has the next run on the same journal tell the
// carers again, at its level, and record that it did. Before, the next
// run said nothing: an urgent alert that the broker had not taken when
// the robot was restarted never reached a station.
func TestTheNextRunTellsTheAlertLeftStanding(t *testing.T) {
	jpath := filepath.Join(t.TempDir(), "j.db")
	code, _, stderr := runKindred(t, "run", "--scenario", "pain-episode", "--for", "60s", "--speed", "40", "--console", "off",
		"--journal", jpath)
	if code != 0 || !strings.Contains(stderr, "alert (urgent)") {
		t.Fatalf("exit %d, want a run stopped with its urgent alert standing:\n%s", code, kindredLines(stderr))
	}
	first := strings.Fields(strings.Split(strings.TrimSpace(kindredLines(stderr)), "run ended, session ")[1])[0]
	// A scenario's simulated person is nobody a carer can go to: the next
	// run on a copy of this journal tells nothing again.
	scen := filepath.Join(t.TempDir(), "scenario.db")
	b, err := os.ReadFile(jpath)
	if err != nil || os.WriteFile(scen, b, 0o600) != nil {
		t.Fatalf("copy the journal: %v", err)
	}
	if _, _, se := runKindred(t, "run", "--scenario", "visit", "--for", "1s", "--speed", "10", "--console", "off", "--journal", scen); strings.Contains(se, "standing when this robot's last run stopped") {
		t.Errorf("a scenario run's standing alert was told again:\n%s", kindredLines(se))
	}
	// No camera here: the first run's session is marked as a live one's,
	// as a run with --camera or --mic records it.
	db, err := sql.Open("sqlite", jpath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(`UPDATE settings SET value = 'live' WHERE key = 'sources'`)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("mark the session live: %d rows, %v", n, err)
	}
	db.Close()

	url := startMosquitto(t, nil)
	alerts := make(chan mqtt.Message, 16)
	station := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("station-standing-test").
		SetConnectRetry(true).SetConnectRetryInterval(50 * time.Millisecond))
	if tok := station.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("station: %v", tok.Error())
	}
	defer station.Disconnect(100)
	if tok := station.Subscribe("kindred/+/alerts", 1, func(_ mqtt.Client, m mqtt.Message) { alerts <- m }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	code, _, stderr = runKindred(t, "run", "--scenario", "visit", "--for", "3s", "--speed", "10", "--console", "off",
		"--journal", jpath, "--mqtt", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, kindredLines(stderr))
	}
	select {
	case m := <-alerts:
		var a struct{ Level, Reason string }
		if err := json.Unmarshal(m.Payload(), &a); err != nil || a.Level != "urgent" ||
			!strings.Contains(a.Reason, "severe pain") || !strings.Contains(a.Reason, "standing when this robot's last run stopped: raised ") ||
			!strings.Contains(a.Reason, " into session "+first+", begun ") {
			t.Errorf("alert %s (%v): want the urgent alert of session %s told again", m.Payload(), err, first)
		}
		if strings.Contains(string(m.Payload()), "margaret") {
			t.Errorf("the alert names the person: %s", m.Payload())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no alert reached the station after the restart:\n%s", kindredLines(stderr))
	}
	second := strings.Fields(strings.Split(strings.TrimSpace(kindredLines(stderr)), "run ended, session ")[1])[0]
	if !strings.Contains(stderr, "(with 1 standing from the last run, carried into this one)") {
		t.Errorf("the second run's last line does not count the alert carried:\n%s", kindredLines(stderr))
	}
	// The alert is one of the second session's: a third start, the robot
	// restarted again before anyone answered, still tells it, saying when
	// and where it was first raised. Before, it was a fault record of the
	// second session, and the third run told nothing.
	_, rows, _ := runKindred(t, "sessions", "export", "--journal", jpath, "--session", second, "--format", "jsonl")
	told := `{"type":"alert","at":0,"person":"margaret","level":"urgent",`
	if !strings.Contains(rows, told) || !strings.Contains(rows, "standing when this robot's last run stopped: raised ") {
		t.Errorf("the second run's journal does not record the alert carried as its own:\n%s", rows)
	}
	code, _, stderr = runKindred(t, "run", "--scenario", "visit", "--for", "2s", "--speed", "10", "--console", "off", "--journal", jpath)
	if want := " into session " + first + ", begun "; code != 0 || !strings.Contains(stderr, "kindred: alert (urgent)") || !strings.Contains(stderr, want) ||
		strings.Count(stderr, "standing when this robot's last run stopped") != 1 {
		t.Errorf("exit %d: the third run does not carry the alert of session %s once, as raised there:\n%s", code, first, kindredLines(stderr))
	}
}
