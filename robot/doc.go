// Package robot is the body: joints with typed angles and limits, body
// profiles and their calibration, and the safety limiter every joint command
// passes through. robot/sim is the simulated body; the hardware leaves drive
// PCA9685 and Firmata servo boards through gobot.
//
// Physical quantities have unit types (Angle, AngularSpeed, AngularAccel,
// PulseWidth, Frequency) that go in and out through named methods, so a
// speed cannot be handed over as an acceleration, nor a pulse as an angle.
//
// Profiles (LoadProfile) come from YAML with unknown fields rejected; the
// built-ins "sim", "tabletop-pca9685" and "humanoid-firmata" are embedded.
// Any problem with a profile is one line naming file, line and field, and
// errors.Is(err, ErrBadProfile) holds, so the CLI can exit 2.
//
// Limiter is the only path to an Actuator. It clamps targets to range,
// limits speed and acceleration (integrated on a fixed grid of a quarter
// control period, so no timing of commands can break the bounds), arbitrates
// sources per joint (the highest-priority fresh claim wins), steps at a fixed
// rate in body time (the session clock's, faster than real time at --speed), writes
// one step at once when a command arrives, returns to the safe pose on Halt,
// on shutdown and after a watchdog period without commands, and lets a
// failing joint go limp while the others go on. A bus that fails as a whole
// ends Run with an error, or, with LimiterOpts.OnBusLost, loses the body
// while Run goes on: the safe pose is tried again every BusRetry through the
// same write path, and the first try taken brings the body back
// (OnBusBack). A bus that hangs is the same loss: the actuator is called
// from one goroutine of the limiter's, one call at a time, and a call not
// back within WriteTimeout (1 s) fails the bus at once (ErrBusHung) while
// it is left to return; no other call is made until it does, and its
// return is tried as a retry. Halt and shutdown end even so. This package
// builds without cgo.
package robot
