package fdcapture

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Stderr runs f with file descriptor 2 pointed at a temporary file and
// returns what was written there. Nothing else in the process should
// write to standard error meanwhile: it would be captured too.
func Stderr(t testing.TB, f func()) []byte {
	t.Helper()
	capture, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer capture.Close()
	saved, err := syscall.Dup(2)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(saved)
	if err := syscall.Dup2(int(capture.Fd()), 2); err != nil {
		t.Fatal(err)
	}
	func() {
		defer syscall.Dup2(saved, 2)
		f()
	}()
	got, err := os.ReadFile(capture.Name())
	if err != nil {
		t.Fatal(err)
	}
	return got
}
