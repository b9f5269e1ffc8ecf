package behavior

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Preset names a bundle of policy defaults for a setting.
type Preset string

const (
	PresetElderCare Preset = "elder-care" // patient, alerts carers, warm
	PresetLab       Preset = "lab"        // quicker dwell times for experiments
	PresetTherapy   Preset = "therapy"    // quieter, slower to alert, therapist present
)

// Presets lists the presets in a stable order.
var Presets = []Preset{PresetElderCare, PresetLab, PresetTherapy}

// MimicryMode is the experimental manipulation of mirroring.
type MimicryMode string

const (
	MimicryOn         MimicryMode = "on"         // mirror at full gain, no added delay
	MimicryOff        MimicryMode = "off"        // no mirroring
	MimicryDelayed    MimicryMode = "delayed"    // mirror after Condition.Delay
	MimicryAttenuated MimicryMode = "attenuated" // mirror at Condition.Gain
)

// Condition is an HRI experiment condition. It is reported with the seed at
// the start of every run so the run can be reproduced exactly.
type Condition struct {
	Name    string        `yaml:"name"`    // a free label for the study's records
	Mimicry MimicryMode   `yaml:"mimicry"` // on, off, delayed, attenuated
	Gain    float64       `yaml:"gain"`    // 0..1, used when attenuated
	Delay   time.Duration `yaml:"delay"`   // used when delayed
	// ComfortSpeech off keeps the comforting behaviour silent (check-ins,
	// comfort, breathing cues and reassurance carry no Utterance).
	ComfortSpeech bool `yaml:"comfort_speech"`
	// PresenceOnly is social buffering without action: the robot stays,
	// greets and says goodbye, but neither mirrors nor comforts. Carer
	// alerts still go out; safety is not an experimental variable.
	PresenceOnly bool `yaml:"presence_only"`
}

// Mirror is what the condition asks of mimicry before a supervisor changes
// anything: the console starts its sliders from it.
func (c Condition) Mirror() MirrorSettings {
	m := MirrorSettings{Enabled: true, Gain: 1}
	switch c.Mimicry {
	case MimicryOff:
		m.Enabled, m.Gain = false, 0
	case MimicryDelayed:
		m.Delay = c.Delay
	case MimicryAttenuated:
		m.Gain = c.Gain
	}
	return m
}

// PainPolicy turns ~10 Hz assessments into decisions. Scores are the
// PAINAD-aligned 0..10 fused score, smoothed over Smoothing; enter and leave
// thresholds differ (hysteresis) and each must hold for its dwell time.
type PainPolicy struct {
	MinConfidence float64       `yaml:"min_confidence"` // assessments below are ignored
	Smoothing     time.Duration `yaml:"smoothing"`      // time constant of the running mean
	StaleAfter    time.Duration `yaml:"stale_after"`    // no decisions on older data
	Concern       float64       `yaml:"concern"`        // check in at or above
	Comfort       float64       `yaml:"comfort"`        // comfort at or above
	Severe        float64       `yaml:"severe"`         // alert at or above
	Clear         float64       `yaml:"clear"`          // eased below
	ConcernDwell  time.Duration `yaml:"concern_dwell"`
	ComfortDwell  time.Duration `yaml:"comfort_dwell"`
	PersistFor    time.Duration `yaml:"persist_for"` // concern-level pain this long also calls for comfort
	SevereDwell   time.Duration `yaml:"severe_dwell"`
	EaseDwell     time.Duration `yaml:"ease_dwell"`
	Words         []string      `yaml:"words"` // spoken pain words: check in at once
}

// PresencePolicy decides when someone has come or gone.
type PresencePolicy struct {
	ArriveAfter   time.Duration `yaml:"arrive_after"`   // present this long counts as arrived
	LeaveAfter    time.Duration `yaml:"leave_after"`    // absent this long counts as left
	GreetFor      time.Duration `yaml:"greet_for"`      // engaging lasts this long
	RestAfter     time.Duration `yaml:"rest_after"`     // idle this long, then asleep
	GreetCooldown time.Duration `yaml:"greet_cooldown"` // greet the same person aloud at most this often
}

