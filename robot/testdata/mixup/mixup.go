// Package mixup holds unit mix-ups that must not compile; TestUnitMixUps
// builds it and expects the compiler to stop each line marked "want".
// Each line is a mistake that compiled, and ran wrong, while these values
// were all float64.
package mixup

import (
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// MirrorHead hands a person's head yaw straight to the robot's pan joint,
// which would turn the robot the same way as the person (not mirrored) and
// ignore the joint's neutral.
func MirrorHead(face perception.FaceObs, pose robot.Pose) {
	pose[robot.HeadPan] = face.Pose.Yaw // want
}

// SwapLimits takes a joint's acceleration limit for its speed limit.
func SwapLimits(j robot.JointConfig) robot.JointSpec {
	s := j.Spec()
	s.MaxSpeed = j.MaxAccel // want
	return s
}

// PulseForAngle passes a pulse where the calibration wants an angle.
func PulseForAngle(j robot.JointConfig) robot.PulseWidth {
	return j.PulseAt(j.Pulse.Neutral) // want
}

// PeriodFromRate uses the PWM rate in hertz as if it were a period.
func PeriodFromRate(b robot.Board) robot.PulseWidth {
	var period robot.PulseWidth = b.PWMRate // want
	return period
}

// BareNumber gives a speed without saying its unit.
func BareNumber(j *robot.JointConfig, degreesPerSecond float64) {
	j.MaxSpeed = degreesPerSecond // want
}
