// Command kindred runs a social companion robot that notices pain and
// responds with empathy, and the tools around it: analyze (per-frame CSV and
// summary from media), say, calibrate (servos, a person's baseline, the
// microphone), sessions and replay (the journal), bench and doctor.
//
// This package is the shell: each command's flags (internal/cliflags), the
// checks that make bad usage exit 2, progress on a terminal, and the wiring
// of the cgo leaves (camera, face models, microphone, keywords, speech,
// playback) to the runtime in package companion (run.go, run_live.go,
// fleet.go). The work of the other commands lives in packages named after
// it: analysis (analyze), evaluate (eval), doctor, journal/replay (replay),
// calibration/observe (calibrate person), with devices opening the face
// stack and speech for all of them. Exit codes: 0 done, 1 runtime failure, 2
// bad usage or bad input (one line naming the file or field; packages mark
// theirs with internal/badinput).
package main
