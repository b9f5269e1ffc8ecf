package scenario

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/internal/inputfile"
	"github.com/kindred-hri/kindred/perception"
)

// ErrBadScenario marks a scenario that cannot be read or makes no sense; the
// CLI maps it to exit code 2.
var ErrBadScenario = errors.New("bad scenario")

// The built-in scenarios, and the recorded answers they give (synthesised
// speech, flite's slt voice).
//
//go:embed builtin/*.yaml builtin/*.wav
var builtins embed.FS

// Scenario is a parsed, validated timeline. It is immutable once loaded; a
// Player holds the playback state.
type Scenario struct {
	Name        string
	Description string
	Person      Person
	FaceRate    float64       // face observations per second
	PostureRate float64       // posture observations per second
	VoiceHop    time.Duration // voice analysis hop
	Noise       float64       // SD of the noise on present AUs' intensities (×3, in degrees, on head pose)
	Phases      []Phase
	// Answers are recorded answers the person gives to the robot's
	// questions, in order: the first question asked gets the first.
	Answers []Answer
}

// Answer is a recording of a spoken answer (a WAV file) to a question the
// robot asks: "rating" ("How much does it hurt?"), "place" ("Where does it
// hurt?"), "call" ("Shall I call someone?"), "breathe" ("Would you like to
// breathe with me?"), "opt_out" ("Shall I stop watching over you for
// now?"), "opt_out_confirm" (its "To be sure: … Say yes to stop") or "any"
// (whichever comes next).
type Answer struct {
	Question string `yaml:"question"`
	// Audio is the WAV file's path; a relative path is read from the
	// scenario file's folder (a built-in scenario's from the binary).
	Audio string `yaml:"audio"`

	builtin bool   // Audio is in builtins
	data    []byte // the recording, read when its scenario file was loaded
}

// MaxAnswerBytes bounds a recorded answer's file: a spoken answer lasts
// seconds, and this is a minute and a half of 48 kHz stereo.
const MaxAnswerBytes = 16 << 20

// Open opens the answer's recording: a built-in one from the binary, one
// of a scenario file as it was read at Load. An answer of a scenario only
// parsed is read now, as hostile input (inputfile): a named pipe is
// refused at once rather than waited on for ever by the goroutine that
// hears answers, which kept the run from ever stopping.
func (a Answer) Open() (io.ReadCloser, error) {
	switch {
	case a.builtin:
		return builtins.Open(a.Audio)
	case a.data != nil:
		return io.NopCloser(bytes.NewReader(a.data)), nil
	}
	data, err := inputfile.ReadFile(a.Audio, MaxAnswerBytes)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(data)), nil
}

// AnswerQuestions are the values Answer.Question takes.
var AnswerQuestions = []string{"rating", "place", "call", "breathe", "opt_out", "opt_out_confirm", "any"}

// Person is who the scenario plays.
type Person struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
}

// Phase is one stretch of the timeline and the state the person reaches in it.
type Phase struct {
	Name     string        `yaml:"name"`
	Duration time.Duration `yaml:"duration"` // how long; the minimum when Until is set
	Ramp     time.Duration `yaml:"ramp"`     // time to move from the previous state to this one
	Until    string        `yaml:"until"`    // "" or "comfort"
	Reaction time.Duration `yaml:"reaction"` // with until: comfort, delay from comfort to the phase's end
	Face     FaceState     `yaml:"face"`
	Voice    VoiceState    `yaml:"voice"`
	Posture  PostureState  `yaml:"posture"`
	Events   []PhaseEvent  `yaml:"events"`
}

// UntilComfort is the only value Phase.Until accepts besides "".
const UntilComfort = "comfort"

// FaceState is where the face is by the end of a phase's ramp.
type FaceState struct {
	Absent     bool                  `yaml:"absent"` // turned away or out of view
	Expression perception.Expression `yaml:"expression"`
	Confidence float64               `yaml:"confidence"`
	AU         AUSpec                `yaml:"au"`
	Pose       PoseSpec              `yaml:"pose"`
	Sway       SwaySpec              `yaml:"sway"`
}

