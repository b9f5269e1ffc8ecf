package robot

import (
	"fmt"
	"time"
)

// The body's physical quantities each have their own type, so a speed
// cannot be passed where an acceleration is wanted, a pulse width where a
// frequency is, or an angle where a pulse is: such a mix-up does not
// compile (units_test.go shows it). Each type keeps the unit people
// calibrate servos in, as a float64 underneath so that profiles read and
// write the same numbers as before; a value goes in and comes out only
// through the named constructor and method of its unit, never a bare
// conversion. The pattern follows periph.io's physic package, whose types
// carry their unit in the type rather than in a field name.

// Degrees returns an angle of x degrees.
func Degrees(x float64) Angle { return Angle(x) }

// Scale returns the angle times f: a fraction of a joint's travel, say.
func (a Angle) Scale(f float64) Angle { return Angle(f * float64(a)) }

// AngularSpeed is how fast a joint turns, in degrees per second.
type AngularSpeed float64

// DegreesPerSecond returns a speed of x °/s.
func DegreesPerSecond(x float64) AngularSpeed { return AngularSpeed(x) }

// DegreesPerSecond returns the speed as a plain number of °/s.
func (s AngularSpeed) DegreesPerSecond() float64 { return float64(s) }

func (s AngularSpeed) String() string { return fmt.Sprintf("%g°/s", float64(s)) }

// AngularAccel is how fast a joint's speed may change, in degrees per
// second squared.
type AngularAccel float64

// DegreesPerSecondSquared returns an acceleration of x °/s².
func DegreesPerSecondSquared(x float64) AngularAccel { return AngularAccel(x) }

// DegreesPerSecondSquared returns the acceleration as a plain number of °/s².
func (a AngularAccel) DegreesPerSecondSquared() float64 { return float64(a) }

func (a AngularAccel) String() string { return fmt.Sprintf("%g°/s²", float64(a)) }

// PulseWidth is how long a servo's control pulse is high, in microseconds.
// It is fractional: a pulse interpolated from a calibration keeps its
// precision until a board rounds it to what it can emit (whole µs for
// Firmata, 4096ths of the PWM period for a PCA9685).
type PulseWidth float64

// Microseconds returns a pulse width of x µs.
func Microseconds(x float64) PulseWidth { return PulseWidth(x) }

// Microseconds returns the pulse width as a plain number of µs.
func (w PulseWidth) Microseconds() float64 { return float64(w) }

func (w PulseWidth) String() string { return fmt.Sprintf("%gµs", float64(w)) }

// Frequency is a repetition rate in hertz: a PWM board's pulse rate, a
// sensor's sampling rate.
type Frequency float64

// Hertz returns a frequency of x Hz.
func Hertz(x float64) Frequency { return Frequency(x) }

// Hertz returns the frequency as a plain number of Hz.
func (f Frequency) Hertz() float64 { return float64(f) }

// Period is one cycle as a pulse width: the widest pulse a PWM signal of
// this frequency can carry.
func (f Frequency) Period() PulseWidth { return PulseWidth(1e6 / float64(f)) }

// Interval is one cycle as a duration, rounded down to the nanosecond.
func (f Frequency) Interval() time.Duration { return time.Duration(float64(time.Second) / float64(f)) }

func (f Frequency) String() string { return fmt.Sprintf("%g Hz", float64(f)) }
