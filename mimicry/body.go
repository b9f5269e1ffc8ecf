package mimicry

import (
	"fmt"
	"math"

	"github.com/kindred-hri/kindred/robot"
)

// slot indexes the joints mimicry knows, so per-update work runs on fixed
// arrays instead of maps.
type slot int

const (
	sHeadPan slot = iota
	sHeadTilt
	sHeadRoll
	sBrowInnerL
	sBrowInnerR
	sBrowOuterL
	sBrowOuterR
	sLidL
	sLidR
	sMouthL
	sMouthR
	sJaw
	sArmLShoulder
	sArmLElbow
	sArmRShoulder
	sArmRElbow
	nSlots
)

var slotJoint = [nSlots]robot.JointID{
	sHeadPan:      robot.HeadPan,
	sHeadTilt:     robot.HeadTilt,
	sHeadRoll:     robot.HeadRoll,
	sBrowInnerL:   robot.BrowInnerLeft,
	sBrowInnerR:   robot.BrowInnerRight,
	sBrowOuterL:   robot.BrowOuterLeft,
	sBrowOuterR:   robot.BrowOuterRight,
	sLidL:         robot.LidLeft,
	sLidR:         robot.LidRight,
	sMouthL:       robot.MouthCornerLeft,
	sMouthR:       robot.MouthCornerRight,
	sJaw:          robot.Jaw,
	sArmLShoulder: robot.ArmLeftShoulder,
	sArmLElbow:    robot.ArmLeftElbow,
	sArmRShoulder: robot.ArmRightShoulder,
	sArmRElbow:    robot.ArmRightElbow,
}

// inDegrees reports whether a slot's value is an offset in degrees (the
// head, whose angles compare directly with the person's head pose) rather
// than a fraction of the joint's travel from neutral (-1..1).
func (s slot) inDegrees() bool { return s <= sHeadRoll }

// targets is one value per slot: degrees from neutral for the head, a
// fraction of travel for the rest.
type targets [nSlots]float64

// body is the subset of the loaded joints mimicry drives.
type body struct {
	spec    [nSlots]robot.JointSpec
	has     [nSlots]bool
	present []slot // the slots the body has, in slot order
	arms    bool
}

func newBody(joints []robot.JointSpec) (body, error) {
	var b body
	seen := make(map[robot.JointID]bool, len(joints))
	index := make(map[robot.JointID]slot, nSlots)
	for s := range nSlots {
		index[slotJoint[s]] = s
	}
	for _, j := range joints {
		if seen[j.ID] {
			return body{}, fmt.Errorf("mimicry: joint %s: listed twice", j.ID)
		}
		seen[j.ID] = true
		s, ok := index[j.ID]
		if !ok {
			continue // a joint mimicry does not drive (ears, wheels, ...)
		}
		if err := checkSpec(j); err != nil {
			return body{}, fmt.Errorf("mimicry: joint %s: %w", j.ID, err)
		}
		b.spec[s], b.has[s] = j, true
	}
	for s := range nSlots {
		if b.has[s] {
			b.present = append(b.present, s)
		}
	}
	if len(b.present) == 0 {
		return body{}, ErrNoJoints
	}
	b.arms = b.has[sArmLShoulder] || b.has[sArmRShoulder] || b.has[sArmLElbow] || b.has[sArmRElbow]
	return b, nil
}

func checkSpec(j robot.JointSpec) error {
	for _, a := range []robot.Angle{j.Min, j.Max, j.Neutral} {
		if math.IsNaN(a.Degrees()) || math.IsInf(a.Degrees(), 0) {
			return fmt.Errorf("range %v..%v neutral %v is not finite", j.Min, j.Max, j.Neutral)
		}
	}
	if j.Min >= j.Max {
		return fmt.Errorf("min %v is not below max %v", j.Min, j.Max)
	}
	if j.Neutral < j.Min || j.Neutral > j.Max {
		return fmt.Errorf("neutral %v is outside %v..%v", j.Neutral, j.Min, j.Max)
	}
	return nil
}

// angle turns a slot value into a joint angle inside the joint's range.
// Fractions scale the travel on their own side of neutral, so +1 reaches
// Max and -1 reaches Min whatever the body's asymmetry.
func (b *body) angle(s slot, v float64) robot.Angle {
	j := &b.spec[s]
	neutral := j.Neutral.Degrees()
	var a float64
	switch {
	case s.inDegrees():
		a = neutral + v
	case v >= 0:
		a = neutral + v*(j.Max-j.Neutral).Degrees()
	default:
		a = neutral + v*(j.Neutral-j.Min).Degrees()
	}
	return robot.Degrees(min(max(a, j.Min.Degrees()), j.Max.Degrees()))
}
