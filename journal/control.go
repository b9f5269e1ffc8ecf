package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Cmd is a supervision command.
type Cmd string

const (
	CmdPause    Cmd = "pause"    // stop acting (keep sensing)
	CmdResume   Cmd = "resume"   // act again
	CmdOptOut   Cmd = "opt_out"  // the person does not want the robot: stop, record nothing about them
	CmdOptIn    Cmd = "opt_in"   // they are happy again
	CmdSay      Cmd = "say"      // say Text now
	CmdIntent   Cmd = "intent"   // force an intent
	CmdMimicry  Cmd = "mimicry"  // change mirroring gain, delay or on/off
	CmdAnnotate Cmd = "annotate" // a carer's rating at a moment
	CmdApprove  Cmd = "approve"  // Wizard of Oz: let a pending utterance go
	CmdReplace  Cmd = "replace"  // Wizard of Oz: say Text instead of a pending utterance
)

// Cmds lists every command.
var Cmds = []Cmd{CmdPause, CmdResume, CmdOptOut, CmdOptIn, CmdSay, CmdIntent, CmdMimicry, CmdAnnotate,
	CmdApprove, CmdReplace}

// Control is a command from the console or the fleet, one JSON schema for
// both: {"cmd": ..., fields the command allows}. ParseControl is strict.
type Control struct {
	Cmd Cmd `json:"cmd"`
	// say, replace
	Text string `json:"text,omitempty"`
	Lang string `json:"lang,omitempty"`
	// intent: a behavior.IntentKind; tone for say and intent
	Intent string `json:"intent,omitempty"`
	Tone   string `json:"tone,omitempty"`
	// mimicry
	Enabled *bool    `json:"enabled,omitempty"`
	Gain    *float64 `json:"gain,omitempty"`     // 0..1
	DelayMS *float64 `json:"delay_ms,omitempty"` // 0..5000
	// approve, replace: the pending utterance's ID
	ID string `json:"id,omitempty"`
	// annotate (and opt_out/opt_in: who)
	Person     string      `json:"person,omitempty"`
	Annotation *Annotation `json:"annotation,omitempty"`
}

// Delay returns DelayMS as a duration (0 when unset).
func (c Control) Delay() time.Duration {
	if c.DelayMS == nil {
		return 0
	}
	return time.Duration(*c.DelayMS * float64(time.Millisecond))
}

// allowed lists the fields each command accepts besides "cmd"; required
// fields are marked with a "!".
var allowed = map[Cmd][]string{
	CmdPause:    {},
	CmdResume:   {},
	CmdOptOut:   {"person"},
	CmdOptIn:    {"person"},
	CmdSay:      {"!text", "lang", "tone"},
	CmdIntent:   {"!intent", "tone", "text", "lang"},
	CmdMimicry:  {"enabled", "gain", "delay_ms"},
	CmdAnnotate: {"!annotation"},
	CmdApprove:  {"!id"},
	CmdReplace:  {"!id", "!text", "lang"},
}

// maxText bounds a spoken line: a console typo must not make the robot talk for minutes.
const maxText = 500

// ParseControl decodes and validates one command: unknown commands, unknown
// or misplaced fields, missing required fields and out-of-range values are
// errors that say which field is wrong.
func ParseControl(data []byte) (Control, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return Control{}, fmt.Errorf("control: not a JSON object: %w", err)
	}
	rawCmd, ok := fields["cmd"]
	if !ok {
		return Control{}, fmt.Errorf("control: missing field \"cmd\"")
	}
	var cmd Cmd
	if err := json.Unmarshal(rawCmd, &cmd); err != nil {
		return Control{}, fmt.Errorf("control: cmd must be a string")
	}
	spec, ok := allowed[cmd]
	if !ok {
		return Control{}, fmt.Errorf("control: unknown cmd %q", cmd)
	}
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if k == "cmd" {
			continue
		}
		if !slices.Contains(spec, k) && !slices.Contains(spec, "!"+k) {
			return Control{}, fmt.Errorf("control: %s: unknown field %q", cmd, k)
		}
	}
	for _, f := range spec {
		if name, req := strings.CutPrefix(f, "!"); req {
			if _, ok := fields[name]; !ok {
				return Control{}, fmt.Errorf("control: %s: missing field %q", cmd, name)
			}
		}
	}
	var c Control
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Control{}, fmt.Errorf("control: %s: %w", cmd, err)
	}
	if err := c.validate(); err != nil {
		return Control{}, fmt.Errorf("control: %s: %w", cmd, err)
	}
	return c, nil
}

func (c Control) validate() error {
	if len(c.Text) > maxText {
		return fmt.Errorf("text longer than %d bytes", maxText)
	}
	if (c.Cmd == CmdSay || c.Cmd == CmdReplace) && strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("text is empty")
	}
	if c.Cmd == CmdIntent && c.Intent == "" {
		return fmt.Errorf("intent is empty")
	}
	if (c.Cmd == CmdApprove || c.Cmd == CmdReplace) && c.ID == "" {
		return fmt.Errorf("id is empty")
	}
	switch c.Tone {
	case "", "gentle", "neutral", "cheerful":
	default:
		return fmt.Errorf("tone must be gentle, neutral or cheerful, not %q", c.Tone)
	}
	if c.Gain != nil && (math.IsNaN(*c.Gain) || *c.Gain < 0 || *c.Gain > 1) {
		return fmt.Errorf("gain must be 0..1")
	}
	if c.DelayMS != nil && (math.IsNaN(*c.DelayMS) || *c.DelayMS < 0 || *c.DelayMS > 5000) {
		return fmt.Errorf("delay_ms must be 0..5000")
	}
	if c.Cmd == CmdMimicry && c.Enabled == nil && c.Gain == nil && c.DelayMS == nil {
		return fmt.Errorf("give at least one of enabled, gain, delay_ms")
	}
	if c.Annotation != nil {
		if err := c.Annotation.Validate(); err != nil {
			return err
		}
	}
	return nil
}
