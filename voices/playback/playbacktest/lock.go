package playbacktest

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Main runs the package's tests holding the sound-server lock, with a
// null sink of their own as the default output and its monitor as the
// default input (see Sink), when `make test` has started a server for
// tests (KINDRED_TEST_AUDIO set); otherwise it simply runs them.
func Main(m *testing.M) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		os.Exit(m.Run())
	}
	unlock, err := Lock()
	if err != nil {
		fmt.Fprintf(os.Stderr, "playbacktest: %v\n", err)
		os.Exit(1)
	}
	if err := openSink(); err != nil {
		fmt.Fprintf(os.Stderr, "playbacktest: %v\n", err)
		unlock()
		os.Exit(1)
	}
	code := m.Run()
	closeSink()
	unlock()
	os.Exit(code)
}

// Lock waits for and takes the exclusive lock on the sound server.
func Lock() (unlock func(), err error) {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, "kindred-sound-tests.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sound-server lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("sound-server lock %s: %w", path, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