// SpeechPolicy keeps the robot from nagging.
type SpeechPolicy struct {
	MinGap          time.Duration `yaml:"min_gap"`           // between two unprompted utterances
	PerMinute       int           `yaml:"per_minute"`        // unprompted utterances in any minute
	CheckInCooldown time.Duration `yaml:"check_in_cooldown"` // between two spoken check-ins
	Lang            string        `yaml:"lang"`              // empty: the persona's
	GreetTone       Tone          `yaml:"greet_tone"`
}

// ComfortPolicy shapes comforting.
type ComfortPolicy struct {
	BreathingCycle  time.Duration `yaml:"breathing_cycle"`  // one paced breath, in and out
	BreathingCycles int           `yaml:"breathing_cycles"` // cues in one exercise
	Repeat          time.Duration `yaml:"repeat"`           // comfort again this often while pain lasts
	// Breathing says whether the robot asks "Would you like to breathe
	// with me?" before guided breathing (BreathingOffer) or starts it
	// unasked (BreathingAlways). See breathing.go.
	Breathing BreathingMode `yaml:"breathing"`
	Jitter    float64       `yaml:"jitter"` // 0..0.5, fraction of Repeat varied by the seed
	// Concern is how much concern mimicry shows (0..1) while attending,
	// concerned and comforting or alerting.
	AttendingConcern  float64 `yaml:"attending_concern"`
	ConcernedConcern  float64 `yaml:"concerned_concern"`
	ComfortingConcern float64 `yaml:"comforting_concern"`
}

// AlertPolicy says when a carer is told.
type AlertPolicy struct {
	ReliefTimeout time.Duration `yaml:"relief_timeout"` // comforting this long without relief alerts
	Cooldown      time.Duration `yaml:"cooldown"`       // one episode pages a level at most this often; unanswered ones repeat after it; a new episode pages at once
	Words         []string      `yaml:"words"`          // spoken words that call a carer ("help")
	// Corroborate is how long a second cue may come before or after a word
	// from Words for the alert to be urgent: the word again, or distress in
	// the voice or face. A keyword spotter hears "help" in ordinary speech
	// now and then, so a word alone makes the robot ask "Shall I call
	// someone?" and, with no second cue within this time, tells the carer
	// at warning level: never silenced, but not an emergency page.
	Corroborate time.Duration `yaml:"corroborate"`
	// SenseLost is how long the camera or the microphone may deliver
	// nothing before a carer is told, at warning level, that the robot
	// cannot see or hear (a technical alarm in IEC 60601-1-8's terms), and
	// told again when it can. Only the person's opt-out holds it back.
	SenseLost time.Duration `yaml:"sense_lost"`
	// UnseenAfter is how long distress must be heard in the voice (PAINAD
	// vocalisation 1 or more for at least half of every 30 s) while the
	// person is not seen well enough to assess, before a carer is told at
	// warning level; ReliefTimeout more makes it urgent (unseen.go).
	UnseenAfter time.Duration `yaml:"unseen_after"`
}

