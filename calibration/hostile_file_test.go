package calibration

import (
	"os"
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
		// An empty file says so; before, the error ended "EOF".
		t.Run(l.name+" empty", func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "zoe.yaml")
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := l.load(p); err == nil || !strings.HasSuffix(err.Error(), p+": empty file") {
				t.Errorf("empty %s: %v, want one naming the file, empty", l.name, err)
			}
		})
	}
}
