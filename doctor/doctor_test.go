package doctor

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ALSA lists plugin and null devices on any machine; they are not a
// microphone. Only a capture PCM or a sound server that answers counts.
func TestDoctorMicrophoneNeedsRealHardware(t *testing.T) {
	none := func(string) string { return "" }
	snd := t.TempDir()
	if _, err := captureHardware(t.Context(), snd, none); err == nil {
		t.Error("no capture PCM and no sound server: reported a microphone")
	}
	// A playback-only card is not a microphone either.
	if err := os.WriteFile(filepath.Join(snd, "pcmC0D0p"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := captureHardware(t.Context(), snd, none); err == nil {
		t.Error("a playback PCM was taken for a microphone")
	}
	if err := os.WriteFile(filepath.Join(snd, "pcmC1D0c"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if d, err := captureHardware(t.Context(), snd, none); err != nil || !strings.Contains(d, "pcmC1D0c") {
		t.Errorf("capture PCM present: %q, %v", d, err)
	}
	// A sound server socket nobody listens on does not count.
	env := func(k string) string {
		if k == "XDG_RUNTIME_DIR" {
			return t.TempDir()
		}
		return ""
	}
	if _, err := captureHardware(t.Context(), t.TempDir(), env); err == nil {
		t.Error("a missing sound server was taken for a microphone")
	}
}
