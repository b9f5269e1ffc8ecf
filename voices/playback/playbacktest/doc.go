// Package playbacktest gives each test binary that plays or records sound
// its own null sink on the shared test sound server, one binary at a time.
// `make test` starts one PulseAudio server for every package, with a null
// sink "robot" as the default. A package that plays (a whole `kindred run`
// speaking) and a package that captures (the oto → malgo loopback) must not
// share a sink, or the capture is a mix of two voices and measures neither,
// and a loopback must not depend on which sink or source is the server's
// default at the moment. Each such package calls Main from its TestMain,
// which holds an exclusive lock on a file beside the server for the whole
// test binary and loads a null sink named after the process, made the
// server's default sink (and its monitor the default source) until the
// binary ends.
package playbacktest
