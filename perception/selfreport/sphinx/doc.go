// Package sphinx recognises a spoken answer to one of the robot's questions
// (a 0–10 pain rating, a yes or a no, a place on the body) with pocketsphinx
// in grammar mode, through the cgo leaf perception/sphinx (this package has
// no cgo of its own): audio goes in as 16 kHz float32, a selfreport.Reply
// comes out.
//
// An answer is decoded whole when it ends, so that cepstral mean
// normalisation uses the answer's own mean, not a running estimate carried
// over from earlier sound (Recogniser.Feed gives the measurements). When
// the answer stands less than 17 dB above the steady noise heard in the
// quiet before it (a fan), that noise is first removed by a Wiener gain
// (denoise.go).
//
// Out-of-grammar speech is rejected by the grammar itself, which offers two
// alternatives to every answer: a loop of single-phone pseudo-words (a
// garbage model, as in Rose & Paul, ICASSP 1990, "A hidden Markov model
// based keyword recognition system"), priced by Opts.GarbageEntry and
// Opts.GarbageStep, and a loop of a few hundred common English words that
// answer nothing (Opts.Decoys, selfreport.Decoys), each priced like a
// framing word. Ordinary speech is then explained as ordinary words instead
// of being forced into an answer; an answer wins only where its number, yes
// or place fits the sound better than any decoy. Answers are framed only by
// set phrases ("I'd say", "about a", "out of ten"), at most two either side.
// A free transcript by the large-vocabulary en-us model (Opts.LM) can be
// required to agree as well; it costs about 1 s to load and is off by
// default. Other languages come from configuration (Opts.HMM, Opts.Dict,
// Opts.Phones, Opts.Decoys); without a model New fails with ErrNoModel and
// the caller asks for a nod or a head-shake instead.
//
// An answer must also be an utterance of its own (endpoint.go): words the
// grammar matched in speech that the end of listening cut off, or that
// more speech runs on after, are part of other talk, and the reply is
// unclear. So are words not phrased as answers are said: a rating whose
// number its phrase does not carry (selfreport.Uncarried), a yes/no or a
// place opened by fillers that run into it (selfreport.RunIn), and an
// answer whose closing phrase a pause breaks (selfreport.BrokenTail).
package sphinx
