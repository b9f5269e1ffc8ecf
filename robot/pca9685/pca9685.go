package pca9685

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"

	"gobot.io/x/gobot/v2/drivers/i2c"
	"gobot.io/x/gobot/v2/platforms/adaptors"
	"gobot.io/x/gobot/v2/system"

	"github.com/kindred-hri/kindred/robot"
)

// Oscillator is the PCA9685's internal clock.
const Oscillator robot.Frequency = 25e6

// Prescale returns the PRESCALE register value for a PWM frequency, as
// the data sheet (7.3.5) and gobot's driver compute it.
func Prescale(pwm robot.Frequency) byte {
	return byte(Oscillator.Hertz()/4096/pwm.Hertz() - 1 + 0.5)
}

// ActualRate is the frequency the chip runs at with a given prescale.
func ActualRate(prescale byte) robot.Frequency {
	return robot.Hertz(Oscillator.Hertz() / 4096 / (float64(prescale) + 1))
}

// Counts converts a pulse width to the 12-bit OFF count at PWM frequency
// pwm: the pulse's share of the period, in 4096ths.
func Counts(w robot.PulseWidth, pwm robot.Frequency) uint16 {
	c := math.Round(w.Microseconds() * 1e-6 * pwm.Hertz() * 4096)
	return uint16(math.Max(0, math.Min(4095, c)))
}

// Board is a PCA9685 body. Not safe for concurrent use except Halt, which
// may race with the limiter's last write.
type Board struct {
	mu     sync.Mutex
	drv    *i2c.PCA9685Driver
	joints map[robot.JointID]robot.JointConfig
	order  []robot.JointConfig // by channel: register writes in a stable order
	pwm    robot.Frequency     // actual PWM frequency
	last   map[int]uint16      // OFF count last written per channel
	limp   map[int]bool
	halted bool
	closer func() error
}

var (
	_ robot.Actuator = (*Board)(nil)
	_ robot.Releaser = (*Board)(nil)
)

// Open connects to the board a profile names on the Linux I²C bus
// /dev/i2c-<bus> and initialises it (see New).
func Open(p *robot.Profile) (*Board, error) {
	bus := adaptors.NewI2cBusAdaptor(system.NewAccesser(), func(n int) error {
		if n < 0 {
			return fmt.Errorf("bus %d", n)
		}
		return nil
	}, p.Board.Bus)
	if err := bus.Connect(); err != nil {
		return nil, fmt.Errorf("pca9685: i2c bus %d: %w", p.Board.Bus, err)
	}
	b, err := New(p, bus)
	if err != nil {
		// Closing a bus device that never opened fails with os.ErrInvalid
		// (os.File.Close of none), which says nothing more.
		if ferr := bus.Finalize(); ferr != nil && !errors.Is(ferr, os.ErrInvalid) {
			err = fmt.Errorf("%w (closing the bus: %v)", err, oneLine{ferr})
		}
		return nil, err
	}
	b.closer = bus.Finalize
	return b, nil
}

// New initialises the PCA9685 behind c (any gobot I²C connector: a Linux
// bus, a Firmata board's I²C, a test fake) for the profile's joints: it
// resets the chip with every output off, sets the PWM frequency, and
// leaves the servos unpowered until the first Write.
func New(p *robot.Profile, c i2c.Connector) (*Board, error) {
	if p.Board.Kind != robot.BoardPCA9685 {
		return nil, fmt.Errorf("pca9685: profile %s is for a %s board", p.Name, p.Board.Kind)
	}
	drv := i2c.NewPCA9685Driver(c, i2c.WithBus(p.Board.Bus), i2c.WithAddress(p.Board.Address))
	if err := drv.Start(); err != nil {
		return nil, fmt.Errorf("pca9685: start at bus %d address %#x: %w", p.Board.Bus, p.Board.Address, oneLine{err})
	}
	if err := drv.SetPWMFreq(float32(p.Board.PWMRate.Hertz())); err != nil {
		return nil, fmt.Errorf("pca9685: set %g Hz: %w", p.Board.PWMRate.Hertz(), err)
	}
	b := &Board{
		drv:    drv,
		joints: make(map[robot.JointID]robot.JointConfig, len(p.Joints)),
		pwm:    ActualRate(Prescale(p.Board.PWMRate)),
		last:   map[int]uint16{},
		limp:   map[int]bool{},
	}
	for _, j := range p.Joints {
		b.joints[j.ID] = j
		b.order = append(b.order, j)
	}
	slices.SortFunc(b.order, func(x, y robot.JointConfig) int { return x.Channel - y.Channel })
	return b, nil
}

