package camera

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/internal/fdcapture"
)

// A zero-byte MP4 is one clear error (ErrNotMedia) and nothing from FFmpeg
// on the process's standard error, which C code writes to directly.
func TestBadVideoWritesNothingToStderr(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mp4")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var openErr error
	got := fdcapture.Stderr(t, func() { _, openErr = OpenVideo(empty) })
	if !errors.Is(openErr, ErrNotMedia) {
		t.Errorf("OpenVideo(empty.mp4) = %v, want ErrNotMedia", openErr)
	}
	if len(got) > 0 {
		t.Errorf("standard error got %q", got)
	}
}
