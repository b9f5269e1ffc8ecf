package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/calibration"
	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/inputfile"
	"github.com/kindred-hri/kindred/internal/yamlerr"
	"github.com/kindred-hri/kindred/perception/face"
)

// runConfig is the file given to `kindred run --config`. Flags override it.
// Unknown fields are rejected, so a typo never silently changes a session.
type runConfig struct {
	Robot struct {
		Name    string `yaml:"name"`    // the robot's name on the console and MQTT topics
		Profile string `yaml:"profile"` // sim, a built-in profile, or a YAML file
	} `yaml:"robot"`
	Persona  string  `yaml:"persona"`  // voices persona name or file
	Lang     string  `yaml:"lang"`     // en, de, fr, es, zh
	Scenario string  `yaml:"scenario"` // built-in name or file
	Speed    float64 `yaml:"speed"`
	Console  string  `yaml:"console"` // address, or "off"
	Journal  string  `yaml:"journal"` // file, or "off"
	Retain   int     `yaml:"retain_days"`
	MQTT     string  `yaml:"mqtt"`
	// Persons are the people who live with the robot (calibrated ids);
	// Primary is the one the camera's face is assumed to be. With one
	// resident and no primary, that resident is assumed.
	Persons []string `yaml:"persons"`
	Primary string   `yaml:"primary"`
	// ReturnGap is how long a face may be lost and still be taken for the
	// same person when it comes back with nobody else in view.
	ReturnGap time.Duration   `yaml:"return_gap"`
	Behavior  behavior.Config `yaml:"behavior"`
	// SenseStall is how long a live camera or microphone may deliver
	// nothing before it is a fault and lost (companion.Parts.SenseStall).
	SenseStall time.Duration `yaml:"sense_stall"`

	// MQTTControl takes commands from kindred/<robot>/control; off by
	// default, and refused at start unless the broker connection is secured.
	MQTTControl bool `yaml:"mqtt_control"`

	// FaceBackend names the face models: mesh (default) or dlib.
	FaceBackend string `yaml:"face_backend"`
	// FaceMeshRate bounds the face mesh's passes a second (0: every frame).
	FaceMeshRate float64 `yaml:"face_mesh_rate"`
	// FaceTurnedEvery looks for a face on its side (a person lying in
	// bed): one turned copy of the frame on every Nth detection round that
	// finds no face while none is tracked, and on every
	// face.TrackedTurnFactor*Nth round while faces are tracked
	// (face.Opts.TurnedEvery; 0: never).
	FaceTurnedEvery int `yaml:"face_turned_every"`
}

func defaultRunConfig() runConfig {
	var c runConfig
	c.Robot.Name = "kindred"
	c.Robot.Profile = "sim"
	c.ReturnGap = companion.DefaultReturnGap
	c.SenseStall = companion.DefaultSenseStall
	c.Persona = ""
	c.Speed = 1
	c.Console = "127.0.0.1:8080"
	c.Behavior = behavior.DefaultConfig()
	c.FaceBackend = string(defaultFaceBackend)
	c.FaceMeshRate = devices.DefaultLiveMeshRate
	c.FaceTurnedEvery = face.DefaultTurnedEvery
	return c
}

// loadRunConfig reads path over the defaults; every problem names the file.
func loadRunConfig(path string) (runConfig, error) {
	c := defaultRunConfig()
	if path == "" {
		return c, nil
	}
	data, err := inputfile.ReadFile(path, inputfile.MaxConfig)
	if err != nil {
		return c, badInput("config %s: %v", path, errors.Unwrap(err))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, badInput("config %s: %s", path, yamlerr.Describe(err, data))
	}
	if err := c.validate(); err != nil {
		return c, badInput("config %s: %v", path, err)
	}
	return c, nil
}

func (c runConfig) validate() error {
	if c.Robot.Name == "" {
		return errors.New("robot.name: must not be empty")
	}
	if c.ReturnGap < 0 || c.ReturnGap > 10*time.Minute {
		return fmt.Errorf("return_gap: %v is out of range [0, 10m]", c.ReturnGap)
	}
	if c.SenseStall < companion.MinSenseStall || c.SenseStall > companion.MaxSenseStall {
		return fmt.Errorf("sense_stall: %v is out of range [%v, %v]", c.SenseStall, companion.MinSenseStall, companion.MaxSenseStall)
	}
	if !(c.Speed > 0 && c.Speed <= 1000) { // NaN too
		return fmt.Errorf("speed: %v is out of range (0, 1000]", c.Speed)
	}
	for i, p := range c.Persons {
		if calibration.PersonID(p) != p {
			return fmt.Errorf("persons[%d]: %q is not a person id (lower-case letters, digits and dashes, as kindred calibrate person makes them)", i, p)
		}
	}
	if c.Primary != "" && calibration.PersonID(c.Primary) != c.Primary {
		return fmt.Errorf("primary: %q is not a person id (lower-case letters, digits and dashes)", c.Primary)
	}
	var fb faceBackend
	if err := fb.Set(c.FaceBackend); err != nil {
		return fmt.Errorf("face_backend: %v", err)
	}
	if r := c.FaceMeshRate; !(r == 0 || r >= face.MinMeshRate && r <= 1000) {
		return fmt.Errorf("face_mesh_rate: %v Hz must be 0 (every frame) or in [%d, 1000]", r, face.MinMeshRate)
	}
	if n := c.FaceTurnedEvery; n < 0 || n > face.MaxTurnedEvery {
		return fmt.Errorf("face_turned_every: %d must be 0 (never) or in [1, %d]", n, face.MaxTurnedEvery)
	}
	if c.Retain < 0 {
		return fmt.Errorf("retain_days: %d is negative", c.Retain)
	}
	if c.MQTTControl && c.MQTT == "" {
		return errors.New("mqtt_control: needs a broker (mqtt: tcp://HOST:PORT or --mqtt)")
	}
	if err := c.Behavior.Validate(); err != nil {
		return err // already says "behavior: ..."
	}
	return nil
}

// oneLine joins a multi-line error (yaml reports several at once) into one line.
func oneLine(err error) string {
	s := bytes.ReplaceAll([]byte(err.Error()), []byte("\n"), []byte("; "))
	return string(bytes.TrimSpace(s))
}

// durationFlag accepts Go durations ("60s", "2m").
type durationFlag struct{ d time.Duration }

func (f *durationFlag) String() string { return f.d.String() }
func (f *durationFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("want a positive duration such as 60s or 2m, got %q", s)
	}
	f.d = d
	return nil
}

// assumedPerson is the person a live camera's face is taken to be.
func (c runConfig) assumedPerson() string {
	if c.Primary != "" {
		return c.Primary
	}
	if len(c.Persons) == 1 {
		return c.Persons[0]
	}
	return ""
}