// AUSpec holds action unit intensities as YAML spells them (AU04: 2.5).
type AUSpec struct {
	AU01 float64 `yaml:"AU01"`
	AU02 float64 `yaml:"AU02"`
	AU04 float64 `yaml:"AU04"`
	AU06 float64 `yaml:"AU06"`
	AU07 float64 `yaml:"AU07"`
	AU09 float64 `yaml:"AU09"`
	AU10 float64 `yaml:"AU10"`
	AU12 float64 `yaml:"AU12"`
	AU15 float64 `yaml:"AU15"`
	AU25 float64 `yaml:"AU25"`
	AU26 float64 `yaml:"AU26"`
	AU43 float64 `yaml:"AU43"`
}

func (a AUSpec) aus() perception.AUs { return perception.AUs(a) }

// PoseSpec is a head pose in degrees.
type PoseSpec struct {
	Yaw   float64 `yaml:"yaw"`
	Pitch float64 `yaml:"pitch"`
	Roll  float64 `yaml:"roll"`
}

// SwaySpec is a periodic head movement on top of the pose: nodding (pitch),
// shaking (yaw), rocking (pitch and roll together), in degrees of amplitude.
type SwaySpec struct {
	Yaw    float64       `yaml:"yaw"`
	Pitch  float64       `yaml:"pitch"`
	Roll   float64       `yaml:"roll"`
	Period time.Duration `yaml:"period"`
}

// VoiceState is how the person sounds during a phase. Sound comes in bursts
// of On followed by Off of silence; On 0 means continuous while the class is
// not silence.
type VoiceState struct {
	Class      perception.VocalClass `yaml:"class"`
	Distress   float64               `yaml:"distress"`
	F0         float64               `yaml:"f0"`        // Hz
	Intensity  float64               `yaml:"intensity"` // dB
	HNR        float64               `yaml:"hnr"`       // dB
	On         time.Duration         `yaml:"on"`
	Off        time.Duration         `yaml:"off"`
	NoiseFloor float64               `yaml:"noise_floor"` // dB when silent
}

// PostureState is the movement quality reached by the end of a ramp (0..1
// each, breathing in breaths per minute).
type PostureState struct {
	Amplitude    float64 `yaml:"amplitude"`
	Speed        float64 `yaml:"speed"`
	Jerk         float64 `yaml:"jerk"`
	Rocking      float64 `yaml:"rocking"`
	Restlessness float64 `yaml:"restlessness"`
	Guarding     float64 `yaml:"guarding"`
	Breathing    float64 `yaml:"breathing"`
}

// PhaseEvent is a discrete event at an offset from its phase's start.
type PhaseEvent struct {
	At   time.Duration `yaml:"at"`
	Kind string        `yaml:"kind"` // keyword, touch, left, arrived
	Text string        `yaml:"text"` // the keyword or the sensor
}

// file is the YAML document.
type file struct {
	Name        string        `yaml:"name"`
	Description string        `yaml:"description"`
	Person      Person        `yaml:"person"`
	FaceRate    float64       `yaml:"face_rate"`
	PostureRate float64       `yaml:"posture_rate"`
	VoiceHop    time.Duration `yaml:"voice_hop"`
	Noise       float64       `yaml:"noise"`
	Phases      []Phase       `yaml:"phases"`
	Answers     []Answer      `yaml:"answers"`
}

// Names lists the built-in scenarios.
func Names() []string {
	entries, err := builtins.ReadDir("builtin")
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// Load returns a built-in scenario by name, or reads a YAML file when
// nameOrPath is not a built-in name.
func Load(nameOrPath string) (*Scenario, error) {
	if data, err := builtins.ReadFile("builtin/" + nameOrPath + ".yaml"); err == nil {
		s, err := Parse(nameOrPath, data)
		if err != nil {
			return nil, err
		}
		for i := range s.Answers {
			a := &s.Answers[i]
			a.Audio, a.builtin = path.Join("builtin", filepath.Base(a.Audio)), true
		}
		return s, nil
	}
	if _, err := os.Lstat(nameOrPath); err != nil && !strings.ContainsAny(nameOrPath, "/\\.") {
		return nil, fmt.Errorf("scenario: %q is neither a built-in (%s) nor a file: %w",
			nameOrPath, strings.Join(Names(), ", "), ErrBadScenario)
	}
	data, err := inputfile.ReadFile(nameOrPath, inputfile.MaxConfig)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w: %w", ErrBadScenario, err)
	}
	s, err := Parse(nameOrPath, data)
	if err != nil {
		return nil, err
	}
	if err := s.readAnswers(nameOrPath, data); err != nil {
		return nil, err
	}
	return s, nil
}

