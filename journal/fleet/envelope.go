package fleet

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// macDomain starts the signed bytes, so a MAC made for something else
// under the same key is never a valid command.
const macDomain = "kindred-control-v1"

// MinKeyLen is the shortest per-robot key accepted: 32 bytes (what
// `openssl rand -hex 16` prints), so the key is not a guessable password.
const MinKeyLen = 32

// DefaultWindow is how far a command's ts may be from the robot's clock.
const DefaultWindow = 30 * time.Second

// maxNonce bounds the nonce's length; maxSeen the nonces remembered within
// one window (only commands with a valid MAC are remembered, so only a
// key holder can fill it).
const (
	maxNonce = 64
	maxSeen  = 10000
	// maxGone bounds the nonces remembered after they left the window
	// (verifier.gone): a fleet's few commands an hour stay there for
	// months, so the floor only rises after thousands of them.
	maxGone = 10000
)

// envelope is the signed control message on the wire.
type envelope struct {
	Cmd   json.RawMessage `json:"cmd"`
	TS    int64           `json:"ts"`
	Nonce string          `json:"nonce"`
	MAC   string          `json:"mac"`
}

// Errors a control message can be refused with.
var (
	ErrBadEnvelope = errors.New("not a signed control message")
	ErrBadMAC      = errors.New("bad signature")
	ErrStale       = errors.New("timestamp outside the window")
	ErrReplay      = errors.New("nonce already used")
)

// mac computes the envelope's MAC over its canonical bytes.
func mac(key []byte, robot string, ts int64, nonce string, cmd []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(macDomain + "\n" + robot + "\n" + strconv.FormatInt(ts, 10) + "\n" + nonce + "\n"))
	h.Write(cmd)
	return h.Sum(nil)
}

// Sign wraps a console command for robot in a signed envelope stamped at
// now with a random nonce. The command must be one the robot would accept.
//
// The envelope is one JSON object:
//
//	{"cmd":{...the console's command...},"ts":UNIX_SECONDS,"nonce":"...","mac":"HEX"}
//
// mac is the lower-case hex HMAC-SHA256 (RFC 2104, FIPS 198-1) under the
// robot's key of these bytes, joined by a single "\n" (0x0A):
//
//	kindred-control-v1
//	<robot name>
//	<ts, decimal>
//	<nonce>
//	<the bytes of the "cmd" value exactly as they stand in the message>
//
// The robot name binds a command to one robot (a key shared by mistake
// cannot steer another); ts and nonce make a captured message useless
// later: the robot refuses ts outside ±Window of its clock and a nonce it
// has already accepted within the window.
func Sign(key []byte, robot string, cmd []byte, now time.Time) ([]byte, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("fleet: sign: key shorter than %d bytes", MinKeyLen)
	}
	if !validSegment(robot) {
		return nil, fmt.Errorf("fleet: sign: robot name %q cannot be an MQTT topic segment", robot)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, cmd); err != nil {
		return nil, fmt.Errorf(`fleet: sign: the command is not JSON such as {"cmd":"pause"}: %w`, err)
	}
	if _, err := journal.ParseControl(compact.Bytes()); err != nil {
		return nil, fmt.Errorf("fleet: sign: %w", err)
	}
	var n [16]byte
	_, _ = rand.Read(n[:]) // crypto/rand.Read never fails on Linux (Go ≥1.24 panics instead)
	return seal(key, robot, compact.Bytes(), now.Unix(), hex.EncodeToString(n[:]))
}

