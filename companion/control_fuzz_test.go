package companion

import (
	"testing"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
)

// FuzzControlChain follows a control message the way a run takes it from
// the console or the fleet's MQTT control topic: journal.ParseControl at the
// door, then behavior.ParseCommand on the raw body in companion.control.
// Whatever the bytes, neither panics, and a command the door lets in is
// never refused by the engine's parser (the door is the stricter one), so
// an accepted console or MQTT command is never silently lost.
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
		ctl, err := journal.ParseControl(data)
		cmd, cerr := behavior.ParseCommand(data)
		if err != nil {
			return
		}
		if cerr != nil {
			t.Fatalf("the console/MQTT door accepts %q, the engine refuses it: %v", data, cerr)
		}
		if string(cmd.Cmd) != string(ctl.Cmd) {
			t.Fatalf("door reads cmd %q, engine %q", ctl.Cmd, cmd.Cmd)
		}
		if cmd.Cmd == behavior.CmdAnnotate {
			if _, err := annotationOf(&cmd); err != nil && ctl.Annotation != nil {
				t.Fatalf("annotation accepted at the door is lost: %v", err)
			}
		}
	})
}
