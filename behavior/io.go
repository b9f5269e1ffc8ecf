package behavior

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kindred-hri/kindred/perception"
)

// Input is one thing that happened: an *Assessed, *Observed, *Command,
// *Fault, *Tick, *Answered, *Sense, *BodyLost, *BodyBack or *Carried
// (the alerts the last run left standing, handed in as the run starts),
// built with the constructors. The interface is sealed (its
// method is unexported), so an input is exactly one of them by
// construction. All times are observation (session or media) time.
type Input interface{ input() }

// Assessed is a pain assessment, as an input.
type Assessed struct{ perception.PainAssessment }

// Observed is a perception event, as an input.
type Observed struct{ perception.Event }

func (*Assessed) input() {}
func (*Observed) input() {}
func (*Command) input()  {}
func (*Fault) input()    {}
func (*Tick) input()     {}

// Tick lets the wiring advance observation time when nothing is observed
// (sensors off while opted out, a silent empty room), so timers still fire.
type Tick struct{ At time.Duration }

// Fault is the body's report of a fault, or of its clearing.
type Fault struct {
	At      time.Duration
	Err     string // what went wrong, for the transition's reason
	Cleared bool
}

// AssessmentInput wraps a pain assessment.
func AssessmentInput(a perception.PainAssessment) Input { return &Assessed{a} }

// EventInput wraps a perception event.
func EventInput(e perception.Event) Input { return &Observed{e} }

// CommandInput wraps a supervision command.
func CommandInput(c Command) Input { return &c }

// TickInput advances observation time to at.
func TickInput(at time.Duration) Input { return &Tick{At: at} }

// CommandKind names a supervision command; the names are the console's and
// MQTT's "cmd" values.
type CommandKind string

const (
	CmdPause    CommandKind = "pause"
	CmdResume   CommandKind = "resume"
	CmdOptOut   CommandKind = "opt_out"
	CmdOptIn    CommandKind = "opt_in"
	CmdSay      CommandKind = "say"      // Text
	CmdIntent   CommandKind = "intent"   // Kind
	CmdMimicry  CommandKind = "mimicry"  // Gain, DelayMS, Enabled (each optional)
	CmdAnnotate CommandKind = "annotate" // passes through untouched
	CmdApprove  CommandKind = "approve"  // ID (Wizard-of-Oz)
	CmdReplace  CommandKind = "replace"  // ID, Intent, Text when Intent is say (Wizard-of-Oz)
	// CmdAcknowledge: By, the carer who has seen the alert and is dealing
	// with it. It changes nothing in the robot; it is recorded.
	CmdAcknowledge CommandKind = "acknowledge"
	// CmdIdentify: Person, who the face the robot is looking at is from now
	// on: a resident's id, or "visitor" for someone it does not know. A
	// carer's correction (or the start of a session with someone); the
	// wiring that names faces carries it out, the engine ignores it.
	CmdIdentify CommandKind = "identify"
)

// CommandKinds lists every supervision command.
func CommandKinds() []CommandKind {
	return []CommandKind{CmdPause, CmdResume, CmdOptOut, CmdOptIn, CmdSay, CmdIntent, CmdMimicry, CmdAnnotate,
		CmdApprove, CmdReplace, CmdAcknowledge, CmdIdentify}
}

// Visitor is CmdIdentify's Person for someone the robot does not know.
const Visitor = "visitor"

// Command is a supervision command from the console or MQTT. Its JSON form
// is the console's control body, e.g. {"cmd":"mimicry","gain":0.5}.
type Command struct {
	At      time.Duration `json:"-"` // zero: now (the engine's latest observation time)
	Cmd     CommandKind   `json:"cmd"`
	Text    string        `json:"text,omitempty"`
	Kind    IntentKind    `json:"kind,omitempty"`
	ID      uint64        `json:"id,omitempty"`
	Intent  IntentKind    `json:"intent,omitempty"`
	Gain    *float64      `json:"gain,omitempty"`
	DelayMS *int          `json:"delay_ms,omitempty"`
	Enabled *bool         `json:"enabled,omitempty"`
	By      string        `json:"by,omitempty"`     // acknowledge: who
	Person  string        `json:"person,omitempty"` // identify: a person id or "visitor"
	// Source is who sent it; the route that received it sets it, never the
	// body, so a fleet client cannot claim to be the console.
	Source Source `json:"-"`
	// Raw is the command as received; annotations keep whatever fields the
	// console sent.
	Raw json.RawMessage `json:"-"`
	// Annotation is annotate's record as the route decoded it (the
	// journal's Annotation, which this package does not know); the engine
	// passes it on untouched, so nobody parses the body twice.
	Annotation any `json:"annotation,omitempty"`
}

// Delay is DelayMS as a duration (0 when unset).
func (c Command) Delay() time.Duration {
	if c.DelayMS == nil {
		return 0
	}
	return time.Duration(*c.DelayMS) * time.Millisecond
}

// Source says where a command or a state change came from, for the record.
type Source string

