package fleet

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

var (
	testKey   = []byte("0123456789abcdef0123456789abcdef")
	otherKey  = []byte("fedcba9876543210fedcba9876543210")
	testClock = time.Unix(1_800_000_000, 0)
)

func mustSeal(t testing.TB, key []byte, robot, cmd string, ts int64, nonce string) []byte {
	t.Helper()
	b, err := seal(key, robot, []byte(cmd), ts, nonce)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Every check of a signed command, one at a time: each refused case differs
// from an accepted one in one respect only.
func TestVerifierRefusesWhatIsNotFreshlySignedForThisRobot(t *testing.T) {
	now := testClock.Unix()
	pause := `{"cmd":"pause"}`
	tampered := strings.Replace(string(mustSeal(t, testKey, "kiri", pause, now, "n-tamper")), `"pause"`, `"resume"`, 1)
	retimed := strings.Replace(string(mustSeal(t, testKey, "kiri", pause, now, "n-retime")), strconv.FormatInt(now, 10), strconv.FormatInt(now-1, 10), 1)
	for _, tc := range []struct {
		name    string
		before  []byte // accepted first, when set
		payload []byte
		want    error // nil: accepted
	}{
		{"signed now", nil, mustSeal(t, testKey, "kiri", pause, now, "n1"), nil},
		{"signed 29 s ago", nil, mustSeal(t, testKey, "kiri", pause, now-29, "n2"), nil},
		{"signed 29 s ahead", nil, mustSeal(t, testKey, "kiri", pause, now+29, "n3"), nil},
		{"say with html characters", nil, mustSeal(t, testKey, "kiri", `{"cmd":"say","text":"<I'm & here>"}`, now, "n4"), nil},
		{"replayed", mustSeal(t, testKey, "kiri", pause, now, "n1"), mustSeal(t, testKey, "kiri", pause, now, "n1"), ErrReplay},
		{"nonce reused", mustSeal(t, testKey, "kiri", pause, now, "n1"), mustSeal(t, testKey, "kiri", `{"cmd":"resume"}`, now-1, "n1"), ErrReplay},
		{"signed 31 s ago", nil, mustSeal(t, testKey, "kiri", pause, now-31, "n5"), ErrStale},
		{"signed 31 s ahead", nil, mustSeal(t, testKey, "kiri", pause, now+31, "n6"), ErrStale},
		{"other key", nil, mustSeal(t, otherKey, "kiri", pause, now, "n7"), ErrBadMAC},
		{"for another robot", nil, mustSeal(t, testKey, "kobo", pause, now, "n8"), ErrBadMAC},
		{"command changed", nil, []byte(tampered), ErrBadMAC},
		{"ts changed", nil, []byte(retimed), ErrBadMAC},
		{"unsigned", nil, []byte(pause), ErrBadEnvelope},
		{"mac missing", nil, []byte(`{"cmd":{"cmd":"pause"},"ts":` + strconv.FormatInt(now, 10) + `,"nonce":"x"}`), ErrBadMAC},
		{"nonce missing", nil, mustSeal(t, testKey, "kiri", pause, now, ""), ErrBadEnvelope},
		{"nonce with a space", nil, mustSeal(t, testKey, "kiri", pause, now, "a b"), ErrBadEnvelope},
		{"nonce too long", nil, mustSeal(t, testKey, "kiri", pause, now, strings.Repeat("n", maxNonce+1)), ErrBadEnvelope},
		{"extra field", nil, []byte(strings.Replace(string(mustSeal(t, testKey, "kiri", pause, now, "n9")), `{"cmd"`, `{"x":1,"cmd"`, 1)), ErrBadEnvelope},
		{"trailing data", nil, append(mustSeal(t, testKey, "kiri", pause, now, "n10"), ']'), ErrBadEnvelope},
		{"not json", nil, []byte("pause"), ErrBadEnvelope},
	} {
		clock := testClock.Add(-time.Minute) // listening since a minute ago
		v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return clock })
		clock = testClock
		if tc.before != nil {
			if _, err := v.open(tc.before); err != nil {
				t.Fatalf("%s: setup: %v", tc.name, err)
			}
		}
		_, err := v.open(tc.payload)
		if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %s: got %v, want %v", tc.name, tc.payload, err, tc.want)
		}
	}
}

