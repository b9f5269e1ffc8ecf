// Command kindred runs a social companion robot that notices pain and
// responds with empathy, and the tools around it: analyze (per-frame CSV and
// summary from media), say, calibrate (servos, a person's baseline, the
// microphone), sessions and replay (the journal), bench and doctor.
//
// This is the only package that wires the cgo leaves (camera, face models,
// microphone, keywords, speech, playback) to the core stages. `kindred run`
// builds the session in run.go and moves typed values between the stages in
// companion.go; live devices are in run_live.go and devices.go, the fleet
// link in fleet.go. Exit codes: 0 done, 1 runtime failure, 2 bad usage or
// bad input (one line naming the file or field).
package main
