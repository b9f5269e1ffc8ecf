package robot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrBusHung is wrapped by the error of an actuator call that did not
// return within LimiterOpts.WriteTimeout, and of a call not made because
// an earlier one had not returned: the body's bus hangs.
var ErrBusHung = errors.New("the bus hangs")

// busLine is the one goroutine that calls the actuator, one call at a
// time, so that the limiter waits for no call longer than the timeout:
// a bus whose writes hang without failing (a Wi-Fi Firmata board gone
// silent, whose TCP writes block until TCP gives up minutes later; a USB
// board whose firmware stopped reading) would otherwise freeze the
// limiter in its write, and nobody would be told. A call not back in
// time is left to finish on its own while the limiter goes on; until it
// returns no other call is made, so a hung bus never gathers more than
// the one call (and, at the end, the actuator's Halt queued behind it).
//
// Everything but the goroutine itself is owned by the limiter's goroutine
// (Run's, or Halt's when Run never ran).
type busLine struct {
	act     Actuator
	timeout time.Duration // wall time

	calls   chan busCall // the goroutine's input; nil until the first call
	results chan error   // room for the hung call's result and the final Halt's
	timer   *time.Timer
	closed  bool

	// out is set while a call has been handed over and its result not
	// taken: it did not return within the timeout. since is when it was
	// handed over.
	out     bool
	since   time.Time
	outName string
}

// busCall is one call of the actuator: Write(ctx, pose), Release(release)
// or Halt().
type busCall struct {
	ctx     context.Context
	pose    Pose
	release JointID
	halt    bool
}

func (c busCall) name() string {
	switch {
	case c.halt:
		return "halt"
	case c.release != "":
		return "release of " + string(c.release)
	}
	return "write"
}

func (c busCall) on(act Actuator) error {
	switch {
	case c.halt:
		return act.Halt()
	case c.release != "":
		if r, ok := act.(Releaser); ok {
			return r.Release(c.release)
		}
		return nil
	}
	return act.Write(c.ctx, c.pose)
}

func serveBus(act Actuator, calls <-chan busCall, results chan<- error) {
	for c := range calls {
		results <- c.on(act)
	}
}

// do makes one call and waits for it at most the timeout. A call that
// does not return in time is left out (out) and its error wraps
// ErrBusHung; while one is out, do makes no call and says so.
func (b *busLine) do(c busCall) error {
	if b.out {
		return fmt.Errorf("robot: limiter: %s not made: the %s made %v ago has not returned: %w",
			c.name(), b.outName, time.Since(b.since).Round(100*time.Millisecond), ErrBusHung)
	}
	if b.closed {
		return fmt.Errorf("robot: limiter: %s after halt", c.name())
	}
	if b.calls == nil {
		// Buffered for one, so the Halt at the end can queue behind a
		// hung call (halt); two results, so the goroutine never blocks.
		b.calls, b.results = make(chan busCall, 1), make(chan error, 2)
		b.timer = time.NewTimer(b.timeout)
		go serveBus(b.act, b.calls, b.results)
	} else {
		b.timer.Reset(b.timeout)
	}
	b.calls <- c // never blocks: nothing is out, so the buffer is empty
	b.out, b.since, b.outName = true, time.Now(), c.name()
	select {
	case err := <-b.results:
		b.out = false
		b.timer.Stop()
		return err
	case <-b.timer.C:
		return fmt.Errorf("robot: limiter: %s did not return within %v: %w", c.name(), b.timeout, ErrBusHung)
	}
}

// late delivers the result of the call left out, once; nil (never ready)
// while none is.
func (b *busLine) late() <-chan error {
	if !b.out {
		return nil
	}
	return b.results
}

// returned books the result late delivered: the bus takes calls again.
func (b *busLine) returned() { b.out = false }

// wait gives the call left out up to d more to return, and reports
// whether it did.
func (b *busLine) wait(d time.Duration) bool {
	if !b.out {
		return true
	}
	b.timer.Reset(d)
	select {
	case <-b.results:
		b.out = false
		b.timer.Stop()
		return true
	case <-b.timer.C:
		return false
	}
}

// halt halts the actuator, bounded as every call is, and ends the
// goroutine. Behind a hung call the Halt is queued, to run when (if ever)
// that call returns, and halt does not wait for it.
func (b *busLine) halt() error {
	if b.closed {
		return nil
	}
	var err error
	if !b.out {
		err = b.do(busCall{halt: true})
	} else {
		select {
		case b.calls <- busCall{halt: true}:
		default: // the goroutine has not even taken the hung call; it never will halt
		}
	}
	b.closed = true
	if b.calls != nil {
		close(b.calls)
	}
	return err
}