const (
	SourceConsole  Source = "console"
	SourceMQTT     Source = "mqtt"
	SourceVoice    Source = "voice"    // a spoken word
	SourceTouch    Source = "touch"    // a touch sensor
	SourceScenario Source = "scenario" // a scripted run
	SourceSensing  Source = "sensing"  // the engine's own reading of perception and time
)

// ParseCommand decodes and validates a console or MQTT control body.
// Unknown fields are an error except in annotate, which is passed on as is.
//
// Every route (console, MQTT) reaches the engine through this parser, so the
// text rules live here: a command is valid UTF-8 and none of its strings
// holds a control character other than tab and newline. A NUL in a line to
// say once stopped the voice stage, and with it the run.
func ParseCommand(data []byte) (Command, error) {
	if !utf8.Valid(data) {
		return Command{}, errors.New("behavior: command: not valid UTF-8")
	}
	if err := plainText(data); err != nil {
		return Command{}, fmt.Errorf("behavior: command: %w", err)
	}
	var c Command
	if err := json.Unmarshal(data, &c); err != nil {
		return Command{}, fmt.Errorf("behavior: command: %w", err)
	}
	if c.Cmd != CmdAnnotate {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return Command{}, fmt.Errorf("behavior: command %s: %w", c.Cmd, err)
		}
	}
	c.Raw = append(json.RawMessage(nil), data...)
	if err := c.Validate(); err != nil {
		return Command{}, err
	}
	return c, nil
}

// Validate checks the fields the command's kind needs.
func (c Command) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("behavior: command %s: %s", c.Cmd, fmt.Sprintf(format, args...))
	}
	if c.Cmd != CmdAnnotate && utf8.RuneCountInString(c.Text) > maxSayText {
		return bad("text is longer than %d characters", maxSayText)
	}
	if c.Cmd != CmdAnnotate && c.Annotation != nil {
		return bad("only annotate carries an annotation")
	}
	switch c.Cmd {
	case CmdPause, CmdResume, CmdOptOut, CmdOptIn, CmdAnnotate:
	case CmdSay:
		if c.Text == "" {
			return bad("text is empty")
		}
	case CmdIntent:
		if !knownIntent(c.Kind) {
			return bad("unknown intent kind %q", c.Kind)
		}
		if c.Kind == IntentSay && c.Text == "" {
			return bad("kind say needs text")
		}
	case CmdMimicry:
		if c.Gain == nil && c.DelayMS == nil && c.Enabled == nil {
			return bad("sets none of gain, delay_ms, enabled")
		}
		if c.Gain != nil && !(*c.Gain >= 0 && *c.Gain <= 1) {
			return bad("gain %g is outside 0..1", *c.Gain)
		}
		if c.DelayMS != nil && (*c.DelayMS < 0 || *c.DelayMS > 10000) {
			return bad("delay_ms %d is outside 0..10000", *c.DelayMS)
		}
	case CmdApprove:
		if c.ID == 0 {
			return bad("id is missing")
		}
	case CmdAcknowledge:
		// A name, not a message: the record must say who came.
		if strings.TrimSpace(c.By) == "" {
			return bad("by is empty: say who acknowledges")
		}
		if utf8.RuneCountInString(c.By) > maxByName {
			return bad("by is longer than %d characters", maxByName)
		}
		// It is printed in the run's log line and in later alerts'
		// reasons: a newline in it wrote a line of its own there
		// ("kindred: alert (resolved) ...") that no alert sent.
		if strings.ContainsFunc(c.By, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
			return bad("by is a name on one line: no newline, tab or other control character")
		}
	case CmdIdentify:
		if !personID(c.Person) {
			return bad("person %q is not a person id (lower-case letters, digits and dashes) or %q", c.Person, Visitor)
		}
	case CmdReplace:
		if c.ID == 0 {
			return bad("id is missing")
		}
		if !knownIntent(c.Intent) {
			return bad("unknown intent %q", c.Intent)
		}
		if c.Intent == IntentSay && c.Text == "" {
			return bad("intent say needs text")
		}
	default:
		return fmt.Errorf("behavior: command: unknown cmd %q", c.Cmd)
	}
	return nil
}

// plainText rejects a JSON document any of whose strings (keys included)
// holds a C0 control character other than tab and newline, or DEL.
func plainText(data []byte) error {
	for i, b := range data {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
			return fmt.Errorf("text holds control character U+%04X at byte %d; only tab and newline are allowed", b, i)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return nil // not JSON: the decoder that follows says why
		}
		s, ok := tok.(string)
		if !ok {
			continue
		}
		for i, r := range s {
			if (r < 0x20 && r != '\t' && r != '\n') || r == 0x7f {
				return fmt.Errorf("text holds control character U+%04X at byte %d; only tab and newline are allowed", r, i)
			}
		}
	}
}

