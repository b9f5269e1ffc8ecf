// Package vocalisation names a whole clip's vocalisation (speech, laugh,
// cough, moan, cry, scream, sigh, pant, other) and how distressed it
// sounds, from a small fitted combiner: multinomial logistic regression
// over a few named features — the voice measures of perception/voice
// (voicing, pitch level and range, HNR, spectral flatness,
// centroid and flux, syllable and burst rate, intensity slope, SNR) and YAMNet's sound-event groups of
// perception/soundevents (speech-, moan-, cry-, scream-, laugh-, cough-,
// breath-like, animal).
//
// The parameters are data, not code: combiner.json ships with a model card
// (MODEL_CARD.md) naming what it was fitted on, and Fit refits it on any
// labelled folder. Fitting uses folds that keep each speaker on one side
// (CrossValidate), so the figures it reports are for unseen speakers.
//
// It is pure Go; the caller runs the voice analysis and YAMNet.
package vocalisation
