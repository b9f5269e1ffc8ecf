// Package keywords spots spoken phrases ("ouch", "it hurts", "help",
// "stop", "go away") in 16 kHz mono audio with pocketsphinx 0.8's keyword
// search, through the cgo leaf perception/sphinx (this package has no cgo of
// its own): audio goes in as float32, phrases come out as voice.Keyword
// values in media time.
//
// Each phrase has its own detection threshold (pocketsphinx's -kws
// threshold: 1e3 is strict, 1e-50 permissive); other languages come from
// configuration, by pointing Opts at another acoustic model and dictionary.
// A phrase may be verified (Phrase.Verify): spotted at a loose threshold
// for recall, each spot is held until the audio after it has come
// (Opts.VerifyAfter) and reported only if a Verifier, declared here and
// made by Opts.NewVerifier, accepts the audio around it. "help" is: the
// answer recogniser's CallVerifier (perception/selfreport/sphinx) keeps it
// only as a short call for help said as an utterance of its own. Flush
// judges the spots still held when a recording ends.
// A Spotter is used from one goroutine at a time (Run does that); Close frees
// the decoder.
package keywords