// seal builds the envelope for a command already checked. It writes the
// command's bytes itself: json.Marshal would HTML-escape them ("<" in a
// say text), and the MAC is over the bytes as they stand.
func seal(key []byte, robot string, cmd []byte, ts int64, nonce string) ([]byte, error) {
	n, err := json.Marshal(nonce)
	if err != nil {
		return nil, fmt.Errorf("fleet: sign: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(`{"cmd":`)
	b.Write(cmd)
	b.WriteString(`,"ts":` + strconv.FormatInt(ts, 10) + `,"nonce":`)
	b.Write(n)
	b.WriteString(`,"mac":"` + hex.EncodeToString(mac(key, robot, ts, nonce, cmd)) + `"}`)
	return b.Bytes(), nil
}

// verifier opens signed envelopes for one robot and remembers the nonces
// it accepted within the window.
type verifier struct {
	key    []byte
	robot  string
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	seen map[string]int64 // nonce → ts, pruned once outside the window
	// gone holds the nonces pruned from seen, up to maxGone, oldest
	// first out (goneOrder), and floor is the newest ts among those that
	// left gone: a message carrying a nonce in gone, or stamped at or
	// before floor, is a replay. A nonce leaves the window when its
	// message is stale; but a wall clock stepped forward (a bad time
	// server, an RTC reset to a later date) and then back makes such a
	// message fresh again, and a captured opt_out could be replayed then.
	// A floor alone (the newest ts pruned) refused everything after such a
	// step once the fleet's clock had been wrong too: a day ahead, no
	// opt_out or acknowledgement was taken for a day.
	gone      map[string]int64
	goneOrder []string
	maxGone   int
	floor     int64
	// started is the wall-clock second the verifier was made. The nonces
	// an earlier run accepted are not remembered, so a robot restarted
	// within the window of a captured command would accept it again: a
	// ts before started is refused, while the clock reads started or
	// later. A clock read before started means the start was stamped by
	// a wrong clock since corrected, and the rule would refuse every
	// command until the wrong time came round again; it lapses then.
	started int64
}

func newVerifier(key []byte, robot string, window time.Duration, now func() time.Time) *verifier {
	return &verifier{key: key, robot: robot, window: window, now: now, seen: map[string]int64{},
		gone: map[string]int64{}, maxGone: maxGone, started: now().Unix()}
}

// open checks an envelope and returns the command inside, parsed with the
// console's schema. The MAC is checked first and in constant time, so an
// unsigned sender learns nothing from which check failed after it.
func (v *verifier) open(payload []byte) (behavior.Command, error) {
	var e envelope
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.DisallowUnknownFields()
	err := dec.Decode(&e)
	if err == nil && len(bytes.TrimSpace(payload[dec.InputOffset():])) > 0 {
		err = errors.New("trailing data")
	}
	if err != nil {
		return behavior.Command{}, fmt.Errorf("%w: want {\"cmd\":{...},\"ts\":...,\"nonce\":\"...\",\"mac\":\"...\"}", ErrBadEnvelope)
	}
	if len(e.Cmd) == 0 || e.Nonce == "" || len(e.Nonce) > maxNonce || !printable(e.Nonce) {
		return behavior.Command{}, fmt.Errorf("%w: cmd, ts, nonce (1-%d printable ASCII) and mac are required", ErrBadEnvelope, maxNonce)
	}
	got, err := hex.DecodeString(e.MAC)
	if err != nil || !hmac.Equal(got, mac(v.key, v.robot, e.TS, e.Nonce, e.Cmd)) {
		return behavior.Command{}, ErrBadMAC
	}
	now := v.now()
	at := time.Unix(e.TS, 0)
	if at.Before(now.Add(-v.window)) || at.After(now.Add(v.window)) {
		return behavior.Command{}, fmt.Errorf("%w: ts %d, robot clock %d, window ±%s", ErrStale, e.TS, now.Unix(), v.window)
	}
	ctl, err := journal.ParseControl(e.Cmd)
	if err != nil {
		return behavior.Command{}, err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	v.prune(now)
	if _, dup := v.seen[e.Nonce]; dup {
		return behavior.Command{}, ErrReplay
	}
	if _, dup := v.gone[e.Nonce]; dup {
		return behavior.Command{}, fmt.Errorf("%w: the nonce of a command already forgotten; the robot's clock went back", ErrReplay)
	}
	if e.TS < v.started && now.Unix() >= v.started {
		return behavior.Command{}, fmt.Errorf("%w: ts %d is before the robot started listening (%d), and an earlier run's nonces are not remembered", ErrReplay, e.TS, v.started)
	}
	if e.TS <= v.floor {
		return behavior.Command{}, fmt.Errorf("%w: ts %d is no later than a command already forgotten (ts %d); the robot's clock went back", ErrReplay, e.TS, v.floor)
	}
	if len(v.seen) >= maxSeen {
		return behavior.Command{}, fmt.Errorf("%w: more than %d commands within the window", ErrReplay, maxSeen)
	}
	v.seen[e.Nonce] = e.TS
	return ctl, nil
}

// prune moves nonces whose ts is outside the window from seen to gone: a
// message carrying one is refused as stale, or, should the clock go back,
// as a replay (gone, or the floor once it has left gone).
func (v *verifier) prune(now time.Time) {
	oldest := now.Add(-v.window).Unix()
	for n, ts := range v.seen {
		if ts < oldest {
			delete(v.seen, n)
			v.gone[n] = ts
			v.goneOrder = append(v.goneOrder, n)
		}
	}
	drop := max(0, len(v.goneOrder)-v.maxGone)
	for _, n := range v.goneOrder[:drop] {
		v.floor = max(v.floor, v.gone[n])
		delete(v.gone, n)
	}
	v.goneOrder = slices.Delete(v.goneOrder, 0, drop)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
