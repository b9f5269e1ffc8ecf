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

// A camera that is not there is one clear error and nothing from OpenCV's
// logger on standard error (its "[ WARN:0@0.010] ... can't open camera by
// index" line came before the command's own before OPENCV_LOG_LEVEL was set).
func TestMissingCameraWritesNothingToStderr(t *testing.T) {
	const index = 99 // no machine this runs on has /dev/video99
	if _, err := os.Stat("/dev/video99"); err == nil {
		t.Skip("this machine has /dev/video99")
	}
	var openErr error
	got := fdcapture.Stderr(t, func() { _, openErr = OpenCamera(index, DefaultCameraOpts(), nil) })
	if openErr == nil {
		t.Fatal("OpenCamera(99) opened a camera")
	}
	if len(got) > 0 {
		t.Errorf("standard error got %q", got)
	}
}
