package perception

import (
	"fmt"
	"math"
)

// Angle is an angle of the person's head, measured by perception (see
// HeadPose), in degrees.
//
// It is not robot.Angle, a joint position: the two are in different frames
// (the camera sees the person from the front, so their turn to the left is
// the robot's turn to its right) and a head angle reaches a joint only
// through mimicry's mapping, which mirrors, scales and centres it on the
// joint's neutral. Keeping them apart makes handing one to the other a
// compile error. Values go in through Degrees or Radians and come out
// through the methods of the same names.
type Angle float64

// Degree is one degree, for constants: 3 * perception.Degree.
const Degree Angle = 1

// radiansPerDegree is π/180, the factor head pose has always been converted
// with, so typed poses are bit-identical to the float64 ones before them.
const radiansPerDegree = math.Pi / 180

// Degrees returns an angle of x degrees.
func Degrees(x float64) Angle { return Angle(x) }

// Radians returns an angle of x radians.
func Radians(x float64) Angle { return Angle(x / radiansPerDegree) }

// Degrees returns the angle as a plain number of degrees.
func (a Angle) Degrees() float64 { return float64(a) }

// Radians returns the angle as a plain number of radians.
func (a Angle) Radians() float64 { return float64(a) * radiansPerDegree }

func (a Angle) String() string { return fmt.Sprintf("%.1f°", float64(a)) }
