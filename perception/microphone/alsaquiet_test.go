package microphone

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
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
	capture, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Dup2(int(capture.Fd()), 2); err != nil {
		t.Fatal(err)
	}
	m, openErr := Open(DefaultOpts())
	syscall.Dup2(saved, 2)
	syscall.Close(saved)
	capture.Close()
	if openErr == nil {
		m.Close()
		t.Skip("a microphone opened without a sound server")
	}
	if got, _ := os.ReadFile(capture.Name()); len(got) > 0 {
		t.Errorf("standard error got %q", got)
	}
}