// personID reports whether s looks like a person id as calibration makes
// them: lower-case letters, digits and inner dashes, at most 64 bytes.
// "visitor" passes; a pseudonym ("visitor-…") passes too, so a carer can
// name a visitor the robot already filed.
func personID(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// maxByName bounds the name an acknowledgement records.
const maxByName = 80

// maxSayText bounds a line typed at the console: a slip must not make the
// robot talk for minutes.
const maxSayText = 500

func knownIntent(k IntentKind) bool {
	switch k {
	case IntentSay, IntentStill:
		return true
	}
	for _, known := range IntentKinds {
		if k == known {
			return true
		}
	}
	return false
}

// Output is one thing the engine decided: a Session, Transition, Intent,
// Alert, Proposal, SensorsChange, Comforted, MirrorChange, Annotated,
// Acknowledged, Rejected, Listen or Reported, each a value. The interface is
// sealed (its method is unexported), so an output is exactly one of them by
// construction; consumers switch on its type.
type Output interface{ output() }

func (Session) output()       {} // first output of every run
func (Transition) output()    {} // the state changed
func (Intent) output()        {} // something for body and voice to do
func (Alert) output()         {} // tell a carer
func (Proposal) output()      {} // Wizard-of-Oz: an action awaiting approval
func (SensorsChange) output() {} // turn camera and microphone off or on
func (Comforted) output()     {} // the robot began to comfort: consolability starts watching
func (MirrorChange) output()  {} // the mirror settings changed (their own channel to mimicry)
func (Annotated) output()     {} // a supervisor's annotation, untouched
func (Acknowledged) output()  {} // a carer acknowledged the alert
func (Rejected) output()      {} // an input the engine could not act on
func (Listen) output()        {} // listen for the answer to a question (dialogue.go)
func (Reported) output()      {} // a question put or an answer heard, for the record

// Annotated is a supervisor's annotate command, passed on untouched for the
// record.
type Annotated struct{ Command }

// Session reports what makes a run reproducible.
type Session struct {
	Preset    Preset
	Condition Condition
	Seed      uint64
	Wizard    bool
	Initial   State
}

// Transition is a change of state and why.
type Transition struct {
	At       time.Duration
	From, To State
	Reason   string
	Source   Source // who caused it: a command's sender, a word, a touch, or sensing
}

// AlertLevel grades an alert.
type AlertLevel string

const (
	AlertWarning  AlertLevel = "warning"  // pain is not easing
	AlertUrgent   AlertLevel = "urgent"   // severe pain, or a call for help
	AlertResolved AlertLevel = "resolved" // the pain behind an earlier alert eased, or a lost sense came back
)

func (l AlertLevel) rank() int {
	switch l {
	case AlertWarning:
		return 1
	case AlertUrgent:
		return 2
	}
	return 0
}

// Alert asks a carer to come.
type Alert struct {
	At     time.Duration
	Level  AlertLevel
	Reason string
	Person string
	Score  float64 // smoothed pain score when raised
	// Sense names the device a technical alert is about, "camera",
	// "microphone" or "body" (senses.go): the robot cannot see, hear or move. It is apart
	// from the pain episode: its resolution says the device is back and
	// ends no pain alert, nor a pain alert's resolution it. "" for pain.
	Sense string
}

// Proposal is an action the engine would take, held for a supervisor in
// Wizard-of-Oz mode; answer with approve {id} or replace {id, intent}.
type Proposal struct {
	ID     uint64
	At     time.Duration
	Intent Intent
	Reason string
}

// SensorsChange tells the wiring to close (On false) or reopen the camera and
// microphone.
type SensorsChange struct {
	At     time.Duration
	On     bool
	Reason string
}

// Comforted marks the start of comforting; the wiring turns it into a
// perception.Event of kind comforted for consolability.
type Comforted struct {
	At     time.Duration
	Person string
}

// Event is the perception event consolability listens for.
func (c Comforted) Event() perception.Event {
	return perception.Event{At: c.At, Kind: perception.EventComforted, Person: c.Person}
}

// MirrorChange carries new mirror settings between intents.
type MirrorChange struct {
	At       time.Duration
	Settings MirrorSettings
	// Chosen is the condition with the supervisor's overrides, before the
	// state switches mirroring off (idle, paused): what a console shows.
	Chosen MirrorSettings
	// Source is the route of a supervisor's mimicry command (console,
	// mqtt) that changed Chosen; empty when the state alone changed
	// Settings, so the record can tell a change of condition from the
	// robot's own switching.
	Source Source
}

// Acknowledged says a carer has seen the alert and is dealing with it. The
// engine's state does not change: the episode goes on until the pain eases,
// and a worse alert is still raised.
type Acknowledged struct {
	At     time.Duration
	By     string
	Source Source
	// Alert is the latest alert of the open episode, else the one standing,
	// else the most urgent the last run left standing that is still told
	// (Carried); nil when none is (acknowledged late, or after the pain
	// eased), which is recorded too.
	Alert *Alert
}

// Rejected explains why an input was not acted on.
type Rejected struct {
	At     time.Duration
	What   string // the command kind, or the input kind
	Reason string
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