// Write sets each named joint's pulse from its calibration. A joint the
// profile lacks or whose register write fails gives a *robot.JointError.
func (b *Board) Write(ctx context.Context, p robot.Pose) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pca9685: write: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return errors.New("pca9685: write after halt")
	}
	var errs []error
	for id := range p {
		if _, ok := b.joints[id]; !ok {
			errs = append(errs, &robot.JointError{ID: id, Err: errors.New("pca9685: joint not in profile")})
		}
	}
	for _, j := range b.order {
		a, ok := p[j.ID]
		if !ok {
			continue
		}
		if err := b.set(j.Channel, j.PulseAt(a)); err != nil {
			errs = append(errs, &robot.JointError{ID: j.ID, Err: err})
		}
	}
	return errors.Join(errs...)
}

// set writes one channel's pulse unless it is unchanged or limp.
func (b *Board) set(ch int, w robot.PulseWidth) error {
	if b.limp[ch] {
		return nil
	}
	c := Counts(w, b.pwm)
	if old, ok := b.last[ch]; ok && old == c {
		return nil
	}
	if err := b.drv.SetPWM(ch, 0, c); err != nil {
		delete(b.last, ch) // unknown state: rewrite next time
		return fmt.Errorf("pca9685: channel %d: %w", ch, err)
	}
	b.last[ch] = c
	return nil
}

// WritePulse drives one joint's channel with a raw pulse (calibration).
func (b *Board) WritePulse(ctx context.Context, id robot.JointID, w robot.PulseWidth) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pca9685: pulse: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.joints[id]
	if !ok {
		return fmt.Errorf("pca9685: pulse: joint %s not in profile", id)
	}
	if !(w >= robot.MinPulse && w <= robot.MaxPulse) {
		return fmt.Errorf("pca9685: pulse %s: %gµs outside %g..%gµs", id, w.Microseconds(), robot.MinPulse.Microseconds(), robot.MaxPulse.Microseconds())
	}
	return b.set(j.Channel, w)
}

// Release switches a joint's output off so its servo goes limp.
func (b *Board) Release(id robot.JointID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.joints[id]
	if !ok {
		return fmt.Errorf("pca9685: release: joint %s not in profile", id)
	}
	b.limp[j.Channel] = true
	delete(b.last, j.Channel)
	if err := b.drv.SetPWM(j.Channel, 0, 0); err != nil {
		return fmt.Errorf("pca9685: release channel %d: %w", j.Channel, err)
	}
	return nil
}

// Halt switches all outputs fully off and closes the bus. Idempotent.
func (b *Board) Halt() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return nil
	}
	b.halted = true
	err := b.drv.Halt()
	if b.closer != nil {
		err = errors.Join(err, b.closer())
	}
	if err != nil {
		return fmt.Errorf("pca9685: halt: %w", err)
	}
	return nil
}

// oneLine keeps a gobot error (often a multi-line multierror) to one line,
// as the CLI prints errors, while errors.Is still sees through it.
type oneLine struct{ err error }

func (o oneLine) Error() string {
	return strings.Join(strings.FieldsFunc(o.err.Error(), func(r rune) bool { return r == '\n' || r == '\t' }), "; ")
}
func (o oneLine) Unwrap() error { return o.err }
