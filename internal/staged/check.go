package staged

import (
	"errors"
	"os"
	"path/filepath"
)

// ErrIsDir: the path given for an output file names a folder.
var ErrIsDir = errors.New("is a folder, want a file name")

// ErrNotDir: the path given for an output folder names a file.
var ErrNotDir = errors.New("is a file, want a folder")

// Check reports whether a file could be written at path, before the work
// that fills it: a run of hours or a person's calibration, whose output
// must not be lost at the end to a typo in the name. The path must not be
// a folder, and its folder must take a new file (one is created and
// removed). A device or pipe that exists (/dev/stdout) is taken as it is.
// Errors name no path: the caller names the flag and the path.
func Check(path string) error {
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return ErrIsDir
		}
		if !st.Mode().IsRegular() {
			return nil
		}
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.check")
	if err != nil {
		return Pathless(err)
	}
	return errors.Join(f.Close(), os.Remove(f.Name()))
}

// CheckDir reports whether path could be the folder a command saves into:
// a folder, or nothing yet (the command makes it). A file there is refused.
func CheckDir(path string) error {
	if st, err := os.Stat(path); err == nil && !st.IsDir() {
		return ErrNotDir
	}
	return nil
}