// A signed command the console would refuse is refused here too.
func TestVerifierParsesTheCommandWithTheConsoleSchema(t *testing.T) {
	v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return testClock })
	ctl, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"mimicry","gain":0.3}`, testClock.Unix(), "a"))
	if err != nil || ctl.Cmd != behavior.CmdMimicry || *ctl.Gain != 0.3 {
		t.Fatalf("got %+v, %v", ctl, err)
	}
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"dance"}`, testClock.Unix(), "b")); err == nil {
		t.Error("unknown command accepted")
	}
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"say","text":"a\u0000b"}`, testClock.Unix(), "c")); err == nil {
		t.Error("control character accepted")
	}
}

// Nonces are forgotten once outside the window (memory stays bounded), and
// a message carrying a forgotten nonce is stale by then.
func TestVerifierForgetsOldNoncesButStillRefusesTheirMessages(t *testing.T) {
	now := testClock
	v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return now })
	msg := mustSeal(t, testKey, "kiri", `{"cmd":"pause"}`, now.Unix(), "once")
	if _, err := v.open(msg); err != nil {
		t.Fatal(err)
	}
	now = now.Add(31 * time.Second)
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"resume"}`, now.Unix(), "later")); err != nil {
		t.Fatal(err)
	}
	if len(v.seen) != 1 {
		t.Errorf("remembers %d nonces, want 1", len(v.seen))
	}
	if _, err := v.open(msg); !errors.Is(err, ErrStale) {
		t.Errorf("old message: %v, want stale", err)
	}
}

// A wall clock stepped forward, then back (a bad time server, an RTC
// reset to a later date, then corrected), must not make a command accepted
// before the step fresh again once its nonce was forgotten; a command
// signed after the clock came back is accepted.
func TestVerifierRefusesAReplayAfterTheClockWentBack(t *testing.T) {
	now := testClock
	v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return now })
	optOut := mustSeal(t, testKey, "kiri", `{"cmd":"opt_out"}`, now.Unix(), "captured")
	if _, err := v.open(optOut); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour) // stepped forward: a command then forgets the nonce
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"resume"}`, now.Unix(), "during")); err != nil {
		t.Fatal(err)
	}
	now = testClock.Add(5 * time.Second) // and back
	if _, err := v.open(optOut); !errors.Is(err, ErrReplay) {
		t.Errorf("opt_out replayed after the clock went back: %v, want %v", err, ErrReplay)
	}
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"pause"}`, now.Unix(), "fresh")); err != nil {
		t.Errorf("a command signed after the clock came back: %v, want accepted", err)
	}
}

