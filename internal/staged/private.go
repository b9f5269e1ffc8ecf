package staged

import "os"

// OpenPrivate opens path for writing from the start, as os.Create does, and
// makes an existing regular file Mode before anything is written: OpenFile's
// mode applies only to a new file, and one others could read must not take
// health data. A device or pipe (/dev/stdout, /dev/null, a FIFO) is
// written as it is and its mode left alone: chmod on /dev/null, as root,
// would lock every other user out of it.
func OpenPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, Mode)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && st.Mode().IsRegular() {
		err = f.Chmod(Mode)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