// OptOutPolicy names what lets a person stop the robot, and start it again.
type OptOutPolicy struct {
	Words      []string `yaml:"words"`        // spoken keywords that opt out
	Touch      []string `yaml:"touch"`        // touch sensors that opt out
	OptInTouch []string `yaml:"opt_in_touch"` // touch sensors that opt back in; empty: console only
	// AckGrace is how long the acknowledgement may take to say before the
	// final IntentStill (voices cuts speech short on IntentStill).
	AckGrace time.Duration `yaml:"ack_grace"`
	// Hush is how long the robot stays still and silent, still sensing and
	// still alerting, when an opt-out word is heard while the person is in
	// distress (see Engine.hush): a cry of "stop" does not switch care off.
	Hush time.Duration `yaml:"hush"`
	// Confirm is how long a lone opt-out word, said while calm, stills and
	// quiets the robot, still sensing; the word again within it opts out
	// (see Engine.quieten). 0 opts out on the first word. A keyword
	// spotter hears "stop" in ordinary speech now and then, and an opt-out
	// switches sensing, and so every alert, off.
	Confirm time.Duration `yaml:"confirm"`
	// Ask puts "Shall I stop watching over you for now?" when the word
	// comes again within Confirm, and opts out on a yes, spoken or nodded,
	// confirmed by a second yes given the same way (opt_out_confirm); a
	// no, or no answer, to either leaves care on. False opts out on the
	// second word. See optout.go.
	Ask bool `yaml:"ask"`
}

// SelfReportPolicy configures the self-report dialogue (dialogue.go).
type SelfReportPolicy struct {
	// Ask puts "How much does it hurt, from zero to ten?" when concern
	// rises (instead of the check-in) and when CheckIn is due.
	Ask bool `yaml:"ask"`
	// MinInterval is the least time between two rating questions (a
	// repeat of an unanswered one is part of the same asking): the robot
	// never nags.
	MinInterval time.Duration `yaml:"min_interval"`
	// CheckIn is the care plan's check-in: ask for a rating this long
	// after the person came, and this long after the last rating
	// question; 0 asks only when concern rises.
	CheckIn time.Duration `yaml:"check_in"`
	// Window is how long the wiring listens for an answer after the
	// question has been said.
	Window time.Duration `yaml:"window"`
	// Wait is how long after asking the engine waits for the wiring's
	// answer (the question's speech, Window, the recogniser) before it
	// counts as none; it must be longer than Window.
	Wait time.Duration `yaml:"wait"`
	// VoiceLangs are the languages with an answer model (pocketsphinx's
	// en-us for English). In any other language the robot asks for a nod
	// or a head-shake instead.
	VoiceLangs []string `yaml:"voice_langs"`
	// PlaceFrom is the rating at or above which "Where does it hurt?"
	// follows a spoken rating; 0 never asks where. A nod cannot say where,
	// so the robot never asks it of someone who answers by nod.
	PlaceFrom int `yaml:"place_from"`
	// NodAfterUnclear asks the one repeat of a yes/no question (the
	// rating question becoming "Does it hurt?") for a nod or a
	// head-shake when the spoken answer was heard but not understood and
	// the person's face was seen: in noise the voice fails where a nod
	// does not. "Where does it hurt?" is always asked by voice.
	NodAfterUnclear bool `yaml:"nod_after_unclear"`
	// Lang is the persona's language, set by the wiring when
	// speech.lang is empty; empty means English.
	Lang string `yaml:"-"`
}

// SupervisionPolicy configures the human in the loop.
type SupervisionPolicy struct {
	// Wizard turns on Wizard-of-Oz mode: every action is a Proposal that a
	// supervisor approves or replaces. Opt-out acknowledgements and going
	// still are never held back.
	Wizard      bool          `yaml:"wizard"`
	ProposalTTL time.Duration `yaml:"proposal_ttl"` // unanswered proposals lapse after this
}

// Config is the whole behaviour configuration. Start from DefaultConfig or
// PresetConfig, or decode YAML into it (UnmarshalYAML); call Validate before
// use (New does).
type Config struct {
	Preset      Preset            `yaml:"preset"`
	Seed        uint64            `yaml:"seed"` // phrase variants and timing jitter
	Condition   Condition         `yaml:"condition"`
	Pain        PainPolicy        `yaml:"pain"`
	Presence    PresencePolicy    `yaml:"presence"`
	Speech      SpeechPolicy      `yaml:"speech"`
	Comfort     ComfortPolicy     `yaml:"comfort"`
	Alert       AlertPolicy       `yaml:"alert"`
	OptOut      OptOutPolicy      `yaml:"opt_out"`
	Supervision SupervisionPolicy `yaml:"supervision"`
	SelfReport  SelfReportPolicy  `yaml:"self_report"`
	// Names maps person ids (as perception reports them) to the names the
	// robot says; intents carry the name, alerts the id.
	Names map[string]string `yaml:"names"`
}

