package robot

import (
	"context"
	"errors"
	"fmt"
)

// Actuator is a body that can be told where its joints go. The limiter is
// its only caller, from one goroutine of its own, one call at a time, so
// it need not be safe for concurrent use. A call that takes longer than
// LimiterOpts.WriteTimeout is taken for a hung bus and left to return in
// its own time; until it does, no other call is made (the actuator's Halt
// at the end waits behind it).
//
// Write moves the joints named in p (a subset of the body's joints) and
// must not keep p after it returns. It applies every joint it can; for
// each joint it could not move it reports a *JointError (several are
// joined with errors.Join), and any other error means the whole write
// failed. Halt stops motion and makes the body inert; it is idempotent.
type Actuator interface {
	Write(ctx context.Context, p Pose) error
	Halt() error
}

// Releaser is an Actuator that can let one joint go limp (stop driving its
// servo) when it has failed. The limiter uses it when present.
type Releaser interface {
	Release(id JointID) error
}

// Reviver is a Releaser whose let-go joints can be driven again, as a
// board's are once its lost link is re-established. Revived delivers the
// joints that are back, once per recovery; the limiter then writes each
// joint it had let go at its safe angle and moves it on under its limits,
// and writes the others where they are.
type Reviver interface {
	Releaser
	Revived() <-chan []JointID
}

// LossReporter is an actuator that notices on its own when its link is
// lost, also while nothing is being written (a board's reader fails). Lost
// delivers the cause once per loss; the limiter then lets every joint still
// driven go, with one fault each, as a failed write would.
type LossReporter interface {
	Lost() <-chan error
}

// JointError says which joint an actuator failed to move.
type JointError struct {
	ID  JointID
	Err error
}

func (e *JointError) Error() string { return fmt.Sprintf("joint %s: %v", e.ID, e.Err) }
func (e *JointError) Unwrap() error { return e.Err }

// jointErrors calls fn for every *JointError in err's tree (errors.Join
// and %w wrapping) and reports whether it found any.
func jointErrors(err error, fn func(*JointError)) bool {
	if err == nil {
		return false
	}
	if je, ok := err.(*JointError); ok {
		fn(je)
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		found := false
		for _, e := range u.Unwrap() {
			if jointErrors(e, fn) {
				found = true
			}
		}
		return found
	case interface{ Unwrap() error }:
		return jointErrors(u.Unwrap(), fn)
	}
	var je *JointError
	if errors.As(err, &je) {
		fn(je)
		return true
	}
	return false
}
