package journal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
)

const readOnlyChildEnv = "KINDRED_JOURNAL_READONLY_CHILD"

// A --journal path this user cannot write is the user's to fix, like one
// that names a folder: Open fails with an error marked bad input (the
// command exits 2 with one line) that names the path, and makes nothing.
// Before, it was a runtime failure (exit 1). The read-only file system
// cases are in TestOpenOnAReadOnlyFileSystemIsBadInput.
func TestOpenUnwritablePathIsBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("a regular file"), 0o600); err != nil {
		t.Fatal(err)
	}
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o700); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(locked, "existing.db")
	j, err := Open(t.Context(), existing)
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	readOnly := filepath.Join(dir, "read-only.db")
	if j, err = Open(t.Context(), readOnly); err != nil {
		t.Fatal(err)
	}
	j.Close()
	if err := os.Chmod(readOnly, 0o400); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(locked, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o700) })
	root := os.Geteuid() == 0
	cases := []struct {
		name     string
		path     string
		name_    string // what the message must name
		skipRoot bool   // root may write anywhere the permissions say no
	}{
		{"below a regular file", filepath.Join(file, "journal.db"), file, false},
		{"deeper below a regular file", filepath.Join(file, "sub", "journal.db"), file, false},
		{"below /etc/hostname", "/etc/hostname/x", "/etc/hostname", false},
		{"folder without write permission", filepath.Join(locked, "new.db"), locked, true},
		{"existing journal in a folder without write permission", existing, locked, true},
		{"existing journal without write permission", readOnly, readOnly, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.skipRoot && root {
				t.Skip("root may write there")
			}
			if c.path == "/etc/hostname/x" {
				if st, err := os.Stat("/etc/hostname"); err != nil || !st.Mode().IsRegular() {
					t.Skip("/etc/hostname is not a regular file here")
				}
			}
			j, err := Open(t.Context(), c.path)
			if err == nil {
				j.Close()
				t.Fatalf("Open(%s) succeeded", c.path)
			}
			if !badinput.Is(err) {
				t.Errorf("Open(%s) = %v, not marked bad input", c.path, err)
			}
			if errors.Is(err, ErrNotJournal) {
				t.Errorf("Open(%s) = %v: says it is not a journal", c.path, err)
			}
			if !strings.Contains(err.Error(), c.name_) || strings.Contains(err.Error(), "\n") {
				t.Errorf("Open(%s) = %q, want one line naming %s", c.path, err, c.name_)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(locked, "new.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open made %s in a folder it may not write (or stat: %v)", filepath.Join(locked, "new.db"), err)
	}
}

// What the disk does wrong stays a runtime failure (exit 1): only what the
// user gave wrong is bad input.
func TestOpenIsBadInputOnlyForTheUsersMistakes(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&fs.PathError{Op: "open", Path: "/j.db", Err: syscall.EACCES}, true},
		{&fs.PathError{Op: "open", Path: "/j.db", Err: syscall.EPERM}, true},
		{&fs.PathError{Op: "open", Path: "/j.db", Err: syscall.EROFS}, true},
		{&fs.PathError{Op: "mkdir", Path: "/f", Err: syscall.ENOTDIR}, true},
		{fmt.Errorf("/tmp: %w (a directory)", ErrNotJournal), true},
		{&fs.PathError{Op: "open", Path: "/j.db", Err: syscall.ENOSPC}, false},
		{&fs.PathError{Op: "open", Path: "/j.db", Err: syscall.EIO}, false},
		{errors.New("journal: commit: database is locked"), false},
	}
	for _, c := range cases {
		if got := badinput.Is(openIsBadInput(fmt.Errorf("journal: %w", c.err))); got != c.want {
			t.Errorf("%v: bad input %v, want %v", c.err, got, c.want)
		}
	}
}

// readOnlyChild mounts a tmpfs on dir (in its own mount namespace, so
// nothing outside sees it), makes a journal there, remounts it read-only
// and prints, for a new and for the existing journal, whether Open's error
// is bad input.
func readOnlyChild(dir string) {
	fail := func(err error) {
		fmt.Println("error", err)
		os.Exit(1)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		fail(err)
	}
	j, err := Open(context.Background(), filepath.Join(dir, "existing.db"))
	if err != nil {
		fail(err)
	}
	j.Close()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_RDONLY, "size=4m"); err != nil {
		fail(err)
	}
	for _, name := range []string{"new.db", "existing.db"} {
		j, err := Open(context.Background(), filepath.Join(dir, name))
		if err == nil {
			j.Close()
		}
		fmt.Printf("%s\t%v\t%v\n", name, badinput.Is(err), err)
	}
	os.Exit(0)
}

// childInOwnMounts is this test binary run as a child with env set, in
// its own mount namespace (in a user namespace too when not root), so the
// file systems it mounts are seen by nothing else.
func childInOwnMounts(env string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	if os.Geteuid() != 0 {
		cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	}
	return cmd
}

// A journal on a read-only file system, new or existing, is bad input and
// the message says why. The child needs a mount namespace (root, or a user
// namespace); the test is skipped where neither is allowed.
func TestOpenOnAReadOnlyFileSystemIsBadInput(t *testing.T) {
	cmd := childInOwnMounts(readOnlyChildEnv + "=" + t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		if strings.HasPrefix(string(out), "error") || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) {
			t.Skipf("no read-only tmpfs here: %v %s", err, out)
		}
		t.Fatalf("child: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 2 {
		t.Fatalf("child said %q", out)
	}
	for _, line := range lines {
		t.Log(line)
		f := strings.SplitN(line, "\t", 3)
		if len(f) != 3 || f[1] != "true" || !strings.Contains(f[2], "read-only file system") {
			t.Errorf("Open of %s on a read-only file system: bad input %s, error %s", f[0], f[1], f[len(f)-1])
		}
	}
}
