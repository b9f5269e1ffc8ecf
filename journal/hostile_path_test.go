package journal

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// A journal path that names a folder or a pipe is bad input (exit 2, one
// line), and Open leaves its mode alone: making a journal private must
// never chmod what is not a journal file. Before, `kindred run --journal
// /dev/zero` as root made /dev/zero 0600 for the whole machine, and
// `--journal /tmp` would have made /tmp 0700. (A device is not made here:
// the old code would chmod it.)
func TestOpenRefusesWhatIsNotAFileAndChangesNoMode(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("this is not SQLite, whatever its name says"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		path string
	}{
		{"folder", folder},
		{"named pipe", fifo},
		{"not SQLite", garbage},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			// Mkfifo and Mkdir are subject to the umask; compare with what was made.
			j, err := Open(t.Context(), c.path)
			if err == nil {
				j.Close()
				t.Fatalf("Open(%s) succeeded", c.path)
			}
			if !errors.Is(err, ErrNotJournal) || !badinput.Is(err) {
				t.Errorf("Open(%s) = %v; want ErrNotJournal marked bad input", c.path, err)
			}
			after, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if after.Mode() != before.Mode() {
				t.Errorf("Open changed %s from %v to %v", c.path, before.Mode(), after.Mode())
			}
		})
	}
}
