// Package wav decodes RIFF/WAVE files in pure Go and converts them to the
// 16 kHz mono float32 stream the voice analyser works on.
//
// Supported: PCM integer samples of 8, 16, 24 and 32 bits, IEEE float of 32
// and 64 bits, any sample rate from 1 kHz to 768 kHz, 1 to 32 channels
// (mixed down to mono), and WAVE_FORMAT_EXTENSIBLE wrapping either. Anything
// else — a truncated header, a missing fmt or data chunk, an absurd rate or
// channel count, an unknown format — is an error wrapping ErrInvalid, so
// callers can tell bad input from failed I/O. A data chunk cut short is an
// error too, not a silently shorter sound.
//
// Input is read as a stream (Reader), never sized from the header: a data
// chunk of unknown length (0, 0xFFFFFFFF, or 2 GiB and more, the
// placeholders streaming writers such as sox leave on a pipe) is read until EOF, and a sound longer than
// Opts.MaxDuration (DefaultMaxDuration, 2 hours) ends with ErrTooLong as soon
// as it passes the limit. DecodeMono16k mixes and resamples while it reads,
// so its memory is that of the 16 kHz result alone.
package wav
