// Package wav decodes RIFF/WAVE files in pure Go and converts them to the
// 16 kHz mono float32 stream the voice analyser works on.
//
// Supported: PCM integer samples of 8, 16, 24 and 32 bits, IEEE float of 32
// and 64 bits, any sample rate, one or more channels (mixed down to mono),
// and WAVE_FORMAT_EXTENSIBLE wrapping either. Anything else — a truncated
// header, a missing fmt or data chunk, a zero rate, an unknown format — is an
// error wrapping ErrInvalid, so callers can tell bad input from failed I/O.
// A data chunk cut short is an error too, not a silently shorter sound.
package wav
