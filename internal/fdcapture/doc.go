// Package fdcapture captures what C code writes straight to the process's
// standard error (file descriptor 2), for tests that check a library says
// nothing there: Go's os.Stderr is not where libav or ALSA write.
package fdcapture
