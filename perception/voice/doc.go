// Package voice turns a 16 kHz mono stream into per-hop voice observations:
// pitch, intensity, harmonics-to-noise ratio, spectral shape, voice activity
// and the kind of vocalisation (speech, moan, cry, scream, sigh, pant) with
// how distressed it sounds.
//
// It is pure Go. The analysis follows Praat where Praat defines a measure:
// F0 by Boersma's (1993) autocorrelation method (Hann-windowed autocorrelation
// divided by the window's own, interpolated peaks, Viterbi path with octave and
// voicing costs), HNR by cross-correlation, local jitter and shimmer from
// glottal pulses. Noise is removed by spectral subtraction against a floor
// that comes from calibration or is learnt from the quietest moments.
//
// Every hop is 10 ms of media time. An Analyzer owns all of its state and is
// not safe for concurrent use; Process allocates nothing once warmed up.
// Devices stay outside: the live microphone and the keyword spotter are cgo
// leaves (perception/microphone, perception/keywords) that reach this package
// through the small AudioSource and KeywordSpotter interfaces declared here.
package voice
