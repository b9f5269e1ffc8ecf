package staged

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Outputs stages the files a command writes about a person: each is written
// to a temporary file next to its destination, mode 0600 whatever the umask,
// and takes its real name only in Commit, once the whole run has succeeded.
// A run that fails or is interrupted leaves nothing behind (Discard), and an
// earlier file of the same name stays as it was.
type Outputs struct {
	staged []staged
}

type staged struct {
	f          *os.File
	tmp, final string // tmp is "" when writing straight to a device or pipe
}

// Mode is for files that describe a person (their face, voice and
// pain): readable by the user who made them only.
const Mode = 0o600

// Create opens a staged file for path. A destination that exists and is not
// a regular file (/dev/stdout, a FIFO) cannot be renamed over, so it is
// written directly. Errors name no temporary file: the caller names path.
func (o *Outputs) Create(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err == nil && st.IsDir() { // the rename at Commit would fail, after the work
		return nil, ErrIsDir
	}
	if err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return nil, Pathless(err)
		}
		o.staged = append(o.staged, staged{f: f, final: path})
		return f, nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, Pathless(err)
	}
	o.staged = append(o.staged, staged{f: f, tmp: f.Name(), final: path})
	// CreateTemp asks for 0600 but the umask may take more away; Chmod is
	// not masked.
	if err := f.Chmod(Mode); err != nil {
		return nil, err
	}
	return f, nil
}

// WriteFile stages a whole file.
func (o *Outputs) WriteFile(path string, data []byte) error {
	f, err := o.Create(path)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

// Commit makes every staged file durable and gives it its name.
func (o *Outputs) Commit() error {
	for _, s := range o.staged {
		if s.tmp == "" {
			if err := s.f.Close(); err != nil {
				return fmt.Errorf("%s: %w", s.final, err)
			}
			continue
		}
		// Sync before rename, so a crash cannot leave an empty file under
		// the final name (ext4 and XFS may reorder the two otherwise).
		if err := errors.Join(s.f.Sync(), s.f.Close()); err != nil {
			return fmt.Errorf("%s: %w", s.final, err)
		}
		if err := os.Rename(s.tmp, s.final); err != nil {
			return fmt.Errorf("%s: %w", s.final, Pathless(err))
		}
	}
	o.staged = nil
	return nil
}

// Discard removes whatever was staged and not committed; safe after Commit.
func (o *Outputs) Discard() {
	for _, s := range o.staged {
		s.f.Close()
		if s.tmp != "" {
			os.Remove(s.tmp)
		}
	}
	o.staged = nil
}

// Pathless keeps the reason of a path error and drops the path, which for a
// temporary file means nothing to the user.
func Pathless(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
