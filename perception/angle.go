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

// degree is one degree in radians.
const degree = math.Pi / 180

// Degrees returns an angle of x degrees.
func Degrees(x float64) Angle { return Angle(x) }

// Radians returns an angle of x radians.
func Radians(x float64) Angle { return Angle(x / degree) }

// Degrees returns the angle as a plain number of degrees.
func (a Angle) Degrees() float64 { return float64(a) }

// Radians returns the angle as a plain number of radians.
func (a Angle) Radians() float64 { return float64(a) * degree }

func (a Angle) String() string { return fmt.Sprintf("%.1f°", float64(a)) }
