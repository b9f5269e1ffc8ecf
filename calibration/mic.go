package calibration

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/internal/inputfile"
)

// MicNoise is a measured microphone noise floor: the mean power per
// spectral bin of the voice analyser's frames in a quiet room, and its
// level. It holds features only, never audio.
type MicNoise struct {
	Device     string    `yaml:"device"`
	MeasuredAt time.Time `yaml:"measured_at"`
	Seconds    float64   `yaml:"seconds"`
	Rate       int       `yaml:"rate"`
	LevelDB    float64   `yaml:"level_db"`
	Spectrum   []float64 `yaml:"spectrum,flow"`
}

// Validate reports the first bad field.
func (n MicNoise) Validate() error {
	switch {
	case n.Rate <= 0:
		return fmt.Errorf("rate %d: want a positive sample rate", n.Rate)
	case len(n.Spectrum) < 2:
		return fmt.Errorf("spectrum: %d bins", len(n.Spectrum))
	case n.Seconds <= 0:
		return fmt.Errorf("seconds %g: want the measured duration", n.Seconds)
	}
	for i, p := range n.Spectrum {
		if p < 0 || math.IsNaN(p) || math.IsInf(p, 0) {
			return fmt.Errorf("spectrum[%d] = %g: want a finite power", i, p)
		}
	}
	return nil
}

// DefaultMicNoisePath is os.UserConfigDir()/kindred/mic-noise.yaml.
func DefaultMicNoisePath() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("calibration: no config directory for the microphone noise floor: %w", err)
	}
	return filepath.Join(base, "kindred", "mic-noise.yaml"), nil
}

// SaveMicNoise writes n to path (mode 0600, directory 0700), replacing any
// earlier calibration in one step.
func SaveMicNoise(path string, n MicNoise) error {
	if err := n.Validate(); err != nil {
		return fmt.Errorf("calibration: microphone noise: %w", err)
	}
	data, err := yaml.Marshal(n)
	if err != nil {
		return fmt.Errorf("calibration: microphone noise: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".mic-noise-*")
	if err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("calibration: writing %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("calibration: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("calibration: writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	return nil
}

// LoadMicNoise reads a noise floor; a missing file is an error wrapping
// fs.ErrNotExist (run without calibration: the analyser learns the floor).
func LoadMicNoise(path string) (MicNoise, error) {
	var n MicNoise
	data, err := inputfile.ReadFile(path, inputfile.MaxConfig)
	if err != nil {
		return n, fmt.Errorf("calibration: microphone noise: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&n); errors.Is(err, io.EOF) { // the decoder's word for no document
		return n, fmt.Errorf("calibration: %s: empty file", path)
	} else if err != nil {
		return n, fmt.Errorf("calibration: %s: %w", path, err)
	}
	if err := n.Validate(); err != nil {
		return n, fmt.Errorf("calibration: %s: %w", path, err)
	}
	return n, nil
}

// ErrNotQuiet means the calibration heard a voice or other activity.
var ErrNotQuiet = errors.New("the room was not quiet")