// readAnswers reads the recorded answers a scenario file names, as the
// file itself is read: one that is missing, unreadable, not a regular file
// or larger than MaxAnswerBytes is bad input at start, naming its line.
func (s *Scenario) readAnswers(source string, doc []byte) error {
	for i := range s.Answers {
		a := &s.Answers[i]
		b, err := inputfile.ReadFile(a.Audio, MaxAnswerBytes)
		if err != nil {
			var root yaml.Node
			_ = yaml.Unmarshal(doc, &root) // it parsed: only used for the line
			path := []string{"answers", fmt.Sprint(i), "audio"}
			return fmt.Errorf("scenario %s: line %d: %s: %v: %w", source, lineOf(&root, path), strings.Join(path, "."), err, ErrBadScenario)
		}
		a.data = b
	}
	return nil
}

// Parse reads a scenario from YAML; source names the file in errors.
func Parse(source string, data []byte) (*Scenario, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("scenario %s: empty file: %w", source, ErrBadScenario)
		}
		return nil, fmt.Errorf("scenario %s: %s: %w", source, strings.ReplaceAll(err.Error(), "\n", ";"), ErrBadScenario)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root) // cannot fail after Decode succeeded; only used for line numbers
	if err := f.validate(); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			line := lineOf(&root, fe.path)
			return nil, fmt.Errorf("scenario %s: line %d: %s: %s: %w", source, line, strings.Join(fe.path, "."), fe.msg, ErrBadScenario)
		}
		return nil, fmt.Errorf("scenario %s: %v: %w", source, err, ErrBadScenario)
	}
	s := &Scenario{
		Name: f.Name, Description: f.Description, Person: f.Person,
		FaceRate: f.FaceRate, PostureRate: f.PostureRate, VoiceHop: f.VoiceHop, Noise: f.Noise,
		Phases: f.Phases, Answers: f.Answers,
	}
	for i := range s.Answers {
		if a := &s.Answers[i]; !filepath.IsAbs(a.Audio) {
			a.Audio = filepath.Join(filepath.Dir(source), a.Audio)
		}
	}
	if s.Name == "" {
		s.Name = strings.TrimSuffix(filepath.Base(source), ".yaml")
	}
	if s.FaceRate == 0 {
		s.FaceRate = 30
	}
	if s.PostureRate == 0 {
		s.PostureRate = 10
	}
	if s.VoiceHop == 0 {
		s.VoiceHop = 10 * time.Millisecond
	}
	for i := range s.Phases {
		p := &s.Phases[i]
		if p.Face.Confidence == 0 {
			p.Face.Confidence = 0.9
		}
		if p.Voice.Class == "" {
			p.Voice.Class = perception.VocalSilence
		}
		if p.Voice.NoiseFloor == 0 {
			p.Voice.NoiseFloor = 35
		}
		if p.Voice.HNR == 0 {
			p.Voice.HNR = defaultHNR(p.Voice.Class)
		}
		if p.Voice.Intensity == 0 {
			p.Voice.Intensity = 60
		}
		if p.Voice.F0 == 0 {
			p.Voice.F0 = 180
		}
		sort.SliceStable(p.Events, func(a, b int) bool { return p.Events[a].At < p.Events[b].At })
	}
	return s, nil
}

func defaultHNR(c perception.VocalClass) float64 {
	switch c {
	case perception.VocalSpeech:
		return 15
	case perception.VocalMoan, perception.VocalSigh:
		return 9
	case perception.VocalCry, perception.VocalScream:
		return 5
	}
	return 3
}

