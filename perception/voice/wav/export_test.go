package wav

import "io"

// Production code has no use for these; the tests do.

// Decode reads a whole WAV stream with DefaultOpts.
func Decode(r io.Reader) (*Audio, error) { return DefaultOpts().Decode(r) }
