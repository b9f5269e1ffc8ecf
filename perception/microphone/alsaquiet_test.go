package microphone

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/internal/fdcapture"
)

// With no sound server to reach, opening the microphone fails with one
// error and ALSA's library writes nothing on the process's standard error
// (C code writes there directly), where it used to write about thirty lines.
func TestNoSoundServerWritesNothingToStderr(t *testing.T) {
	if _, err := os.Stat("/dev/snd"); err == nil {
		t.Skip("a sound card is here: ALSA would open it")
	}
	t.Setenv("PULSE_SERVER", "unix:"+filepath.Join(t.TempDir(), "none"))
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	var m *Mic
	var openErr error
	got := fdcapture.Stderr(t, func() { m, openErr = Open(DefaultOpts()) })
	if openErr == nil {
		m.Close()
		t.Skip("a microphone opened without a sound server")
	}
	if len(got) > 0 {
		t.Errorf("standard error got %q", got)
	}
}
