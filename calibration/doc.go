// Package calibration holds what makes a body and a person measurable:
// servo calibration (the pulse widths at each joint's min, neutral and max,
// found joint by joint with the interactive procedure in servo.go and
// written back as a robot profile), per-person baselines (person*.go) and
// the microphone noise floor (mic*.go). It builds without cgo; devices
// reach it through small interfaces declared here.
package calibration
