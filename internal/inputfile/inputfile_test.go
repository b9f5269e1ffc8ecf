package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("name: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.yaml")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		path    string
		want    string // content, when it reads
		wantErr error  // errors.Is target, when it fails
		msg     string // part of the message, when it fails
	}{
		{"regular file", small, "name: x\n", nil, ""},
		{"symlink to a regular file", link, "name: x\n", nil, ""},
		{"at the limit", filepath.Join(dir, "big.yaml"), string(make([]byte, 2048)), nil, ""},
		{"missing", filepath.Join(dir, "none.yaml"), "", fs.ErrNotExist, "no such file"},
		{"directory", dir, "", ErrNotRegular, "is a directory"},
		{"named pipe nobody writes to", fifo, "", ErrNotRegular, "is a named pipe"},
		{"symlink to /dev/zero", zero, "", ErrNotRegular, "is a device"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			done := make(chan struct{})
			var got []byte
			var err error
			go func() { got, err = ReadFile(c.path, 2048); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) still blocked after 5 s", c.path)
			}
			if c.wantErr == nil {
				if err != nil || string(got) != c.want {
					t.Fatalf("got %d bytes, err %v; want %d bytes", len(got), err, len(c.want))
				}
				return
			}
			if !errors.Is(err, c.wantErr) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("err %v; want one that is %v and says %q", err, c.wantErr, c.msg)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Path != c.path {
				t.Errorf("err %v does not name the path %s as a *fs.PathError", err, c.path)
			}
		})
	}
}

func TestReadFileRefusesMoreThanTheLimit(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name  string
		size  int
		limit int64
		ok    bool
	}{
		{"under", 10, 11, true},
		{"equal", 11, 11, true},
		{"one over", 12, 11, false},
		{"far over", 1 << 20, 1 << 10, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name)
			if err := os.WriteFile(p, make([]byte, c.size), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadFile(p, c.limit)
			if c.ok {
				if err != nil || len(got) != c.size {
					t.Fatalf("got %d bytes, err %v", len(got), err)
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than") {
				t.Fatalf("err %v; want ErrTooLarge", err)
			}
		})
	}
}

// A file that says it is empty (as /proc's do) is still read to the limit
// and no further.
func TestReadFileCountsWhatItReads(t *testing.T) {
	got, err := ReadFile("/proc/self/status", 1<<20)
	if err != nil || len(got) == 0 {
		t.Fatalf("got %d bytes, err %v", len(got), err)
	}
	if _, err := ReadFile("/proc/self/status", 8); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v; want ErrTooLarge", err)
	}
}
