// Package body opens the body a profile describes: the simulated body, a
// PCA9685 board or a Firmata board, as one value the run wiring can hand
// to the limiter (Actuator) and, when the profile declares sensors, to a
// sensors.Reader (Pins). It is the one place that knows every kind of
// board, so cmd/kindred need not.
package body
