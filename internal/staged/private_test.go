package staged

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestOpenPrivate(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "old.csv")
	if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	// Someone reads the pipe, as a shell's `<(...)` would.
	go func() {
		if r, err := os.Open(fifo); err == nil {
			io.Copy(io.Discard, r)
			r.Close()
		}
	}()
	cases := []struct {
		name string
		path string
		want os.FileMode // permission bits after
	}{
		{"new file", filepath.Join(dir, "new.csv"), Mode},
		{"existing file others could read", existing, Mode},
		{"named pipe keeps its mode", fifo, 0o644},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := OpenPrivate(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("health data"); err != nil {
				t.Fatal(err)
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			st, err := os.Stat(c.path)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Mode().Perm(); got != c.want {
				t.Errorf("mode %v after OpenPrivate; want %v", got, c.want)
			}
		})
	}
}
