// Package sphinx is Kindred's one cgo leaf over pocketsphinx 0.8 (Debian 12 ships 0.8+5prealpha): it starts
// a decoder (model paths, a pronunciation dictionary given as lines, logging
// off), installs searches (a keyword list, Sphinx FSG grammars), feeds it
// 16 kHz float32 audio as int16, and returns hypotheses, segments and scores
// as plain Go values. Nothing of pocketsphinx escapes. perception/keywords
// and perception/selfreport/sphinx are built on it and need no cgo of their
// own.
//
// pocketsphinx 0.8 gives each decoder its own acoustic model: ps_init builds
// one from its configuration and there is no call to hand a loaded model to
// a second decoder. Both users keep one decoder each, because a decoder runs
// one search at a time and the keyword search must keep listening while an
// answer is decoded; the model's largest part, the mixture weights, is
// memory-mapped (-mmap, on by default), so the two share those pages
// through the operating system.
//
// A Decoder is used from one goroutine at a time; its owner serialises.
package sphinx
