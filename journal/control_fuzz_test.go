package journal

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// FuzzParseControl: whatever arrives on the console's POST body or the
// fleet's control topic, ParseControl returns a valid command or an error
// starting "control:", never a panic; an accepted command keeps its body and
// its values in range, and encodes and parses back to the same command.
func FuzzParseControl(f *testing.F) {
	for _, s := range []string{
		`{"cmd":"pause"}`, `{"cmd":"resume"}`, `{"cmd":"opt_out"}`, `{"cmd":"opt_in"}`,
		`{"cmd":"say","text":"Hello Harold"}`,
		`{"cmd":"intent","kind":"comfort"}`,
		`{"cmd":"mimicry","enabled":true,"gain":0.5,"delay_ms":400}`,
		`{"cmd":"approve","id":3}`, `{"cmd":"replace","id":3,"intent":"say","text":"there there"}`,
		`{"cmd":"annotate","annotation":{"at":12.5,"painad":4,"note":"grimace"}}`,
		`{"cmd":"mimicry","gain":1e309}`, `{"cmd":"say"}`, `[1,2]`, `{"cmd":7}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseControl(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "control") {
				t.Fatalf("error without the control prefix: %v", err)
			}
			return
		}
		if c.Cmd == "" {
			t.Fatalf("accepted %q with no cmd", data)
		}
		if string(c.Raw) != string(data) {
			t.Fatalf("Raw %q is not the body %q", c.Raw, data)
		}
		if c.Gain != nil && !(*c.Gain >= 0 && *c.Gain <= 1) {
			t.Fatalf("gain %v accepted out of 0..1", *c.Gain)
		}
		if c.DelayMS != nil && (*c.DelayMS < 0 || *c.DelayMS > 10000) {
			t.Fatalf("delay_ms %d accepted out of 0..10000", *c.DelayMS)
		}
		if d := c.Delay(); d < 0 || math.IsNaN(float64(d)) {
			t.Fatalf("delay %v", d)
		}
		again, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("accepted command does not encode: %v", err)
		}
		c2, err := ParseControl(again)
		if err != nil {
			t.Fatalf("%q parsed, its encoding %q does not: %v", data, again, err)
		}
		if c2.Cmd != c.Cmd || c2.Text != c.Text || c2.Kind != c.Kind || c2.ID != c.ID || c2.Intent != c.Intent {
			t.Fatalf("round trip changed the command: %+v -> %+v", c, c2)
		}
	})
}
