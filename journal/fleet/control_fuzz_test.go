package fleet

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/journal"
)

// FuzzControlMessage follows an MQTT control message through the robot:
// envelope parse, MAC, window and nonce checks, then the console's command
// parser. Whatever the bytes, nothing panics; what is accepted carries a
// valid MAC and a command journal.ParseControl accepts on its own; and the
// same bytes are never accepted twice.
// The corpus (testdata/fuzz/FuzzControlMessage) holds envelopes signed with
// testKey at testClock, so the fuzzer starts past the MAC.
func FuzzControlMessage(f *testing.F) {
	for _, s := range []string{`{"cmd":"pause"}`, `not json`, `{"cmd":{"cmd":"pause"},"ts":1,"nonce":"x","mac":"00"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v := newVerifier(testKey, "kiri", DefaultWindow, func() time.Time { return testClock })
		ctl, err := v.open(data)
		if err != nil {
			return
		}
		if _, perr := journal.ParseControl(ctl.Raw); perr != nil {
			t.Fatalf("accepted %q whose command the console refuses: %v", data, perr)
		}
		other := newVerifier(otherKey, "kiri", DefaultWindow, func() time.Time { return testClock })
		if _, err := other.open(data); err == nil {
			t.Fatalf("%q accepted under two keys", data)
		}
		if _, err := v.open(data); err == nil {
			t.Fatalf("accepted %q twice", data)
		}
	})
}
