package robot

import (
	"context"
	"time"
)

// StepAt lets the external benchmarks drive one control tick without a
// goroutine: apply cmd (if it has a pose) and step one regular period at
// wall.
func (l *Limiter) StepAt(ctx context.Context, cmd Command, wall time.Time) error {
	if l.start.IsZero() {
		l.start = wall
	}
	if cmd.Pose != nil {
		l.apply(cmd, l.bodyTime(wall))
	}
	return l.step(ctx, wall, l.dt, false)
}

// Used only by tests.

// KnownJoint reports whether id is one of the standard joint names.
func KnownJoint(id JointID) bool { return knownJoints[id] }
