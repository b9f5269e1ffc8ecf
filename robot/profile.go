package robot

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/internal/inputfile"
)

// ErrBadProfile marks a profile that cannot be used as written: unreadable,
// malformed YAML, an unknown field or joint, or values out of range. The CLI
// maps it to exit code 2. Test with errors.Is.
var ErrBadProfile = errors.New("bad robot profile")

// ProfileError says where a profile is wrong, in one line:
// "FILE:LINE: FIELD: problem".
type ProfileError struct {
	File  string
	Line  int    // 0 when unknown (e.g. unreadable file)
	Field string // e.g. "joints[2].min_deg"; empty for the whole file
	Msg   string
}

func (e *ProfileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap lets errors.Is(err, ErrBadProfile) hold for every ProfileError.
func (e *ProfileError) Unwrap() error { return ErrBadProfile }

// BoardKind says what drives the joints.
type BoardKind string

const (
	BoardSim     BoardKind = "sim"     // robot/sim, no hardware
	BoardPCA9685 BoardKind = "pca9685" // 16-channel I²C PWM board (robot/pca9685)
	BoardFirmata BoardKind = "firmata" // Arduino running Firmata (robot/firmata)
)

// Hardware pulse window every hobby servo tolerates. Calibration may only
// narrow it.
const (
	MinPulse PulseWidth = 500
	MaxPulse PulseWidth = 2500
	// FirmataMinPulse: Arduino's Servo.write treats values below 544 as
	// degrees, so a Firmata body must keep its pulses at or above it.
	FirmataMinPulse PulseWidth = 544
)

// Board is the controller a profile's joints hang off.
type Board struct {
	Kind BoardKind `yaml:"kind"`
	// PCA9685: Linux I²C bus number (/dev/i2c-N), 7-bit address, PWM rate.
	Bus     int       `yaml:"bus,omitempty"`
	Address int       `yaml:"address,omitempty"`
	PWMRate Frequency `yaml:"pwm_hz,omitempty"`
	// Firmata: "serial" (Port is a device such as /dev/ttyACM0) or "tcp"
	// (Port is HOST:PORT, e.g. an ESP8266 running StandardFirmataWiFi).
	Transport string `yaml:"transport,omitempty"`
	Port      string `yaml:"port,omitempty"`
}

// Pulses are the servo pulse widths, in microseconds, measured at a
// joint's Min, Neutral and Max angles. Between them the pulse is linear in
// the angle, piece by piece, so a servo whose neutral is off-centre is
// still exact at all three marks.
type Pulses struct {
	Min     PulseWidth `yaml:"min"`
	Neutral PulseWidth `yaml:"neutral"`
	Max     PulseWidth `yaml:"max"`
}

// JointConfig is one joint of a profile with its calibration.
type JointConfig struct {
	ID JointID `yaml:"id"`
	// Channel is the PCA9685 channel (0–15) or the Firmata pin.
	Channel int   `yaml:"channel"`
	Min     Angle `yaml:"min_deg"`
	Max     Angle `yaml:"max_deg"`
	Neutral Angle `yaml:"neutral_deg"`
	// SafeAt is where Halt leaves the joint; nil means Neutral.
	SafeAt *Angle `yaml:"safe_deg,omitempty"`
	Pulse  Pulses `yaml:"pulse_us"`
	// Invert says the horn turns the other way: the pulse falls as the
	// angle rises, so Pulse.Min > Pulse.Neutral > Pulse.Max.
	Invert   bool         `yaml:"invert,omitempty"`
	MaxSpeed AngularSpeed `yaml:"max_speed_dps"`
	MaxAccel AngularAccel `yaml:"max_accel_dps2"`
}

// Safe returns where Halt leaves the joint.
func (j JointConfig) Safe() Angle {
	if j.SafeAt != nil {
		return *j.SafeAt
	}
	return j.Neutral
}

// Spec is what the limiter and the stages may know about the joint.
func (j JointConfig) Spec() JointSpec {
	return JointSpec{
		ID: j.ID, Min: j.Min, Max: j.Max, Neutral: j.Neutral, Safe: j.Safe(),
		MaxSpeed: j.MaxSpeed, MaxAccel: j.MaxAccel,
	}
}

// PulseAt converts an angle to the pulse width that puts the servo there.
// The angle is clamped to the joint's range first, so no angle yields a
// pulse outside the calibrated window.
func (j JointConfig) PulseAt(a Angle) PulseWidth {
	x, lo, mid, hi := a.Degrees(), j.Min.Degrees(), j.Neutral.Degrees(), j.Max.Degrees()
	pLo, pMid, pHi := j.Pulse.Min.Microseconds(), j.Pulse.Neutral.Microseconds(), j.Pulse.Max.Microseconds()
	if math.IsNaN(x) {
		x = mid
	}
	x = math.Max(lo, math.Min(hi, x))
	if x <= mid {
		if mid == lo {
			return j.Pulse.Neutral
		}
		f := (x - lo) / (mid - lo)
		return Microseconds(pLo + f*(pMid-pLo))
	}
	f := (x - mid) / (hi - mid)
	return Microseconds(pMid + f*(pHi-pMid))
}

// SensorKind is what a robot-side sensor measures.
type SensorKind string

const (
	SensorTouch SensorKind = "touch" // capacitive or switch: someone is touching the robot
	SensorEDA   SensorKind = "eda"   // electrodermal activity (skin conductance)
	SensorPulse SensorKind = "pulse" // optical pulse (PPG)
)

// Signal is how a sensor is wired to the board.
type Signal string

const (
	SignalAnalog  Signal = "analog"
	SignalDigital Signal = "digital"
)

// SensorConfig declares a sensor on an analog or digital pin of the board.
type SensorConfig struct {
	ID     string     `yaml:"id"`
	Kind   SensorKind `yaml:"kind"`
	Signal Signal     `yaml:"signal"`
	// Pin is the Firmata pin number (analog pins by their analog index,
	// A0 = 0, as Firmata reports them).
	Pin  int       `yaml:"pin"`
	Rate Frequency `yaml:"rate_hz,omitempty"`
	// Threshold (0–1 of full scale) turns an analog touch reading into
	// touched / not touched.
	Threshold float64 `yaml:"threshold,omitempty"`
}

// Profile is a body: its board, its calibrated joints and its sensors.
type Profile struct {
	Name    string         `yaml:"name"`
	Board   Board          `yaml:"board"`
	Joints  []JointConfig  `yaml:"joints"`
	Sensors []SensorConfig `yaml:"sensors,omitempty"`

	// Source is the file the profile came from ("builtin:NAME" for
	// embedded ones); error messages name it.
	Source string `yaml:"-"`
}

// Specs returns the joint specs in profile order.
func (p *Profile) Specs() []JointSpec {
	s := make([]JointSpec, len(p.Joints))
	for i, j := range p.Joints {
		s[i] = j.Spec()
	}
	return s
}

// Joint returns the joint config by ID.
func (p *Profile) Joint(id JointID) (JointConfig, bool) {
	for _, j := range p.Joints {
		if j.ID == id {
			return j, true
		}
	}
	return JointConfig{}, false
}

// SafePose returns every joint at its safe angle.
func (p *Profile) SafePose() Pose {
	pose := make(Pose, len(p.Joints))
	for _, j := range p.Joints {
		pose[j.ID] = j.Safe()
	}
	return pose
}

// Marshal writes the profile as YAML that LoadProfile reads back.
func (p *Profile) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("robot: encode profile %s: %w", p.Name, err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("robot: encode profile %s: %w", p.Name, err)
	}
	return buf.Bytes(), nil
}

