// Package firmata drives servos on an Arduino (or ESP8266/ESP32) running
// StandardFirmata, over USB serial or TCP (StandardFirmataWiFi), through
// gobot's firmata adaptor used "Metal Gobot" style: no gobot Robot or work
// loop, the limiter is the control loop.
//
// Each joint's pin is configured with SERVO_CONFIG using its calibrated
// pulse window, and positions are sent as pulse widths in microseconds
// (Arduino's Servo.write takes values of 544 and up as µs), so gobot's
// 0–180° mapping is never used. Unchanged pulses are not resent. Release
// and Halt detach the servo and drive its pin low (it goes limp); Halt
// first holds the last pulses long enough for the servos to get there.
//
// A board made by Open survives a pulled cable or a reset: the first
// failed write or read lets every joint go, the same port is reopened
// with backoff until the board answers (Halt ends the retries), and the
// joints are handed back to the limiter (robot.Reviver), which restarts
// them from their safe pose under their limits. A pin is attached again
// only with its first pulse on the new link.
package firmata
