// Package sim is the simulated body: an Actuator that keeps every joint's
// angle and servo pulse observable (Snapshot, Pulses), lets a test or a demo
// make a joint fail (Fail), and behaves like hobby servos against mechanical
// stops when driven by raw pulses (WritePulse, used by servo calibration).
// It runs the built-in "sim" profile or any other profile without hardware.
package sim
