package robot

import (
	"fmt"
	"time"
)

// JointID names a joint of a body, e.g. "head_pan" or "brow_inner_left".
type JointID string

// Angle is a joint position in degrees. Degrees keep profiles and logs readable
// for the people who calibrate servos.
type Angle float64

// Degrees returns the angle as a plain number of degrees.
func (a Angle) Degrees() float64 { return float64(a) }

func (a Angle) String() string { return fmt.Sprintf("%.1f°", float64(a)) }

// Pose is a set of joint targets. A pose may name only some joints; the
// limiter keeps the others where they were asked to be last.
type Pose map[JointID]Angle

// Clone returns an independent copy.
func (p Pose) Clone() Pose {
	c := make(Pose, len(p))
	for k, v := range p {
		c[k] = v
	}
	return c
}

// Source says which stage asked for a pose. When two sources name the same
// joint the one with the higher priority wins while its claim is fresh.
type Source int

const (
	SourceIdle       Source = iota // idle liveliness: blinking, breathing
	SourceMimicry                  // mirroring the person
	SourceGesture                  // deliberate gestures (nod, reach)
	SourceSpeech                   // mouth movement while speaking
	SourceSupervisor               // a person at the console
)

func (s Source) String() string {
	switch s {
	case SourceIdle:
		return "idle"
	case SourceMimicry:
		return "mimicry"
	case SourceGesture:
		return "gesture"
	case SourceSpeech:
		return "speech"
	case SourceSupervisor:
		return "supervisor"
	}
	return fmt.Sprintf("source(%d)", int(s))
}

// Command is a pose request on its way to the limiter.
type Command struct {
	Pose   Pose
	Source Source
	// Observed is the wall-clock instant the observation that caused this
	// command entered the pipeline (zero when no observation did, e.g. idle
	// motion). The run summary's latency is measured from it.
	Observed time.Time
	// Delay is a deliberately configured delay (mimicry's human-like lag)
	// that latency figures leave out.
	Delay time.Duration
}

// JointSpec is what the rest of the system may know about a joint: its
// name, its range, where it rests, and how fast it may move. Hardware
// details (channels, pulse widths) stay in the profile's calibration.
type JointSpec struct {
	ID       JointID
	Min, Max Angle // mechanical range after calibration
	Neutral  Angle // relaxed, expressionless
	Safe     Angle // where Halt leaves it (usually Neutral)
	MaxSpeed AngularSpeed
	MaxAccel AngularAccel
}

// Standard joint names. A body profile may carry any subset; stages skip
// joints a body lacks. Angles follow one convention for every body:
// positive head_pan turns to the robot's left, positive head_tilt looks up,
// positive head_roll tilts the head towards its left shoulder; brows and
// mouth corners positive up; lids positive more open; jaw positive open.
// "Left" is the robot's own left, so mirroring a person swaps sides.
const (
	HeadPan          JointID = "head_pan"
	HeadTilt         JointID = "head_tilt"
	HeadRoll         JointID = "head_roll"
	BrowInnerLeft    JointID = "brow_inner_left"
	BrowInnerRight   JointID = "brow_inner_right"
	BrowOuterLeft    JointID = "brow_outer_left"
	BrowOuterRight   JointID = "brow_outer_right"
	LidLeft          JointID = "lid_left"
	LidRight         JointID = "lid_right"
	MouthCornerLeft  JointID = "mouth_corner_left"
	MouthCornerRight JointID = "mouth_corner_right"
	Jaw              JointID = "jaw"
	ArmLeftShoulder  JointID = "arm_left_shoulder"
	ArmLeftElbow     JointID = "arm_left_elbow"
	ArmRightShoulder JointID = "arm_right_shoulder"
	ArmRightElbow    JointID = "arm_right_elbow"
)
