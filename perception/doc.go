// Package perception holds the typed observations that flow from the
// sensing stages (face, voice, posture, robot-side sensors, the scenario
// player) to fusion and behaviour, and the small plumbing they share.
//
// Every observation carries the time it was observed (At), measured from the
// start of the session: the monotonic clock in live runs, media time in file
// and scenario runs. Continuous streams use latest-value mailboxes (Latest):
// a slow consumer sees the newest value and the producer counts what was
// dropped. Discrete events (a person arriving, a spoken "stop", a touch, a
// camera lost) travel on ordinary buffered channels and are never dropped.
//
// Sub-packages: face, voice, posture, fusion and the scenario player; the
// device leaves (camera, microphone) are the only ones that use cgo.
package perception
