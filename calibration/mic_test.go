package calibration

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestMicNoiseRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "kindred", "mic-noise.yaml")
	n := MicNoise{Device: "Monitor of Robot", MeasuredAt: time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC),
		Seconds: 5, Rate: 16000, LevelDB: 31.5, Spectrum: []float64{1e-7, 2.5e-7, 3e-8}}
	if err := SaveMicNoise(p, n); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	got, err := LoadMicNoise(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, n) {
		t.Fatalf("got %+v, want %+v", got, n)
	}
}

func TestMicNoiseRejects(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadMicNoise(filepath.Join(dir, "none.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	for name, body := range map[string]string{
		"unknown field": "rate: 16000\nseconds: 1\nspectrum: [1, 2]\nvolume: 3\n",
		"negative bin":  "rate: 16000\nseconds: 1\nspectrum: [1, -2]\n",
		"no rate":       "seconds: 1\nspectrum: [1, 2]\n",
		"not yaml":      "{{{",
	} {
		p := filepath.Join(dir, "bad.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadMicNoise(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := SaveMicNoise(filepath.Join(dir, "x.yaml"), MicNoise{}); err == nil {
		t.Error("saved an empty calibration")
	}
}
