package calibration

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// What calibration writes about a person (and the room) is 0600 in 0700
// directories whatever the umask: the files hold a named person's baseline.
func TestCalibrationFilesArePrivateWhateverTheUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	root := t.TempDir()
	persons := filepath.Join(root, "kindred", "persons")
	if err := NewPersonStore(persons).Save(Person{ID: "zelda-quartermain", Name: "Zelda Quartermain"}); err != nil {
		t.Fatal(err)
	}
	mic := filepath.Join(root, "other", "mic-noise.yaml")
	if err := SaveMicNoise(mic, MicNoise{Device: "mic", MeasuredAt: time.Unix(0, 0), Seconds: 5, Rate: 16000,
		LevelDB: 30, Spectrum: []float64{1e-7, 2e-7}}); err != nil {
		t.Fatal(err)
	}
	want := map[string]fs.FileMode{persons: 0o700, filepath.Join(persons, "zelda-quartermain.yaml"): 0o600,
		filepath.Dir(mic): 0o700, mic: 0o600}
	for p, mode := range want {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != mode {
			t.Errorf("%s has mode %v, want %v", p, st.Mode().Perm(), mode)
		}
	}
}