// minPhase keeps a looping timeline from spinning through empty phases.
const minPhase = 100 * time.Millisecond

// fieldError is a validation failure at a YAML path such as phases.2.voice.class.
type fieldError struct {
	path []string
	msg  string
}

func (e *fieldError) Error() string { return strings.Join(e.path, ".") + ": " + e.msg }

func bad(msg string, path ...string) error { return &fieldError{path: path, msg: msg} }

var vocalClasses = map[perception.VocalClass]bool{
	perception.VocalSilence: true, perception.VocalSpeech: true, perception.VocalMoan: true,
	perception.VocalCry: true, perception.VocalScream: true, perception.VocalSigh: true,
	perception.VocalPant: true, perception.VocalOther: true,
}

var expressions = map[perception.Expression]bool{
	perception.ExprUnknown: true, perception.ExprNeutral: true, perception.ExprPain: true,
	perception.ExprHappy: true, perception.ExprSad: true, perception.ExprSurprise: true,
}

var eventKinds = map[string]bool{"keyword": true, "touch": true, "left": true, "arrived": true}

func (f *file) validate() error {
	// Every range is written so that NaN fails it: a rate of NaN, or one
	// so small that its period overflows, put every observation at the
	// same instant, and the player emitted them without end, deaf to
	// --for and Ctrl-C.
	if f.FaceRate != 0 && !within(f.FaceRate, 1, 120) {
		return bad("must be between 1 and 120 per second", "face_rate")
	}
	if f.PostureRate != 0 && !within(f.PostureRate, 1, 60) {
		return bad("must be between 1 and 60 per second", "posture_rate")
	}
	if f.VoiceHop < 0 || (f.VoiceHop > 0 && f.VoiceHop < time.Millisecond) || f.VoiceHop > time.Second {
		return bad("must be between 1ms and 1s", "voice_hop")
	}
	if !within(f.Noise, 0, 1) {
		return bad("must be within 0..1 (AU intensity units)", "noise")
	}
	if len(f.Phases) == 0 {
		return bad("at least one phase is needed", "phases")
	}
	for i, a := range f.Answers {
		if !slices.Contains(AnswerQuestions, a.Question) {
			return bad(fmt.Sprintf("%q is not one of %s", a.Question, strings.Join(AnswerQuestions, ", ")),
				"answers", fmt.Sprint(i), "question")
		}
		if strings.TrimSpace(a.Audio) == "" {
			return bad("names no WAV file", "answers", fmt.Sprint(i), "audio")
		}
	}
	for i, p := range f.Phases {
		at := func(field ...string) []string { return append([]string{"phases", fmt.Sprint(i)}, field...) }
		switch p.Until {
		case "":
			if p.Duration < minPhase {
				return bad("must be at least 100ms (e.g. 10s)", at("duration")...)
			}
		case UntilComfort:
			if p.Duration < 0 {
				return bad("must not be negative", at("duration")...)
			}
		default:
			return bad(fmt.Sprintf("%q: only \"comfort\" is known", p.Until), at("until")...)
		}
		if p.Ramp < 0 {
			return bad("must not be negative", at("ramp")...)
		}
		if p.Reaction < 0 {
			return bad("must not be negative", at("reaction")...)
		}
		if !expressions[p.Face.Expression] {
			return bad(fmt.Sprintf("unknown expression %q", p.Face.Expression), at("face", "expression")...)
		}
		if !within(p.Face.Confidence, 0, 1) {
			return bad("must be within 0..1", at("face", "confidence")...)
		}
		if err := checkAUs(p.Face.AU, at("face", "au")); err != nil {
			return err
		}
		if p.Face.Sway.Period < 0 || (p.Face.Sway != (SwaySpec{}) && p.Face.Sway.Period == 0) {
			return bad("a sway needs a positive period", at("face", "sway", "period")...)
		}
		v := p.Voice
		if v.Class != "" && !vocalClasses[v.Class] {
			return bad(fmt.Sprintf("unknown class %q", v.Class), at("voice", "class")...)
		}
		if !within(v.Distress, 0, 1) {
			return bad("must be within 0..1", at("voice", "distress")...)
		}
		if !within(v.F0, 0, 1200) {
			return bad("must be within 0..1200 Hz", at("voice", "f0")...)
		}
		if !within(v.Intensity, 0, 130) {
			return bad("must be within 0..130 dB", at("voice", "intensity")...)
		}
		if !within(v.HNR, -20, 60) {
			return bad("must be within -20..60 dB", at("voice", "hnr")...)
		}
		if !within(v.NoiseFloor, 0, 130) {
			return bad("must be within 0..130 dB", at("voice", "noise_floor")...)
		}
		if err := checkPose(p.Face.Pose, p.Face.Sway, at("face")); err != nil {
			return err
		}
		if v.On < 0 || v.Off < 0 {
			return bad("must not be negative", at("voice", "on")...)
		}
		if err := checkPosture(p.Posture, at("posture")); err != nil {
			return err
		}
		for j, e := range p.Events {
			ep := at("events", fmt.Sprint(j))
			if !eventKinds[e.Kind] {
				return bad(fmt.Sprintf("unknown kind %q (keyword, touch, left, arrived)", e.Kind), append(ep, "kind")...)
			}
			if e.At < 0 || (p.Duration > 0 && e.At > p.Duration) {
				return bad("must lie within the phase's duration", append(ep, "at")...)
			}
			if e.Kind == "keyword" && e.Text == "" {
				return bad("a keyword event needs its text", append(ep, "text")...)
			}
		}
	}
	return nil
}

