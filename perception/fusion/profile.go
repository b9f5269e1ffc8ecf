package fusion

import (
	"errors"
	"fmt"
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Profile is what fusion knows about one person: baselines measured while
// they were calm, and per-person weights. Plain numbers only, never images
// or audio. The zero Profile means "nothing known": population defaults.
type Profile struct {
	Face       FaceBaseline     `yaml:"face" json:"face"`
	Voice      VoiceBaseline    `yaml:"voice" json:"voice"`
	Movement   MovementBaseline `yaml:"movement" json:"movement"`
	Weights    Weights          `yaml:"weights" json:"weights"`
	Gains      Gains            `yaml:"gains" json:"gains"`
	Thresholds Thresholds       `yaml:"thresholds" json:"thresholds"`
}

// Gains scale this person's item values (clamped to 0..2), learnt from
// carers' ratings by Learn: someone who shows pain faintly in the face gets a
// face gain above 1. Body scales breathing too. 0 means 1.
type Gains struct {
	Face  float64 `yaml:"face" json:"face"`
	Voice float64 `yaml:"voice" json:"voice"`
	Body  float64 `yaml:"body" json:"body"`
}

// Thresholds are per-person onsets, for people whose usual face or breathing
// sits further from the population than their baseline alone captures (set by
// a carer, or learnt from their ratings). Zero means the default.
type Thresholds struct {
	FaceOnset     float64 `yaml:"face_onset" json:"face_onset"`         // PSPI above neutral where the face item starts (default 1)
	BreathingFast float64 `yaml:"breathing_fast" json:"breathing_fast"` // breaths/min above usual where breathing starts to count (default 3)
}

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// FaceBaseline is the person's neutral face.
type FaceBaseline struct {
	Frames int            `yaml:"frames" json:"frames"` // how many faces it was measured from; 0 unknown
	AU     perception.AUs `yaml:"au" json:"au"`         // median intensities at rest
	PSPI   float64        `yaml:"pspi" json:"pspi"`     // median PSPI at rest
	Pitch  float64        `yaml:"pitch" json:"pitch"`   // usual head pitch, degrees
}

// VoiceBaseline is the person's calm voice.
type VoiceBaseline struct {
	Hops           int     `yaml:"hops" json:"hops"` // 0 unknown
	F0Mean         float64 `yaml:"f0_mean_hz" json:"f0_mean_hz"`
	F0SD           float64 `yaml:"f0_sd_hz" json:"f0_sd_hz"`
	IntensityMean  float64 `yaml:"intensity_mean_db" json:"intensity_mean_db"`
	IntensitySD    float64 `yaml:"intensity_sd_db" json:"intensity_sd_db"`
	HNRMean        float64 `yaml:"hnr_mean_db" json:"hnr_mean_db"`
	VoicedFraction float64 `yaml:"voiced_fraction" json:"voiced_fraction"`
}

// MovementBaseline is how the person usually moves (0..1 scales of
// perception.PostureObs; breathing in breaths per minute).
type MovementBaseline struct {
	Samples       int     `yaml:"samples" json:"samples"` // 0 unknown
	Amplitude     float64 `yaml:"amplitude" json:"amplitude"`
	Speed         float64 `yaml:"speed" json:"speed"`
	Jerk          float64 `yaml:"jerk" json:"jerk"`
	Restlessness  float64 `yaml:"restlessness" json:"restlessness"`
	BreathingRate float64 `yaml:"breathing_rate" json:"breathing_rate"`
}

// Weights scale how much each modality is trusted for this person (a person
// whose face shows little, after a stroke, gets a low face weight). 0 means 1.
type Weights struct {
	Face  float64 `yaml:"face" json:"face"`
	Voice float64 `yaml:"voice" json:"voice"`
	Body  float64 `yaml:"body" json:"body"`
}

func or1(w float64) float64 {
	if w == 0 {
		return 1
	}
	return w
}

// Validate reports the first number that cannot be a baseline.
func (p Profile) Validate() error {
	check := func(name string, v, lo, hi float64) error {
		if math.IsNaN(v) || v < lo || v > hi {
			return fmt.Errorf("fusion: profile %s = %v outside %v..%v", name, v, lo, hi)
		}
		return nil
	}
	a := p.Face.AU
	for _, c := range []struct {
		name      string
		v, lo, hi float64
	}{
		{"face.pspi", p.Face.PSPI, 0, 16}, {"face.au.au04", a.AU04, 0, 5}, {"face.au.au06", a.AU06, 0, 5},
		{"face.au.au07", a.AU07, 0, 5}, {"face.au.au09", a.AU09, 0, 5}, {"face.au.au10", a.AU10, 0, 5},
		{"face.au.au43", a.AU43, 0, 1}, {"face.pitch", p.Face.Pitch, -90, 90},
		{"voice.f0_mean_hz", p.Voice.F0Mean, 0, 1200}, {"voice.f0_sd_hz", p.Voice.F0SD, 0, 600},
		{"voice.intensity_mean_db", p.Voice.IntensityMean, -200, 200}, {"voice.intensity_sd_db", p.Voice.IntensitySD, 0, 100},
		{"voice.voiced_fraction", p.Voice.VoicedFraction, 0, 1},
		{"movement.amplitude", p.Movement.Amplitude, 0, 1}, {"movement.speed", p.Movement.Speed, 0, 1},
		{"movement.jerk", p.Movement.Jerk, 0, 1}, {"movement.restlessness", p.Movement.Restlessness, 0, 1},
		{"movement.breathing_rate", p.Movement.BreathingRate, 0, 80},
		{"weights.face", p.Weights.Face, 0, 5}, {"weights.voice", p.Weights.Voice, 0, 5}, {"weights.body", p.Weights.Body, 0, 5},
		{"gains.face", p.Gains.Face, 0, maxGain}, {"gains.voice", p.Gains.Voice, 0, maxGain}, {"gains.body", p.Gains.Body, 0, maxGain},
		{"thresholds.face_onset", p.Thresholds.FaceOnset, 0, 10}, {"thresholds.breathing_fast", p.Thresholds.BreathingFast, 0, 30},
	} {
		if err := check(c.name, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	if p.Face.Frames < 0 || p.Voice.Hops < 0 || p.Movement.Samples < 0 {
		return fmt.Errorf("fusion: profile sample counts must not be negative")
	}
	return nil
}

// ErrNoProfile means no profile is stored for the person: a visitor, or
// someone never calibrated. It is normal, not a fault.
var ErrNoProfile = errors.New("fusion: no profile stored for this person")

// Profiles looks up a person's profile when they arrive; calibration's
// person store implements it. A person with no stored profile is an error
// matching ErrNoProfile; any other error is a profile that is stored but
// cannot be used (unreadable, corrupt, invalid), and names what failed.
type Profiles interface {
	Profile(person string) (Profile, error)
}
