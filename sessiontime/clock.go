package sessiontime

import (
	"context"
	"fmt"
	"time"
)

// MaxSpeed is the fastest a session may run: beyond it the body's control
// period (20 ms at 50 Hz) would be shorter than a scheduler tick.
const MaxSpeed = 1000

// Clock is session time for one run. Session time starts at zero when the
// clock is built and passes Speed times as fast as wall time. It is safe
// for concurrent use: it holds no mutable state.
//
// All conversions between wall and session durations live here, so no
// stage scales by the speed on its own. Tests run it inside a
// testing/synctest bubble, where wall time is virtual.
type Clock struct {
	speed float64
	start time.Time
}

// New starts a session clock at speed session seconds per wall second,
// in (0, MaxSpeed].
func New(speed float64) (*Clock, error) {
	if !(speed > 0 && speed <= MaxSpeed) {
		return nil, fmt.Errorf("sessiontime: speed %g out of range (0, %d]", speed, MaxSpeed)
	}
	return &Clock{speed: speed, start: time.Now()}, nil
}

// RealTime is a clock at speed 1, for stages run without a session (tools,
// tests, benchmarks) and as the default of options that take a clock.
func RealTime() *Clock { return &Clock{speed: 1, start: time.Now()} }

// Or is c, or a real-time clock when c is nil: options structs may leave
// their clock unset.
func Or(c *Clock) *Clock {
	if c == nil {
		return RealTime()
	}
	return c
}

// Origin is the wall instant session time 0 is (with its monotonic
// reading). A live device stamps what it captures as the time since it, so
// a camera or microphone reopened mid-run (after an opt-in) goes on in the
// run's time instead of starting from zero again.
func (c *Clock) Origin() time.Time { return c.start }

// Speed is session seconds per wall second.
func (c *Clock) Speed() float64 { return c.speed }

// Now is the session time elapsed since the clock started.
func (c *Clock) Now() time.Duration { return c.Since(c.start) }

// Since is the session time elapsed since wall instant t.
func (c *Clock) Since(t time.Time) time.Duration { return c.Session(time.Since(t)) }

// Session converts a wall-clock duration into session time.
func (c *Clock) Session(wall time.Duration) time.Duration {
	return time.Duration(float64(wall) * c.speed)
}

// Wall converts a session duration into the wall-clock time it takes.
func (c *Clock) Wall(session time.Duration) time.Duration {
	return time.Duration(float64(session) / c.speed)
}

// WallAt is the wall instant at which session time, counted from wall
// instant origin, reaches at.
func (c *Clock) WallAt(origin time.Time, at time.Duration) time.Time {
	return origin.Add(c.Wall(at))
}

// NewTicker ticks every period of session time, and never more often than
// once a millisecond of wall time.
func (c *Clock) NewTicker(period time.Duration) *time.Ticker {
	return time.NewTicker(max(c.Wall(period), time.Millisecond))
}

// NewTimer fires once d of session time has passed.
func (c *Clock) NewTimer(d time.Duration) *time.Timer {
	return time.NewTimer(c.Wall(d))
}

// Sleep waits d of session time, or until ctx ends (then its error).
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	return WaitUntil(ctx, time.Now().Add(c.Wall(d)))
}

// WaitUntil waits until wall instant t, or until ctx ends (then its error).
// An instant already past returns at once.
func WaitUntil(ctx context.Context, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
