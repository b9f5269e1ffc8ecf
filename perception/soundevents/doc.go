// Package soundevents turns a learned audio event classifier's scores into
// named evidence for the vocalisation classifier. It is pure Go: it cuts a
// 16 kHz mono stream into YAMNet's 0.975 s windows with a 0.48 s hop
// (Plakal & Ellis, "YAMNet", tensorflow/models research/audioset/yamnet),
// runs a Scorer on each window as its own stage, and folds the 521 AudioSet
// class scores into a few groups that matter for pain (moan-like, cry-like,
// scream-like, laughter, cough, speech, breathing, …).
//
// The model itself runs in the cgo leaf soundevents/yamnet; this package
// sees it only through the one-method Scorer interface.
package soundevents
