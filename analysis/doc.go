// Package analysis is `kindred analyze`: it runs the companion's perception
// stages over recorded video and audio files, offline and in order, and
// writes the per-frame and per-hop CSVs and the summary JSON that
// docs/OUTPUTS.md describes. A still image is fused as a face held before
// the robot for fusion's settle time (fusion.Opts.Settle), not as one frame.
//
// It is one of the packages that wire native leaves (camera, face models,
// sound models, speech) to the pure-Go core for the command; the core never
// imports it.
package analysis
