package sensors

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// PinReader reads a board's pins; pins are named as gobot names them
// ("2", and analog pins by index: "0" for A0). gobot's firmata.Adaptor
// and sim.Body implement it.
type PinReader interface {
	DigitalRead(pin string) (int, error)
	AnalogRead(pin string) (int, error)
}

// AnalogFullScale is the largest raw analog reading (Firmata reports the
// Arduino's 10-bit converter).
const AnalogFullScale = 1023

// hysteresis keeps an analog touch pad from chattering at its threshold.
const hysteresis = 0.05

// Reading is one sample of one sensor.
type Reading struct {
	At     time.Duration // since Run started
	Sensor string
	Kind   robot.SensorKind
	Raw    int
	Value  float64 // 0..1 of full scale (digital: 0 or 1)
}

// Reader polls the profile's sensors.
type Reader struct {
	sensors []robot.SensorConfig
	pins    PinReader
	now     func() time.Duration
	dropped atomic.Int64
	errors  atomic.Int64
}

// Option configures a Reader.
type Option func(*Reader)

// WithClock stamps readings and events with the session's clock (media
// time in scenario runs) instead of the time since Run started.
func WithClock(now func() time.Duration) Option {
	return func(r *Reader) { r.now = now }
}

// New returns a reader for the profile's sensors, or an error when it
// declares none.
func New(p *robot.Profile, pins PinReader, opts ...Option) (*Reader, error) {
	if len(p.Sensors) == 0 {
		return nil, fmt.Errorf("sensors: profile %s declares no sensors", p.Name)
	}
	if pins == nil {
		return nil, errors.New("sensors: nil pin reader")
	}
	r := &Reader{sensors: append([]robot.SensorConfig(nil), p.Sensors...), pins: pins}
	for _, o := range opts {
		o(r)
	}
	return r, nil
}

// Run samples every sensor at its rate until ctx is done. Touch events
// are sent on events and never dropped (nil: not wanted); readings go to
// readings without blocking, a full channel dropping the new sample (nil:
// not wanted). Run closes neither channel.
func (r *Reader) Run(ctx context.Context, events chan<- perception.Event, readings chan<- Reading) error {
	start := time.Now()
	fastest := robot.Hertz(0)
	for _, s := range r.sensors {
		fastest = max(fastest, s.Rate)
	}
	tick := time.NewTicker(fastest.Interval())
	defer tick.Stop()
	next := make([]time.Duration, len(r.sensors))
	touched := make([]bool, len(r.sensors))
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			at := now.Sub(start)
			for i, s := range r.sensors {
				if at < next[i] {
					continue
				}
				next[i] = at + s.Rate.Interval() - time.Millisecond/2
				stamp := at
				if r.now != nil {
					stamp = r.now()
				}
				rd, ok := r.sample(s, stamp)
				if !ok {
					continue
				}
				if readings != nil {
					select {
					case readings <- rd:
					default:
						r.dropped.Add(1)
					}
				}
				if s.Kind != robot.SensorTouch {
					continue
				}
				on := touchState(s, rd.Value, touched[i])
				if on && !touched[i] && events != nil {
					ev := perception.Event{At: stamp, Kind: perception.EventTouch, Text: s.ID, Modality: perception.ModSensors}
					select {
					case events <- ev:
					case <-ctx.Done():
						return nil
					}
				}
				touched[i] = on
			}
		}
	}
}

func (r *Reader) sample(s robot.SensorConfig, at time.Duration) (Reading, bool) {
	pin := strconv.Itoa(s.Pin)
	var raw int
	var err error
	if s.Signal == robot.SignalDigital {
		raw, err = r.pins.DigitalRead(pin)
	} else {
		raw, err = r.pins.AnalogRead(pin)
	}
	if err != nil || raw < 0 {
		// gobot reports -1 when the board has not answered yet.
		r.errors.Add(1)
		return Reading{}, false
	}
	v := float64(raw)
	if s.Signal == robot.SignalDigital {
		v = math.Min(v, 1)
	} else {
		v = math.Min(v/AnalogFullScale, 1)
	}
	return Reading{At: at, Sensor: s.ID, Kind: s.Kind, Raw: raw, Value: v}, true
}

// touchState decides whether a touch pad is touched: digital pads by
// level, analog pads above the threshold, released only below it by the
// hysteresis margin.
func touchState(s robot.SensorConfig, v float64, was bool) bool {
	if s.Signal == robot.SignalDigital {
		return v >= 1
	}
	if was {
		return v > s.Threshold-hysteresis
	}
	return v >= s.Threshold
}
