// Package vocalisation names a whole clip's vocalisation (speech, laugh,
// cough, moan, cry, scream, sigh, pant, other) and how distressed it
// sounds, from a small fitted combiner: multinomial logistic regression
// over a few named features — the voice measures of perception/voice
// (voicing, pitch level and range, HNR, spectral flatness,
// centroid and flux, syllable and burst rate, intensity slope), pitch
// continuity over the voiced hops (continuity.go) and YAMNet's sound-event
// groups of perception/soundevents (speech-, moan-, cry-, scream-, laugh-,
// cough-, breath-like, animal). Throat-clearing is fitted as its own kind
// of other (FittedApart), so a throat-clearing heard across a room is less
// often taken for a short moan.
//
// Every clip or context is judged on its foreground (ClipFeatures): the
// hops within 12 dB of its loudest sounding stretch and the YAMNet windows
// that hear them, so a television 20 dB below the person beside the robot,
// or a room's reverberant tail, is judged as a pause.
//
// The parameters are data, not code: combiner.json ships with a model card
// (MODEL_CARD.md) naming what it was fitted on, and Fit refits it on any
// labelled folder: each clip whole and each context the running
// classifier judges in it (TrainingSamples), so one parameter set serves
// whole clips and the live stream. Fitting uses folds that keep each
// speaker on one side (CrossValidate), so the figures it reports are for
// unseen speakers.
//
// Stream and Live run the same combiner on a stream: each YAMNet window
// is judged with the windows before it (ContextWindows) and the voice hops
// they cover; Live scores the windows on its own goroutine and labels the
// hops of voice.Analyzer.Run (voice.Labeller), which is how `kindred run`
// hears laughs and coughs. LabelHops does the same for a whole recording.
//
// It is pure Go; the caller runs the voice analysis and supplies YAMNet
// as a soundevents.Scorer.
package vocalisation
