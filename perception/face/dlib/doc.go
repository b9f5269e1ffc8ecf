// Package dlib is the cgo leaf over dlib: its HOG frontal face detector and
// its 68-point shape predictor (the iBUG 300-W model Debian ships in
// libdlib-data). Images cross the boundary as Go image.Gray pixels read in
// place; results come back as plain Go values (image.Rectangle,
// [68]perception.Point). The model is loaded once per Landmarker and shared
// by all goroutines; the HOG detector keeps scratch buffers, so calls on one
// Detector are serialised.
//
// The shape predictor model is trained on iBUG 300-W, whose images are for
// non-commercial research; see the README.
package dlib
