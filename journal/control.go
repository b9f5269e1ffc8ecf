package journal

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/kindred-hri/kindred/behavior"
)

// The console's and the fleet's control bodies are behavior.Commands, one
// JSON schema for both: {"cmd": ..., fields the command allows}.
// ParseControl reads them once, at the door; what it returns goes to the
// engine as it is.

// allowed lists the fields each command accepts besides "cmd"; required
// fields are marked with a "!".
var allowed = map[behavior.CommandKind][]string{
	behavior.CmdPause:       {},
	behavior.CmdResume:      {},
	behavior.CmdOptOut:      {},
	behavior.CmdOptIn:       {},
	behavior.CmdSay:         {"!text"},
	behavior.CmdIntent:      {"!kind", "text"},
	behavior.CmdMimicry:     {"enabled", "gain", "delay_ms"},
	behavior.CmdAnnotate:    {"!annotation"},
	behavior.CmdApprove:     {"!id"},
	behavior.CmdReplace:     {"!id", "!intent", "text"},
	behavior.CmdAcknowledge: {"!by"},
	behavior.CmdIdentify:    {"!person"},
}

// maxText bounds a spoken line: a console typo must not make the robot talk for minutes.
const maxText = 500

// ParseControl decodes and validates one command: unknown commands, unknown
// or misplaced fields, missing required fields and out-of-range values are
// errors that say which field is wrong. The engine's parser
// (behavior.ParseCommand) is the last word on what the robot can do, so a
// command it would refuse is refused here, at the door, and the console and
// MQTT never acknowledge what the robot will not do. An annotation comes
// back decoded in the command's Annotation.
func ParseControl(data []byte) (behavior.Command, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return behavior.Command{}, fmt.Errorf("control: not a JSON object: %w", err)
	}
	rawCmd, ok := fields["cmd"]
	if !ok {
		return behavior.Command{}, fmt.Errorf("control: missing field \"cmd\"")
	}
	var cmd behavior.CommandKind
	if err := json.Unmarshal(rawCmd, &cmd); err != nil {
		return behavior.Command{}, fmt.Errorf("control: cmd must be a string")
	}
	spec, ok := allowed[cmd]
	if !ok {
		return behavior.Command{}, fmt.Errorf("control: unknown cmd %q", cmd)
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
			return behavior.Command{}, fmt.Errorf("control: %s: unknown field %q", cmd, k)
		}
	}
	for _, f := range spec {
		if name, req := strings.CutPrefix(f, "!"); req {
			if _, ok := fields[name]; !ok {
				return behavior.Command{}, fmt.Errorf("control: %s: missing field %q", cmd, name)
			}
		}
	}
	var note *Annotation
	if raw, ok := fields["annotation"]; ok {
		if err := strictAnnotation(raw); err != nil {
			return behavior.Command{}, fmt.Errorf("control: %s: %w", cmd, err)
		}
		note = &Annotation{}
		if err := json.Unmarshal(raw, note); err != nil {
			return behavior.Command{}, fmt.Errorf("control: %s: annotation: %w", cmd, err)
		}
	}
	c, err := behavior.ParseCommand(data)
	if err != nil {
		return behavior.Command{}, fmt.Errorf("control: %s: %w", cmd, err)
	}
	if err := validate(c, note); err != nil {
		return behavior.Command{}, fmt.Errorf("control: %s: %w", cmd, err)
	}
	if note != nil {
		c.Annotation = *note
	}
	return c, nil
}

// AnnotationOf is an annotate command's record, as ParseControl decoded it.
func AnnotationOf(c behavior.Command) (Annotation, bool) {
	a, ok := c.Annotation.(Annotation)
	return a, ok
}

// validate adds the door's rules to the engine's: a spoken line is at most
// maxText bytes and not blank, and an annotation is a valid record.
func validate(c behavior.Command, note *Annotation) error {
	if len(c.Text) > maxText {
		return fmt.Errorf("text longer than %d bytes", maxText)
	}
	if c.Cmd == behavior.CmdSay && strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("text is empty")
	}
	if (c.Cmd == behavior.CmdIntent && c.Kind == behavior.IntentSay || c.Cmd == behavior.CmdReplace && c.Intent == behavior.IntentSay) &&
		strings.TrimSpace(c.Text) == "" {
		return fmt.Errorf("a say intent needs text")
	}
	if note != nil {
		if err := note.Validate(); err != nil {
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
