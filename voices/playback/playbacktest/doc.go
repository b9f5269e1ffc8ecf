// Package playbacktest serialises the test binaries that use the shared
// sound server. `make test` gives every package one PulseAudio server whose
// default sink is the null sink "robot"; a package that plays into it (a
// whole `kindred run` speaking) and a package that captures its monitor (the
// oto → malgo loopback) must not overlap, or the capture is a mix of two
// voices and measures neither. Each such package calls Main from its
// TestMain, which holds an exclusive lock on a file beside the server for
// the whole test binary.
package playbacktest
