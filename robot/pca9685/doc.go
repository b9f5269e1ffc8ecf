// Package pca9685 drives servos on a PCA9685 16-channel PWM board over I²C
// (Adafruit 815 and clones, on a Raspberry Pi, a Jetson or any Linux board
// with /dev/i2c-N) through gobot's PCA9685 driver, used "Metal Gobot" style:
// no gobot Robot or work loop, the limiter is the control loop.
//
// Pulse widths come from the profile's calibration in microseconds and are
// converted to 12-bit counts with the frequency the chip really runs at
// after its prescaler is rounded, not from gobot's 0–180° mapping. Channels
// whose count did not change are not rewritten, so a still head costs no
// bus time. Halt switches every output fully off (servos go limp).
package pca9685