// KnownJoints are the joint names a profile may use (see types.go).
var knownJoints = map[JointID]bool{
	HeadPan: true, HeadTilt: true, HeadRoll: true,
	BrowInnerLeft: true, BrowInnerRight: true, BrowOuterLeft: true, BrowOuterRight: true,
	LidLeft: true, LidRight: true, MouthCornerLeft: true, MouthCornerRight: true, Jaw: true,
	ArmLeftShoulder: true, ArmLeftElbow: true, ArmRightShoulder: true, ArmRightElbow: true,
}

//go:embed profiles/*.yaml
var builtinFS embed.FS

// Builtins lists the names of the embedded profiles.
func Builtins() []string {
	ents, err := builtinFS.ReadDir("profiles")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// LoadProfile loads a built-in profile by name ("sim", "tabletop-pca9685",
// "humanoid-firmata") or a YAML file by path. Every problem with the
// profile itself is a *ProfileError (errors.Is ErrBadProfile).
func LoadProfile(nameOrPath string) (*Profile, error) {
	if data, err := builtinFS.ReadFile("profiles/" + nameOrPath + ".yaml"); err == nil && !strings.ContainsAny(nameOrPath, "/\\") {
		return ParseProfile("builtin:"+nameOrPath, data)
	}
	data, err := inputfile.ReadFile(nameOrPath, inputfile.MaxConfig)
	if err != nil {
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		if filepath.Ext(nameOrPath) == "" && errors.Is(err, os.ErrNotExist) {
			msg = fmt.Sprintf("no such file and no built-in profile (built-ins: %s)", strings.Join(Builtins(), ", "))
		}
		return nil, &ProfileError{File: nameOrPath, Msg: msg}
	}
	return ParseProfile(nameOrPath, data)
}

var (
	yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)
	unitTypeRE = regexp.MustCompile(`into robot\.(Angle|AngularSpeed|AngularAccel|PulseWidth|Frequency)\b`)
)

