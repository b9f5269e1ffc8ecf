package companion

import (
	"testing"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// FuzzControlChain follows a control message the way a run takes it from
// the console or the fleet's MQTT control topic: journal.ParseControl at the
// door parses it once into the engine's behavior.Command, and the companion
// records an annotation from what the door decoded, never from the body.
// Whatever the bytes, nothing panics; a command the door lets in is one the
// engine's parser accepts too (the door is the stricter one), and an
// accepted annotation is never lost on its way to the journal.
func FuzzControlChain(f *testing.F) {
	for _, s := range []string{
		`{"cmd":"pause"}`, `{"cmd":"opt_out"}`, `{"cmd":"say","text":"I'm here"}`,
		`{"cmd":"intent","kind":"comfort"}`, `{"cmd":"mimicry","gain":0.3,"delay_ms":250,"enabled":true}`,
		`{"cmd":"approve","id":2}`, `{"cmd":"replace","id":2,"intent":"say","text":"hello"}`,
		`{"cmd":"annotate","annotation":{"at":3,"painad":2}}`, `{"cmd":"say","text":""}`,
		`{"cmd":"mimicry"}`, `{}`, `not json`, `{"cmd":"intent","kind":"dance"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := journal.ParseControl(data)
		if err != nil {
			return
		}
		if _, err := behavior.ParseCommand(data); err != nil {
			t.Fatalf("the console/MQTT door accepts %q, the engine refuses it: %v", data, err)
		}
		if cmd.Cmd == behavior.CmdAnnotate {
			if _, err := annotationOf(cmd); err != nil {
				t.Fatalf("annotation accepted at the door is lost: %v", err)
			}
		}
	})
}
