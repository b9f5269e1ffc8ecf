// Package sensors reads the robot-side sensors a body profile declares
// (touch pads, electrodermal activity, pulse) from the board's analog and
// digital pins, each at its own rate. A touch becomes a
// perception.EventTouch on its rising edge (analog pads with hysteresis);
// every sample also goes out as a Reading on a latest-value channel.
//
// The pins are read through a two-method interface that gobot's firmata
// adaptor implements (and robot/sim, for runs without hardware), so this
// package holds the logic and no device code.
package sensors
