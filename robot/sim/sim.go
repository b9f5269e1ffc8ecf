package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/kindred-hri/kindred/robot"
)

// ErrUnknownJoint is wrapped in the JointError for a joint the body lacks.
var ErrUnknownJoint = errors.New("no such joint on this body")

// ErrHalted is returned by WritePulse on a halted body.
var ErrHalted = errors.New("sim: body halted")

// Body is a simulated body. It is safe for concurrent use: the limiter
// writes while observers read snapshots.
type Body struct {
	name   string
	joints map[robot.JointID]robot.JointConfig // the servos' true calibration

	mu     sync.RWMutex
	angle  robot.Pose
	pulse  map[robot.JointID]robot.PulseWidth
	fail   map[robot.JointID]error
	limp   map[robot.JointID]bool
	halted bool
	halts  int
	writes int

	sensors map[string]robot.SensorConfig
	digital map[int]int // what each simulated pin reads
	analog  map[int]int
}

var (
	_ robot.Actuator = (*Body)(nil)
	_ robot.Releaser = (*Body)(nil)
)

// New returns a body whose servos are exactly as p describes them (its
// pulses are the ground truth servo calibration has to find), resting at
// the safe pose.
func New(p *robot.Profile) *Body {
	b := &Body{
		name:   p.Name,
		joints: make(map[robot.JointID]robot.JointConfig, len(p.Joints)),
		angle:  p.SafePose(),
		pulse:  make(map[robot.JointID]robot.PulseWidth, len(p.Joints)),
		fail:   map[robot.JointID]error{},
		limp:   map[robot.JointID]bool{},

		sensors: map[string]robot.SensorConfig{},
		digital: map[int]int{},
		analog:  map[int]int{},
	}
	for _, s := range p.Sensors {
		b.sensors[s.ID] = s
	}
	for _, j := range p.Joints {
		b.joints[j.ID] = j
		b.pulse[j.ID] = j.PulseAt(j.Safe())
	}
	return b
}

// Write moves the named joints. A failing or unknown joint yields a
// *robot.JointError; the others move. Writing wakes a halted body.
func (b *Body) Write(ctx context.Context, p robot.Pose) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sim: write: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var errs []error
	moved := false
	for id, a := range p {
		j, ok := b.joints[id]
		switch {
		case !ok:
			errs = append(errs, &robot.JointError{ID: id, Err: ErrUnknownJoint})
			continue
		case b.fail[id] != nil:
			errs = append(errs, &robot.JointError{ID: id, Err: b.fail[id]})
			continue
		case b.limp[id]:
			continue
		}
		if f := a.Degrees(); math.IsNaN(f) || f < j.Min.Degrees() || f > j.Max.Degrees() {
			// The limiter never sends this; a real servo would strain
			// against its stop, so the sim refuses it loudly.
			errs = append(errs, &robot.JointError{ID: id, Err: fmt.Errorf("angle %v outside [%g, %g]", a, j.Min.Degrees(), j.Max.Degrees())})
			continue
		}
		b.angle[id] = a
		b.pulse[id] = j.PulseAt(a)
		moved = true
	}
	if moved {
		b.writes++
		b.halted = false
	}
	return errors.Join(errs...)
}

// Halt makes the body inert where it stands. Idempotent.
func (b *Body) Halt() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.halted = true
	b.halts++
	return nil
}

// Release lets a joint go limp: later writes leave it alone.
func (b *Body) Release(id robot.JointID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.joints[id]; !ok {
		return fmt.Errorf("sim: release %s: %w", id, ErrUnknownJoint)
	}
	b.limp[id] = true
	return nil
}

// Fail makes every later write to joint id fail with err (nil heals it).
func (b *Body) Fail(id robot.JointID, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err == nil {
		delete(b.fail, id)
		return
	}
	b.fail[id] = err
}

// Snapshot returns a copy of every joint's current angle.
func (b *Body) Snapshot() robot.Pose {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.angle.Clone()
}

// Pulses returns a copy of every joint's current pulse width.
func (b *Body) Pulses() map[robot.JointID]robot.PulseWidth {
	b.mu.RLock()
	defer b.mu.RUnlock()
	c := make(map[robot.JointID]robot.PulseWidth, len(b.pulse))
	for k, v := range b.pulse {
		c[k] = v
	}
	return c
}

