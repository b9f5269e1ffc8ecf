// Package devices opens the native parts every command shares: the face
// stack of a chosen backend (mesh or dlib) with the models it names, and
// the speech synthesizer and speaker, and the recogniser that hears the
// person's spoken answers to the robot's questions.
//
// It is wiring, not a stage: it imports the cgo leaves (perception/face/mesh,
// perception/face/dlib, perception/face/pose, perception/selfreport/sphinx,
// voices/espeak, voices/playback) and hands plain values to the core.
package devices
