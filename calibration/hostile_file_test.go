package calibration

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

func TestLoadersRefuseWhatIsNotACalibrationFile(t *testing.T) {
	loaders := []struct {
		name string
		load func(path string) error
	}{
		{"microphone noise", func(p string) error { _, err := LoadMicNoise(p); return err }},
		{"person", func(p string) error {
			_, err := NewPersonStore(filepath.Dir(p)).Load(strings.TrimSuffix(filepath.Base(p), ".yaml"))
			return err
		}},
	}
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) { inputfiletest.Refused(t, ".yaml", l.load) })
	}
}
