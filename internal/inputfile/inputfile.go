package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// MaxConfig bounds a configuration file (config, profile, scenario,
// persona, calibration): the largest shipped one is a few kilobytes.
const MaxConfig = 1 << 20

var (
	// ErrNotRegular: the path names a directory, a pipe, a socket or a
	// device, not a file.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file holds more than the limit.
	ErrTooLarge = errors.New("file too large")
)

// ReadFile reads the regular file at path (symlinks followed), at most
// limit bytes. Errors are *fs.PathError naming path, as os.ReadFile's are;
// their Err is ErrNotRegular or ErrTooLarge (wrapped, with the kind of file
// or the limit) or the system's.
func ReadFile(path string, limit int64) ([]byte, error) {
	// O_NONBLOCK: opening a named pipe for reading otherwise waits for a
	// writer, forever, and no signal handler in Go can end that wait. On a
	// regular file the flag changes nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: it %s", ErrNotRegular, kind(st.Mode()))}
	}
	tooLarge := &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, limit)}
	if st.Size() > limit {
		return nil, tooLarge
	}
	// A file may grow, or report no size at all (/proc): count what is read.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if int64(len(data)) > limit {
		return nil, tooLarge
	}
	return data, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "is a directory"
	case m&fs.ModeNamedPipe != 0:
		return "is a named pipe"
	case m&fs.ModeSocket != 0:
		return "is a socket"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "is a device"
	}
	return "is not a regular file"
}
