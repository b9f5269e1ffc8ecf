// Package keywords spots spoken phrases ("ouch", "it hurts", "help",
// "stop", "go away") in 16 kHz mono audio with pocketsphinx 0.8's keyword
// search, through the cgo leaf perception/sphinx (this package has no cgo of
// its own): audio goes in as float32, phrases come out as voice.Keyword
// values in media time.
//
// Each phrase has its own detection threshold (pocketsphinx's -kws
// threshold: 1e3 is strict, 1e-50 permissive); other languages come from
// configuration, by pointing Opts at another acoustic model and dictionary.
// A Spotter is used from one goroutine at a time (Run does that); Close frees
// the decoder.
package keywords
