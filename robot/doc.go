// Package robot is the body: joints with typed angles and limits, body
// profiles and their calibration, and the safety limiter every joint command
// passes through. robot/sim is the simulated body; the hardware leaves drive
// PCA9685 and Firmata servo boards through gobot.
package robot