// ParseProfile decodes and validates a profile; file names it in errors.
func ParseProfile(file string, data []byte) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ProfileError{File: file, Msg: "empty profile"}
		}
		return nil, yamlError(file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(file, err)
	}
	p.Source = file
	if p.Board.Kind == BoardPCA9685 {
		if p.Board.Address == 0 {
			p.Board.Address = 0x40
		}
		if p.Board.PWMRate == 0 {
			p.Board.PWMRate = Hertz(50)
		}
	}
	for i := range p.Sensors {
		if p.Sensors[i].Rate == 0 {
			p.Sensors[i].Rate = Hertz(20)
		}
		if p.Sensors[i].Threshold == 0 && p.Sensors[i].Signal == SignalAnalog && p.Sensors[i].Kind == SensorTouch {
			p.Sensors[i].Threshold = 0.5
		}
	}
	if err := p.validate(); err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			return nil, &ProfileError{File: file, Line: lineOf(&root, fe.path), Field: fe.field(), Msg: fe.msg}
		}
		return nil, &ProfileError{File: file, Msg: err.Error()}
	}
	return &p, nil
}

// yamlError turns a yaml error (possibly several lines) into one line
// naming the first problem.
func yamlError(file string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if len(te.Errors) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(te.Errors)-1)
		}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	msg = strings.ReplaceAll(msg, " in type robot.", " in ")
	// A unit type is a number in the file: say so, as for a plain float.
	msg = unitTypeRE.ReplaceAllString(msg, "into float64")
	if strings.HasPrefix(msg, "field ") && strings.Contains(msg, " not found") {
		// "field foo not found in JointConfig" -> unknown field "foo"
		f := strings.Fields(msg)
		msg = fmt.Sprintf("unknown field %q", f[1])
		if i := strings.Index(err.Error(), " in type robot."); i >= 0 {
			rest := err.Error()[i+len(" in type robot."):]
			if j := strings.IndexAny(rest, "\n "); j >= 0 {
				rest = rest[:j]
			}
			msg += " in " + strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(rest, "Config"), "s"))
		}
	}
	return &ProfileError{File: file, Line: line, Msg: strings.ReplaceAll(msg, "\n", " ")}
}

// fieldError is a validation failure at a YAML path such as
// ["joints", 2, "min_deg"].
type fieldError struct {
	path []any
	msg  string
}

func (e *fieldError) Error() string { return e.field() + ": " + e.msg }

func (e *fieldError) field() string {
	var b strings.Builder
	for _, p := range e.path {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(v)
		}
	}
	return b.String()
}

func bad(msg string, path ...any) error { return &fieldError{path: path, msg: msg} }