// DefaultConfig is the elder-care preset.
func DefaultConfig() Config {
	c, _ := PresetConfig(PresetElderCare)
	return c
}

// PresetConfig returns the defaults of a preset.
func PresetConfig(p Preset) (Config, error) {
	c := Config{
		Preset: PresetElderCare,
		Seed:   1,
		Condition: Condition{Name: "default", Mimicry: MimicryOn, Gain: 0.4, Delay: 1500 * time.Millisecond,
			ComfortSpeech: true},
		Pain: PainPolicy{MinConfidence: 0.3, Smoothing: 1500 * time.Millisecond, StaleAfter: 3 * time.Second,
			Concern: 3, Comfort: 4, Severe: 7, Clear: 2,
			ConcernDwell: 3 * time.Second, ComfortDwell: 8 * time.Second, PersistFor: 20 * time.Second,
			SevereDwell: 4 * time.Second, EaseDwell: 10 * time.Second,
			Words: []string{"ouch", "it hurts", "ow"}},
		Presence: PresencePolicy{ArriveAfter: time.Second, LeaveAfter: 8 * time.Second, GreetFor: 4 * time.Second,
			RestAfter: 2 * time.Minute, GreetCooldown: 10 * time.Minute},
		Speech: SpeechPolicy{MinGap: 8 * time.Second, PerMinute: 4, CheckInCooldown: time.Minute,
			GreetTone: ToneCheerful},
		Comfort: ComfortPolicy{BreathingCycle: 10 * time.Second, BreathingCycles: 6, Repeat: 40 * time.Second,
			Breathing: BreathingOffer, Jitter: 0.15, AttendingConcern: 0.1, ConcernedConcern: 0.4, ComfortingConcern: 0.7},
		Alert: AlertPolicy{ReliefTimeout: 2 * time.Minute, Cooldown: 10 * time.Minute, Words: []string{"help"},
			Corroborate: 30 * time.Second, SenseLost: 2 * time.Minute, UnseenAfter: 30 * time.Second},
		OptOut: OptOutPolicy{Words: []string{"stop", "go away"}, Touch: []string{"head"},
			AckGrace: 6 * time.Second, Hush: 2 * time.Minute, Confirm: 2 * time.Minute, Ask: true},
		Supervision: SupervisionPolicy{ProposalTTL: 30 * time.Second},
		SelfReport: SelfReportPolicy{Ask: true, MinInterval: 5 * time.Minute, Window: 8 * time.Second,
			Wait: 20 * time.Second, VoiceLangs: []string{"en"}, PlaceFrom: 4,
			NodAfterUnclear: true},
	}
	switch p {
	case PresetElderCare, "":
	case PresetLab:
		c.Preset = PresetLab
		c.Pain.ConcernDwell = 2 * time.Second
		c.Pain.ComfortDwell = 6 * time.Second
		c.Pain.PersistFor = 15 * time.Second
		c.Pain.EaseDwell = 8 * time.Second
		c.Presence.GreetCooldown = 5 * time.Minute
		c.Speech.MinGap = 6 * time.Second
		c.Speech.PerMinute = 6
		c.Speech.GreetTone = ToneNeutral
		c.Alert.ReliefTimeout = 90 * time.Second
		c.Alert.Cooldown = 5 * time.Minute
	case PresetTherapy:
		c.Preset = PresetTherapy
		c.Pain.ConcernDwell = 5 * time.Second
		c.Pain.ComfortDwell = 10 * time.Second
		c.Pain.PersistFor = 30 * time.Second
		c.Pain.EaseDwell = 15 * time.Second
		c.Speech.MinGap = 12 * time.Second
		c.Speech.PerMinute = 3
		c.Speech.CheckInCooldown = 2 * time.Minute
		c.Speech.GreetTone = ToneGentle
		c.Comfort.Repeat = time.Minute
		c.Comfort.BreathingCycle = 12 * time.Second
		c.Alert.ReliefTimeout = 3 * time.Minute
	default:
		return Config{}, fmt.Errorf("behavior: config preset: unknown %q (want elder-care, lab or therapy)", p)
	}
	return c, nil
}