// within says whether v lies in [lo, hi]; NaN never does.
func within(v, lo, hi float64) bool { return v >= lo && v <= hi }

// checkPose bounds a head pose and its sway to what a head can do, in
// degrees.
func checkPose(p PoseSpec, s SwaySpec, path []string) error {
	vals := []struct {
		name []string
		v    float64
	}{{[]string{"pose", "yaw"}, p.Yaw}, {[]string{"pose", "pitch"}, p.Pitch}, {[]string{"pose", "roll"}, p.Roll},
		{[]string{"sway", "yaw"}, s.Yaw}, {[]string{"sway", "pitch"}, s.Pitch}, {[]string{"sway", "roll"}, s.Roll}}
	for _, x := range vals {
		if !within(x.v, -90, 90) {
			return bad("must be within -90..90 degrees", append(slices.Clone(path), x.name...)...)
		}
	}
	return nil
}

func checkAUs(a AUSpec, path []string) error {
	vals := []struct {
		name string
		v    float64
	}{{"AU01", a.AU01}, {"AU02", a.AU02}, {"AU04", a.AU04}, {"AU06", a.AU06}, {"AU07", a.AU07},
		{"AU09", a.AU09}, {"AU10", a.AU10}, {"AU12", a.AU12}, {"AU15", a.AU15}, {"AU25", a.AU25},
		{"AU26", a.AU26}}
	for _, x := range vals {
		if !within(x.v, 0, 5) {
			return bad("must be within 0..5", append(path, x.name)...)
		}
	}
	if a.AU43 != 0 && a.AU43 != 1 {
		return bad("must be 0 or 1", append(path, "AU43")...)
	}
	return nil
}

func checkPosture(p PostureState, path []string) error {
	vals := []struct {
		name string
		v    float64
	}{{"amplitude", p.Amplitude}, {"speed", p.Speed}, {"jerk", p.Jerk}, {"rocking", p.Rocking},
		{"restlessness", p.Restlessness}, {"guarding", p.Guarding}}
	for _, x := range vals {
		if !within(x.v, 0, 1) {
			return bad("must be within 0..1", append(path, x.name)...)
		}
	}
	if !within(p.Breathing, 0, 80) {
		return bad("must be within 0..80 breaths per minute", append(path, "breathing")...)
	}
	return nil
}

// lineOf finds the line of the deepest node along path (mapping keys and
// sequence indices) in a YAML document.
func lineOf(root *yaml.Node, path []string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, key := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					line = n.Content[i].Line
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			var idx int
			if _, err := fmt.Sscan(key, &idx); err == nil && idx >= 0 && idx < len(n.Content) {
				next = n.Content[idx]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}
