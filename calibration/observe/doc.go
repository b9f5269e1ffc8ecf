// Package observe watches and listens to a person at rest (a video, a
// camera, a WAV file or a scripted scenario) and stores the baselines
// `kindred calibrate person` makes: numbers only, never images or sound.
//
// It is wiring: it opens the camera and the face stack (cgo leaves) and
// hands what it measured to package calibration, which is core.
package observe
