package badinput

import (
	"errors"
	"fmt"
)

// Error is bad usage or bad input; it wraps the reason.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Errorf formats an error, as fmt.Errorf does (with %w), and marks it bad
// input.
func Errorf(format string, a ...any) error {
	return &Error{fmt.Errorf(format, a...)}
}

// Is reports whether err, or an error it wraps, is bad input.
func Is(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