// lineOf finds the line of the deepest node of path that exists.
func lineOf(root *yaml.Node, path []any) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		switch v := p.(type) {
		case string:
			if n.Kind != yaml.MappingNode {
				return line
			}
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == v {
					line = n.Content[i].Line
					n = n.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return line
			}
		case int:
			if n.Kind != yaml.SequenceNode || v >= len(n.Content) {
				return line
			}
			n = n.Content[v]
			line = n.Line
		}
	}
	return line
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func (p *Profile) validate() error {
	if strings.TrimSpace(p.Name) == "" {
		return bad("missing", "name")
	}
	b := p.Board
	switch b.Kind {
	case BoardSim:
	case BoardPCA9685:
		if b.Bus < 0 || b.Bus > 255 {
			return bad(fmt.Sprintf("bus %d out of range 0..255", b.Bus), "board", "bus")
		}
		if b.Address < 0x03 || b.Address > 0x77 {
			return bad(fmt.Sprintf("address %#x out of the 7-bit range 0x03..0x77", b.Address), "board", "address")
		}
		if hz := b.PWMRate.Hertz(); !(hz >= 24 && hz <= 1526) {
			return bad(fmt.Sprintf("pwm_hz %g out of the PCA9685 range 24..1526", hz), "board", "pwm_hz")
		}
	case BoardFirmata:
		if b.Transport != "serial" && b.Transport != "tcp" {
			return bad(fmt.Sprintf("transport %q: want serial or tcp", b.Transport), "board", "transport")
		}
		if strings.TrimSpace(b.Port) == "" {
			return bad("missing (a serial device or HOST:PORT)", "board", "port")
		}
	case "":
		return bad("missing (sim, pca9685 or firmata)", "board", "kind")
	default:
		return bad(fmt.Sprintf("unknown board %q (want sim, pca9685 or firmata)", b.Kind), "board", "kind")
	}
	if b.Kind != BoardPCA9685 && (b.Bus != 0 || b.Address != 0 || b.PWMRate != 0) {
		return bad("only a pca9685 board has bus, address and pwm_hz", "board")
	}
	if b.Kind != BoardFirmata && (b.Transport != "" || b.Port != "") {
		return bad("only a firmata board has transport and port", "board")
	}
	if len(p.Joints) == 0 {
		return bad("a body needs at least one joint", "joints")
	}
	period := Microseconds(math.Inf(1))
	if b.Kind == BoardPCA9685 {
		period = b.PWMRate.Period()
	}
	minPulse := MinPulse
	if b.Kind == BoardFirmata {
		minPulse = FirmataMinPulse
	}
	ids := map[JointID]int{}
	channels := map[int]string{}
	for i, j := range p.Joints {
		if j.ID == "" {
			return bad("missing", "joints", i, "id")
		}
		if !knownJoints[j.ID] {
			return bad(fmt.Sprintf("unknown joint %q", j.ID), "joints", i, "id")
		}
		if k, dup := ids[j.ID]; dup {
			return bad(fmt.Sprintf("joint %q already declared at joints[%d]", j.ID, k), "joints", i, "id")
		}
		ids[j.ID] = i
		if err := j.validate(b.Kind, minPulse, period, i); err != nil {
			return err
		}
		if b.Kind != BoardSim {
			if other, dup := channels[j.Channel]; dup {
				return bad(fmt.Sprintf("channel %d already used by %s", j.Channel, other), "joints", i, "channel")
			}
			channels[j.Channel] = string(j.ID)
		}
	}
	sensorIDs := map[string]bool{}
	for i, s := range p.Sensors {
		if b.Kind == BoardPCA9685 {
			return bad("a pca9685 board has no input pins", "sensors", i)
		}
		if strings.TrimSpace(s.ID) == "" {
			return bad("missing", "sensors", i, "id")
		}
		if sensorIDs[s.ID] {
			return bad(fmt.Sprintf("sensor %q declared twice", s.ID), "sensors", i, "id")
		}
		sensorIDs[s.ID] = true
		switch s.Kind {
		case SensorTouch, SensorEDA, SensorPulse:
		default:
			return bad(fmt.Sprintf("unknown sensor kind %q (want touch, eda or pulse)", s.Kind), "sensors", i, "kind")
		}
		switch s.Signal {
		case SignalAnalog:
		case SignalDigital:
			if s.Kind != SensorTouch {
				return bad(fmt.Sprintf("a %s sensor needs an analog pin", s.Kind), "sensors", i, "signal")
			}
		default:
			return bad(fmt.Sprintf("unknown signal %q (want analog or digital)", s.Signal), "sensors", i, "signal")
		}
		if s.Pin < 0 || s.Pin > 127 {
			return bad(fmt.Sprintf("pin %d out of range 0..127", s.Pin), "sensors", i, "pin")
		}
		if s.Signal == SignalDigital && b.Kind == BoardFirmata {
			if other, dup := channels[s.Pin]; dup {
				return bad(fmt.Sprintf("pin %d already used by %s", s.Pin, other), "sensors", i, "pin")
			}
			channels[s.Pin] = s.ID
		}
		if hz := s.Rate.Hertz(); !(hz > 0 && hz <= 1000) {
			return bad(fmt.Sprintf("rate_hz %g out of range (0, 1000]", hz), "sensors", i, "rate_hz")
		}
		if !(s.Threshold >= 0 && s.Threshold <= 1) {
			return bad(fmt.Sprintf("threshold %g out of range 0..1", s.Threshold), "sensors", i, "threshold")
		}
	}
	return nil
}

