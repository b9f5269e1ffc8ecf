package camera

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A zero-byte MP4 is one clear error (ErrNotMedia) and nothing from FFmpeg
// on the process's standard error, which C code writes to directly.
func TestBadVideoWritesNothingToStderr(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.mp4")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	capture, err := os.Create(filepath.Join(dir, "stderr"))
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
	_, openErr := OpenVideo(empty)
	syscall.Dup2(saved, 2)
	syscall.Close(saved)
	capture.Close()
	if !errors.Is(openErr, ErrNotMedia) {
		t.Errorf("OpenVideo(empty.mp4) = %v, want ErrNotMedia", openErr)
	}
	if got, _ := os.ReadFile(capture.Name()); len(got) > 0 {
		t.Errorf("standard error got %q", got)
	}
}
