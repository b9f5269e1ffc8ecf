package journal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/kindred-hri/kindred/behavior"
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
	CmdOptOut   Cmd = "opt_out"  // the person does not want the robot's attention now
	CmdOptIn    Cmd = "opt_in"   // they are happy again
	CmdSay      Cmd = "say"      // say Text now
	CmdIntent   Cmd = "intent"   // force an intent
	CmdMimicry  Cmd = "mimicry"  // change mirroring gain, delay or on/off
	CmdAnnotate Cmd = "annotate" // a carer's rating at a moment
	CmdApprove  Cmd = "approve"  // Wizard of Oz: let a pending utterance go
	CmdReplace  Cmd = "replace"  // Wizard of Oz: say Text instead of a pending utterance
	// CmdAcknowledge records that By has seen the alert and is dealing with it.
	CmdAcknowledge Cmd = "acknowledge"
	// CmdIdentify says who the face the robot sees is from now on: a
	// resident's id, or "visitor" (a new pseudonym).
	CmdIdentify Cmd = "identify"
)

// Cmds lists every command.
var Cmds = []Cmd{CmdPause, CmdResume, CmdOptOut, CmdOptIn, CmdSay, CmdIntent, CmdMimicry, CmdAnnotate,
	CmdApprove, CmdReplace, CmdAcknowledge, CmdIdentify}

// Control is a command from the console or the fleet, one JSON schema for
// both: {"cmd": ..., fields the command allows}. The schema is the one
// behavior.ParseCommand reads (Raw can be handed to it unchanged);
// ParseControl is stricter: it also rejects fields a command does not use.
type Control struct {
	Cmd  Cmd    `json:"cmd"`
	Text string `json:"text,omitempty"` // say; intent and replace when the intent is "say"
	// intent: the behavior.IntentKind to force
	Kind string `json:"kind,omitempty"`
	// mimicry, each optional but at least one
	Enabled *bool    `json:"enabled,omitempty"`
	Gain    *float64 `json:"gain,omitempty"`     // 0..1
	DelayMS *int     `json:"delay_ms,omitempty"` // 0..10000
	// approve, replace: the pending proposal's ID; replace: what to do instead
	ID     uint64 `json:"id,omitempty"`
	Intent string `json:"intent,omitempty"`
	// annotate
	Annotation *Annotation `json:"annotation,omitempty"`
	// acknowledge: who
	By string `json:"by,omitempty"`
	// identify: a person id, or "visitor"
	Person string `json:"person,omitempty"`
	// Raw is the body as received.
	Raw json.RawMessage `json:"-"`
}

// Delay returns DelayMS as a duration (0 when unset).
func (c Control) Delay() time.Duration {
	if c.DelayMS == nil {
		return 0
	}
	return time.Duration(*c.DelayMS) * time.Millisecond
}

// allowed lists the fields each command accepts besides "cmd"; required
// fields are marked with a "!".
var allowed = map[Cmd][]string{
	CmdPause:       {},
	CmdResume:      {},
	CmdOptOut:      {},
	CmdOptIn:       {},
	CmdSay:         {"!text"},
	CmdIntent:      {"!kind", "text"},
	CmdMimicry:     {"enabled", "gain", "delay_ms"},
	CmdAnnotate:    {"!annotation"},
	CmdApprove:     {"!id"},
	CmdReplace:     {"!id", "!intent", "text"},
	CmdAcknowledge: {"!by"},
	CmdIdentify:    {"!person"},
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
	if raw, ok := fields["annotation"]; ok {
		if err := strictAnnotation(raw); err != nil {
			return Control{}, fmt.Errorf("control: %s: %w", cmd, err)
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
	// The engine is the last word on what it can do (intent kinds above
	// all): a command it would refuse is refused here, at the door, so the
	// console and MQTT never acknowledge what the robot will not do.
	if _, err := behavior.ParseCommand(data); err != nil {
		return Control{}, fmt.Errorf("control: %s: %w", cmd, err)
	}
	c.Raw = append(json.RawMessage(nil), data...)
	return c, nil
}

func (c Control) validate() error {
	if len(c.Text) > maxText {
		return fmt.Errorf("text longer than %d bytes", maxText)
	}
	if c.Cmd == CmdSay && strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("text is empty")
	}
	if c.Cmd == CmdIntent && c.Kind == "" {
		return fmt.Errorf("kind is empty")
	}
	if c.Cmd == CmdReplace && c.Intent == "" {
		return fmt.Errorf("intent is empty")
	}
	if (c.Cmd == CmdIntent && c.Kind == "say" || c.Cmd == CmdReplace && c.Intent == "say") && strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("a say intent needs text")
	}
	if (c.Cmd == CmdApprove || c.Cmd == CmdReplace) && c.ID == 0 {
		return fmt.Errorf("id is missing")
	}
	if c.Gain != nil && (math.IsNaN(*c.Gain) || *c.Gain < 0 || *c.Gain > 1) {
		return fmt.Errorf("gain must be 0..1")
	}
	if c.DelayMS != nil && (*c.DelayMS < 0 || *c.DelayMS > 10000) {
		return fmt.Errorf("delay_ms must be 0..10000")
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

// strictAnnotation rejects fields an annotation does not have: the nested
// record decodes leniently on its own, so the control schema checks it here.
func strictAnnotation(raw json.RawMessage) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return fmt.Errorf("annotation must be an object")
	}
	known := []string{"type", "at", "person", "annotator", "scale", "items", "rating", "note"}
	for k := range fields {
		if !slices.Contains(known, k) {
			return fmt.Errorf("annotation: unknown field %q", k)
		}
	}
	if _, ok := fields["at"]; !ok {
		return fmt.Errorf("annotation: missing field \"at\"")
	}
	if t, ok := fields["type"]; ok && string(t) != `"annotation"` {
		return fmt.Errorf("annotation: type must be \"annotation\"")
	}
	if items, ok := fields["items"]; ok && string(items) != "null" {
		var it map[string]json.RawMessage
		if err := json.Unmarshal(items, &it); err != nil || it == nil {
			return fmt.Errorf("annotation: items must be an object")
		}
		for k := range it {
			if !slices.Contains([]string{"breathing", "vocalisation", "face", "body", "consolability"}, k) {
				return fmt.Errorf("annotation: items: unknown field %q", k)
			}
		}
	}
	return nil
}