func (j JointConfig) validate(kind BoardKind, minPulse, period PulseWidth, i int) error {
	maxCh := 127
	if kind == BoardPCA9685 {
		maxCh = 15
	}
	if j.Channel < 0 || j.Channel > maxCh {
		return bad(fmt.Sprintf("channel %d out of range 0..%d", j.Channel, maxCh), "joints", i, "channel")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"min_deg", j.Min.Degrees()}, {"max_deg", j.Max.Degrees()}, {"neutral_deg", j.Neutral.Degrees()}, {"safe_deg", j.Safe().Degrees()}} {
		if !finite(f.v) || math.Abs(f.v) > 360 {
			return bad(fmt.Sprintf("%g is not an angle within ±360°", f.v), "joints", i, f.name)
		}
	}
	lo, mid, hi := j.Min.Degrees(), j.Neutral.Degrees(), j.Max.Degrees()
	if lo >= hi {
		return bad(fmt.Sprintf("min %g° must be below max %g°", lo, hi), "joints", i, "min_deg")
	}
	if mid < lo || mid > hi {
		return bad(fmt.Sprintf("neutral %g° outside range [%g°, %g°]", mid, lo, hi), "joints", i, "neutral_deg")
	}
	if s := j.Safe().Degrees(); s < lo || s > hi {
		return bad(fmt.Sprintf("safe %g° outside range [%g°, %g°]", s, lo, hi), "joints", i, "safe_deg")
	}
	minUS, maxUS := minPulse.Microseconds(), math.Min(MaxPulse.Microseconds(), period.Microseconds())
	for _, f := range []struct {
		name string
		v    float64
	}{{"min", j.Pulse.Min.Microseconds()}, {"neutral", j.Pulse.Neutral.Microseconds()}, {"max", j.Pulse.Max.Microseconds()}} {
		if !finite(f.v) || f.v < minUS || f.v > maxUS {
			return bad(fmt.Sprintf("pulse %gµs out of range %g..%gµs", f.v, minUS, maxUS), "joints", i, "pulse_us", f.name)
		}
	}
	lo, mid, hi = j.Pulse.Min.Microseconds(), j.Pulse.Neutral.Microseconds(), j.Pulse.Max.Microseconds()
	if j.Invert {
		if !(lo > hi) || mid > lo || mid < hi {
			return bad(fmt.Sprintf("inverted joint needs min ≥ neutral ≥ max pulses with min > max, got %g, %g, %g", lo, mid, hi), "joints", i, "pulse_us")
		}
	} else if !(lo < hi) || mid < lo || mid > hi {
		return bad(fmt.Sprintf("need min ≤ neutral ≤ max pulses with min < max (or invert: true), got %g, %g, %g", lo, mid, hi), "joints", i, "pulse_us")
	}
	if v := j.MaxSpeed.DegreesPerSecond(); !(v > 0 && v <= 2000) {
		return bad(fmt.Sprintf("%g out of range (0, 2000] °/s", v), "joints", i, "max_speed_dps")
	}
	if a := j.MaxAccel.DegreesPerSecondSquared(); !(a > 0 && a <= 50000) {
		return bad(fmt.Sprintf("%g out of range (0, 50000] °/s²", a), "joints", i, "max_accel_dps2")
	}
	return nil
}