// The nonces an earlier run accepted are not remembered, so a command
// signed before the robot started listening is refused: restarted within
// the window of a captured opt_out, it would otherwise obey it again.
func TestVerifierRefusesWhatWasSignedBeforeItStarted(t *testing.T) {
	now := testClock
	v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return now })
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"opt_out"}`, now.Unix()-5, "before-the-restart")); !errors.Is(err, ErrReplay) {
		t.Errorf("signed 5 s before the start: %v, want %v", err, ErrReplay)
	}
	now = now.Add(2 * time.Second)
	if _, err := v.open(mustSeal(t, testKey, "kiri", `{"cmd":"pause"}`, now.Unix()-1, "after")); err != nil {
		t.Errorf("signed a second after the start: %v, want accepted", err)
	}
}

// A wall clock the whole fleet was told wrong (a bad time server a day
// ahead), then corrected: commands signed after the correction are taken,
// while those signed in the wrong day are still refused, forgotten or not.
// Before, the first command forgotten in the wrong day set a floor a day
// ahead, and every command (an opt_out, an acknowledgement) was refused as
// a replay for a day. Past maxGone forgotten nonces the floor still
// refuses what it no longer remembers by nonce (the row with maxGone 1).
func TestVerifierAfterTheFleetClockWasWrong(t *testing.T) {
	ahead := testClock.Add(24 * time.Hour)
	for _, gone := range []int{maxGone, 1} {
		now := ahead
		v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return now })
		v.maxGone = gone
		wrong := [][]byte{mustSeal(t, testKey, "kiri", `{"cmd":"pause"}`, now.Unix(), "wrong-1"),
			mustSeal(t, testKey, "kiri", `{"cmd":"resume"}`, now.Add(time.Minute).Unix(), "wrong-2")}
		for i, w := range wrong {
			now = ahead.Add(time.Duration(i) * time.Minute)
			if _, err := v.open(w); err != nil {
				t.Fatal(err)
			}
		}
		now = testClock // corrected
		for i, cmd := range []string{`{"cmd":"opt_out"}`, `{"cmd":"opt_in"}`, `{"cmd":"acknowledge","by":"Mary"}`} {
			now = now.Add(time.Minute)
			_, err := v.open(mustSeal(t, testKey, "kiri", cmd, now.Unix(), "right-"+strconv.Itoa(i)))
			if gone > 1 && err != nil {
				t.Errorf("%s signed after the correction: %v, want accepted", cmd, err)
			}
		}
		now = ahead.Add(10 * time.Second) // the wrong day comes round: wrong-1, forgotten, is fresh again
		if _, err := v.open(wrong[0]); !errors.Is(err, ErrReplay) {
			t.Errorf("maxGone %d: a command of the wrong day replayed: %v, want %v", gone, err, ErrReplay)
		}
	}
}

// Sign's output verifies by the recipe the README gives, computed here
// independently: HMAC-SHA256 over "kindred-control-v1\n<robot>\n<ts>\n<nonce>\n<cmd bytes>".
func TestSignFollowsTheDocumentedRecipe(t *testing.T) {
	b, err := Sign(testKey, "kiri", []byte(`{ "cmd": "say", "text": "<ok> & fine" }`), testClock)
	if err != nil {
		t.Fatal(err)
	}
	var e struct {
		Cmd   json.RawMessage `json:"cmd"`
		TS    int64           `json:"ts"`
		Nonce string          `json:"nonce"`
		MAC   string          `json:"mac"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	h := hmac.New(sha256.New, testKey)
	h.Write([]byte("kindred-control-v1\nkiri\n" + strconv.FormatInt(e.TS, 10) + "\n" + e.Nonce + "\n" + string(e.Cmd)))
	if e.MAC != hex.EncodeToString(h.Sum(nil)) || e.TS != testClock.Unix() || len(e.Nonce) != 32 {
		t.Errorf("envelope %s does not follow the recipe", b)
	}
	if string(e.Cmd) != `{"cmd":"say","text":"<ok> & fine"}` {
		t.Errorf("cmd %s: want the compact command, not HTML-escaped", e.Cmd)
	}
	v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return testClock })
	if _, err := v.open(b); err != nil {
		t.Errorf("own envelope refused: %v", err)
	}
	// Each refusal says what is wrong: `kindred fleet sign` prints it as
	// its one line (a command that is not JSON said only "invalid
	// character 'p' looking for beginning of value").
	for _, bad := range []struct {
		key        []byte
		robot, cmd string
		want       string
	}{
		{testKey[:MinKeyLen-1], "kiri", `{"cmd":"pause"}`, "key shorter than"},
		{testKey, "a/b", `{"cmd":"pause"}`, "cannot be an MQTT topic segment"},
		{testKey, "kiri", `{"cmd":"dance"}`, `unknown cmd "dance"`},
		{testKey, "kiri", `pause`, `the command is not JSON such as {"cmd":"pause"}`},
	} {
		_, err := Sign(bad.key, bad.robot, []byte(bad.cmd), testClock)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Sign(%q, %q, %s) = %v, want an error saying %q", bad.key, bad.robot, bad.cmd, err, bad.want)
		}
	}
}
