package journal

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The journal and its -wal and -shm files are 0600 in a 0700 directory,
// whatever the umask, and a journal others could read is made private when
// the robot next records into it.
func TestJournalFilesArePrivateWhateverTheUmask(t *testing.T) {
	tests := []struct {
		name   string
		before func(t *testing.T, path string) // what was on disk before Open
	}{
		{name: "new journal", before: func(*testing.T, string) {}},
		{name: "journal readable by others", before: func(t *testing.T, path string) {
			j, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			j.Close()
			if err := os.Chmod(path, 0o666); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old := syscall.Umask(0)
			defer syscall.Umask(old)
			dir := filepath.Join(t.TempDir(), "new", "dir")
			path := filepath.Join(dir, "journal.db")
			tt.before(t, path)
			j, err := Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer j.Close()
			record(t, j, WriterOpts{}, Session{ID: "s", Person: zeldaID}, personHistory(zeldaID, zeldaName, zeldaPain, 5))
			want := map[string]fs.FileMode{dir: 0o700, path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600}
			for p, mode := range want {
				st, err := os.Stat(p)
				if err != nil {
					t.Fatal(err) // the -wal and -shm exist while the journal is open
				}
				if st.Mode().Perm() != mode {
					t.Errorf("%s has mode %v, want %v", filepath.Base(p), st.Mode().Perm(), mode)
				}
			}
		})
	}
}