// UnmarshalYAML lets a Config be decoded on its own or as a section of a
// larger file with the same rules: fields left out keep the defaults of the
// preset the section names (elder-care when it names none), and a field the
// Config does not have is an error naming its line, whether or not the
// outer decoder checks for unknown fields. It does not validate.
func (c *Config) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("behavior: config: line %d: want a mapping", node.Line)
	}
	if err := knownFields(node, reflect.TypeFor[Config](), ""); err != nil {
		return err
	}
	var preset Preset
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == "preset" {
			if err := node.Content[i+1].Decode(&preset); err != nil {
				return fmt.Errorf("behavior: config preset: %w", err)
			}
		}
	}
	base, err := PresetConfig(preset)
	if err != nil {
		return err
	}
	type plain Config // without this method, so Decode does not recurse
	p := plain(base)
	if err := node.Decode(&p); err != nil {
		return fmt.Errorf("behavior: config: %w", err)
	}
	*c = Config(p)
	return nil
}

var durationType = reflect.TypeFor[time.Duration]()

// knownFields reports the first mapping key that names no field of t.
func knownFields(node *yaml.Node, t reflect.Type, path string) error {
	if node.Kind != yaml.MappingNode || t.Kind() != reflect.Struct || t == durationType {
		return nil
	}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key := node.Content[i].Value
		field, ok := fieldByTag(t, key)
		if !ok {
			return fmt.Errorf("behavior: config %s%s: line %d: unknown field", path, key, node.Content[i].Line)
		}
		if err := knownFields(node.Content[i+1], field.Type, path+key+"."); err != nil {
			return err
		}
	}
	return nil
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// Validate names the first field that is out of range.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("behavior: config %s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch c.Preset {
	case PresetElderCare, PresetLab, PresetTherapy:
	default:
		bad("preset", "unknown %q (want elder-care, lab or therapy)", c.Preset)
	}
	switch c.Condition.Mimicry {
	case MimicryOn, MimicryOff, MimicryDelayed, MimicryAttenuated:
	default:
		bad("condition.mimicry", "unknown %q (want on, off, delayed or attenuated)", c.Condition.Mimicry)
	}
	unit := func(field string, v float64) {
		if !(v >= 0 && v <= 1) {
			bad(field, "%g is outside 0..1", v)
		}
	}
	positive := func(field string, d time.Duration) {
		if d <= 0 {
			bad(field, "%v must be positive", d)
		}
	}
	notNegative := func(field string, d time.Duration) {
		if d < 0 {
			bad(field, "%v must not be negative", d)
		}
	}
	unit("condition.gain", c.Condition.Gain)
	if c.Condition.Delay < 0 || c.Condition.Delay > 10*time.Second {
		bad("condition.delay", "%v is outside 0..10s", c.Condition.Delay)
	}
	c.validateAlerting(bad)
	notNegative("presence.greet_for", c.Presence.GreetFor)
	positive("presence.rest_after", c.Presence.RestAfter)
	notNegative("presence.greet_cooldown", c.Presence.GreetCooldown)
	notNegative("speech.min_gap", c.Speech.MinGap)
	if c.Speech.PerMinute < 1 {
		bad("speech.per_minute", "%d must be at least 1", c.Speech.PerMinute)
	}
	notNegative("speech.check_in_cooldown", c.Speech.CheckInCooldown)
	switch c.Speech.GreetTone {
	case ToneGentle, ToneNeutral, ToneCheerful:
	default:
		bad("speech.greet_tone", "unknown %q (want gentle, neutral or cheerful)", c.Speech.GreetTone)
	}
	if c.Comfort.BreathingCycle < 4*time.Second || c.Comfort.BreathingCycle > 30*time.Second {
		bad("comfort.breathing_cycle", "%v is outside 4s..30s", c.Comfort.BreathingCycle)
	}
	if c.Comfort.BreathingCycles < 0 || c.Comfort.BreathingCycles > 30 {
		bad("comfort.breathing_cycles", "%d is outside 0..30", c.Comfort.BreathingCycles)
	}
	if c.Comfort.Repeat < c.Speech.MinGap {
		bad("comfort.repeat", "%v must not be shorter than speech.min_gap %v", c.Comfort.Repeat, c.Speech.MinGap)
	}
	if c.Comfort.Breathing != BreathingOffer && c.Comfort.Breathing != BreathingAlways {
		bad("comfort.breathing", "%q is neither %q nor %q", c.Comfort.Breathing, BreathingOffer, BreathingAlways)
	}
	if !(c.Comfort.Jitter >= 0 && c.Comfort.Jitter <= 0.5) {
		bad("comfort.jitter", "%g is outside 0..0.5", c.Comfort.Jitter)
	}
	unit("comfort.attending_concern", c.Comfort.AttendingConcern)
	unit("comfort.concerned_concern", c.Comfort.ConcernedConcern)
	unit("comfort.comforting_concern", c.Comfort.ComfortingConcern)
	if len(c.OptOut.Words) == 0 && len(c.OptOut.Touch) == 0 {
		bad("opt_out", "needs at least one word or touch sensor; a person must always be able to stop the robot")
	}
	for _, w := range c.OptOut.Words {
		if normalise(w) == "" {
			bad("opt_out.words", "empty word")
		}
	}
	if c.OptOut.Hush < 0 || c.OptOut.Hush > 30*time.Minute {
		bad("opt_out.hush", "%v is outside 0..30m", c.OptOut.Hush)
	}
	if c.OptOut.Confirm < 0 || c.OptOut.Confirm > 30*time.Minute {
		bad("opt_out.confirm", "%v is outside 0..30m", c.OptOut.Confirm)
	}
	if c.OptOut.AckGrace < 0 || c.OptOut.AckGrace > 30*time.Second {
		bad("opt_out.ack_grace", "%v is outside 0..30s", c.OptOut.AckGrace)
	}
	positive("supervision.proposal_ttl", c.Supervision.ProposalTTL)
	sr := c.SelfReport
	if sr.MinInterval < time.Minute {
		bad("self_report.min_interval", "%v is under 1m; the robot must not nag", sr.MinInterval)
	}
	notNegative("self_report.check_in", sr.CheckIn)
	if sr.CheckIn > 0 && sr.CheckIn < sr.MinInterval {
		bad("self_report.check_in", "%v is shorter than self_report.min_interval %v", sr.CheckIn, sr.MinInterval)
	}
	if sr.Window < 2*time.Second || sr.Window > 30*time.Second {
		bad("self_report.window", "%v is outside 2s..30s", sr.Window)
	}
	if sr.Wait <= sr.Window || sr.Wait > 2*time.Minute {
		bad("self_report.wait", "%v must be longer than self_report.window %v and at most 2m", sr.Wait, sr.Window)
	}
	if sr.PlaceFrom < 0 || sr.PlaceFrom > 10 {
		bad("self_report.place_from", "%d is outside 0..10 (0 never asks where it hurts)", sr.PlaceFrom)
	}
	if len(errs) > 0 {
		return errs[0] // one line for the CLI; fix and run again
	}
	return nil
}
