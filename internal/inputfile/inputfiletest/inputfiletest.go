package inputfiletest

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/inputfile"
)

// Case is one hostile path and the words its error must hold.
type Case struct {
	Name, Path, Says string
}

// Paths makes the hostile paths in a temporary folder; each ends in ext
// (".yaml", say) so loaders that look at the name take it for a file.
func Paths(t testing.TB, ext string) []Case {
	t.Helper()
	dir := t.TempDir()
	sub := filepath.Join(dir, "folder"+ext)
	fifo := filepath.Join(dir, "fifo"+ext)
	null := filepath.Join(dir, "null"+ext)
	big := filepath.Join(dir, "big"+ext)
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/null", null); err != nil {
		t.Fatal(err)
	}
	// Valid YAML all through, so only the size can refuse it.
	if err := os.WriteFile(big, []byte(strings.Repeat("#", inputfile.MaxConfig+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return []Case{
		{"directory", sub, "is a directory"},
		{"named pipe nobody writes to", fifo, "is a named pipe"},
		{"symlink to a device", null, "is a device"},
		{"over the size limit", big, "larger than"},
	}
}

// Refused runs load on each hostile path and fails the test when it
// succeeds, blocks for more than 10 s, or its error lacks the case's words.
func Refused(t *testing.T, ext string, load func(path string) error) {
	t.Helper()
	for _, c := range Paths(t, ext) {
		t.Run(c.Name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- load(c.Path) }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("loading %s still blocked after 10 s", c.Path)
			}
			if err == nil || !strings.Contains(err.Error(), c.Says) {
				t.Fatalf("loading %s: err %v; want one saying %q", c.Path, err, c.Says)
			}
		})
	}
}
