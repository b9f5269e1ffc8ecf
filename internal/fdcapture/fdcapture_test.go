package fdcapture

import (
	"syscall"
	"testing"
)

// What is written to descriptor 2 inside is returned, and descriptor 2 is
// the process's own again after.
func TestStderr(t *testing.T) {
	got := Stderr(t, func() { _, _ = syscall.Write(2, []byte("from C\n")) })
	if string(got) != "from C\n" {
		t.Errorf("captured %q, want %q", got, "from C\n")
	}
	if again := Stderr(t, func() {}); len(again) != 0 {
		t.Errorf("captured %q from nothing", again)
	}
}
