// Package sphinx recognises a spoken answer to one of the robot's questions
// (a 0–10 pain rating, a yes or a no, a place on the body) with pocketsphinx
// 0.8 in grammar mode (JSGF). It is a cgo leaf: audio goes in as 16 kHz
// float32, a selfreport.Reply comes out, and nothing of pocketsphinx escapes.
//
// Out-of-grammar speech is rejected by the grammar itself: it offers a loop
// of single-phone pseudo-words as the alternative to every answer (a garbage
// model, as in Rose & Paul, ICASSP 1990, "A hidden Markov model based
// keyword recognition system"), weighted so that an answer must explain the
// sound clearly better than free phones do: a likelihood-ratio test whose
// threshold is Opts.GarbageEntry and Opts.GarbageStep. A grammar still
// forces much ordinary speech into some answer ("it oh four hurts it" for
// "go forward ten meters"), so an answer also needs the agreement of a free
// transcript of the same sound by the large-vocabulary en-us model, decoded
// alongside on a second decoder (selfreport.Confirms). Other languages come from configuration
// (Opts.HMM, Opts.Dict and Opts.Phones); without a model New fails with
// ErrNoModel and the caller asks for a nod or a head-shake instead.
package sphinx
