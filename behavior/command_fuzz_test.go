package behavior

import (
	"encoding/json"
	"testing"
)

// FuzzParseCommand: a console or MQTT control body either parses into a
// command that validates, or fails with an error, never a panic; an
// accepted command encodes and parses back to the same command.
func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		`{"cmd":"pause"}`, `{"cmd":"opt_out"}`, `{"cmd":"opt_in"}`,
		`{"cmd":"say","text":"Would you like some tea?"}`,
		`{"cmd":"intent","kind":"comfort"}`,
		`{"cmd":"mimicry","enabled":false,"gain":0.2,"delay_ms":1500}`,
		`{"cmd":"approve","id":1}`, `{"cmd":"replace","id":1,"intent":"still"}`,
		`{"cmd":"annotate","annotation":{"painad":6},"anything":[1,{"x":null}]}`,
		`{"cmd":"mimicry","gain":-0.1}`, `{"cmd":"mimicry","delay_ms":99999999999}`,
		`{"cmd":"intent"}`, `null`, `"pause"`, `{"cmd":"pause","cmd":"say"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCommand(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseCommand accepted %q, Validate rejects it: %v", data, err)
		}
		if c.Cmd == CmdAnnotate {
			return // passed on as received, not re-encoded
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted command does not encode: %v", err)
		}
		c2, err := ParseCommand(again)
		if err != nil {
			t.Fatalf("%q parsed, its encoding %q does not: %v", data, again, err)
		}
		if c2.Cmd != c.Cmd || c2.Text != c.Text || c2.Kind != c.Kind || c2.ID != c.ID || c2.Intent != c.Intent ||
			!samePtr(c.Gain, c2.Gain) || !samePtr(c.DelayMS, c2.DelayMS) || !samePtr(c.Enabled, c2.Enabled) {
			t.Fatalf("round trip changed the command: %+v -> %+v", c, c2)
		}
	})
}

func samePtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}