// Halted reports whether the body is inert (Halt called, nothing written
// since), and how many times Halt was called.
func (b *Body) Halted() (bool, int) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.halted, b.halts
}

// Writes counts writes that moved at least one joint.
func (b *Body) Writes() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.writes
}

// Limp reports whether joint id was released.
func (b *Body) Limp(id robot.JointID) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.limp[id]
}

// WritePulse drives one servo with a raw pulse, as servo calibration does
// before any calibration can be trusted. The joint follows the true
// pulse-to-angle line of its servo and stops at its mechanical range, as
// a real horn does against its stop.
func (b *Body) WritePulse(ctx context.Context, id robot.JointID, us robot.PulseWidth) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sim: pulse: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.joints[id]
	if !ok {
		return fmt.Errorf("sim: pulse %s: %w", id, ErrUnknownJoint)
	}
	if err := b.fail[id]; err != nil {
		return &robot.JointError{ID: id, Err: err}
	}
	if !(us >= robot.MinPulse && us <= robot.MaxPulse) {
		return fmt.Errorf("sim: pulse %s: %gµs outside %g..%gµs", id, us.Microseconds(), robot.MinPulse.Microseconds(), robot.MaxPulse.Microseconds())
	}
	b.pulse[id] = us
	b.angle[id] = angleOf(j, us)
	b.halted = false
	b.writes++
	return nil
}

// Stalled reports whether joint id is pressed against a mechanical stop:
// its pulse asks for more than the stop allows (what a current-sensing
// servo board would notice).
func (b *Body) Stalled(id robot.JointID) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	j, ok := b.joints[id]
	if !ok {
		return false
	}
	a := unclampedAngle(j, b.pulse[id])
	return a < j.Min.Degrees()-1e-9 || a > j.Max.Degrees()+1e-9
}

// unclampedAngle inverts the servo's pulse line, extending its end
// segments beyond the range.
func unclampedAngle(j robot.JointConfig, pulse robot.PulseWidth) float64 {
	us := pulse.Microseconds()
	pMin, pMid, pMax := j.Pulse.Min.Microseconds(), j.Pulse.Neutral.Microseconds(), j.Pulse.Max.Microseconds()
	aMin, aMid, aMax := j.Min.Degrees(), j.Neutral.Degrees(), j.Max.Degrees()
	lo := (pMid - pMin) / (aMid - aMin) // µs per degree below neutral
	hi := (pMax - pMid) / (aMax - aMid) // and above
	if !finite(lo) || lo == 0 {
		lo = hi
	}
	if !finite(hi) || hi == 0 {
		hi = lo
	}
	a := aMid + (us-pMid)/hi
	if a < aMid {
		a = aMid + (us-pMid)/lo
	}
	return a
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func angleOf(j robot.JointConfig, us robot.PulseWidth) robot.Angle {
	return robot.Degrees(math.Max(j.Min.Degrees(), math.Min(j.Max.Degrees(), unclampedAngle(j, us))))
}

// Touch presses (on) or releases a simulated touch sensor by its profile
// id, so scenarios and tests can touch the robot.
func (b *Body) Touch(sensor string, on bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	s, ok := b.sensors[sensor]
	if !ok || s.Kind != robot.SensorTouch {
		return fmt.Errorf("sim: no touch sensor %q", sensor)
	}
	v := 0
	if on {
		v = 1
	}
	if s.Signal == robot.SignalDigital {
		b.digital[s.Pin] = v
	} else {
		b.analog[s.Pin] = v * 1023
	}
	return nil
}

// SetAnalog sets what a simulated analog pin reads (0..1023).
func (b *Body) SetAnalog(pin, raw int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.analog[pin] = raw
}

// DigitalRead reads a simulated digital pin, as gobot's firmata adaptor
// does a real one.
func (b *Body) DigitalRead(pin string) (int, error) {
	n, err := strconv.Atoi(pin)
	if err != nil {
		return 0, fmt.Errorf("sim: digital pin %q: %w", pin, err)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.digital[n], nil
}

// AnalogRead reads a simulated analog pin by its analog index.
func (b *Body) AnalogRead(pin string) (int, error) {
	n, err := strconv.Atoi(pin)
	if err != nil {
		return 0, fmt.Errorf("sim: analog pin %q: %w", pin, err)
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.analog[n], nil
}
