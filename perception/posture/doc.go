// Package posture measures how a person moves, without a skeleton model:
// upper-body movement from coarse optical flow and frame differencing in a
// region anchored below the face box, and head dynamics (nodding, shaking,
// rocking, a hanging head) from the face pipeline's head pose.
//
// An Analyzer is fed one gray frame at a time (Update) and returns a
// perception.PostureObs describing the last few seconds: amplitude, speed,
// jerk (the opposite of fluidity), rocking, restlessness, guarding (stiller
// than the person's own baseline) and the breathing rate when the chest's
// slow periodic motion is visible. All timing uses the frames' At (media or
// session time), so the same video gives the same numbers at any speed.
//
// The package is pure Go; an Analyzer is owned by one goroutine.
package posture
