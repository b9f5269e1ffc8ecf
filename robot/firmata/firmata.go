package firmata

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gobot.io/x/gobot/v2"
	gfirmata "gobot.io/x/gobot/v2/platforms/firmata"
	"gobot.io/x/gobot/v2/platforms/firmata/client"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sensors"
)

// extendedAnalog is the Firmata sysex for analog writes to pins above 15.
const extendedAnalog = 0x6F

// settle is how long Halt holds the last pulses on the wire before it lets
// the servos go. The AVR Servo library takes a new width at its next
// frame (20 ms, up to 22.4 ms with StandardFirmata's 12 channels on an
// Uno), and a servo needs several pulses to get to it; detaching sooner
// leaves a joint limp short of the safe pose (seen in `make hil`: the
// shoulders stopped 24 µs, about 2.5°, away).
const settle = 100 * time.Millisecond

// Board is a Firmata body. Its methods may be called from several
// goroutines (the limiter, calibration, Halt).
type Board struct {
	mu     sync.Mutex
	w      wire
	joints map[robot.JointID]robot.JointConfig
	order  []robot.JointConfig // by pin: messages in a stable order
	last   map[int]int         // µs last sent per pin
	limp   map[int]bool
	halted bool
	sentAt time.Time // last pulse change on the wire
	now    func() time.Time
	sleep  func(time.Duration)

	// The link (see reconnect.go). dial is nil for a board made by New,
	// which never reconnects.
	dial       dialer
	backoff    Backoff
	gen        int          // link generation: a late loss of an old one is ignored
	lost       error        // why the link was lost; nil while it is up
	configured map[int]bool // pins sent SERVO_CONFIG on this link
	revived    chan []robot.JointID
	lostCh     chan error // a loss, for the limiter (nil on a board made by New)
	reconnects int
	life       context.Context    // the board's, until Halt
	stop       context.CancelFunc // ends life
	redialing  sync.WaitGroup
	attempts   int // failed redials since the link was lost

	// Sensor pins: the listener goroutine owns nothing but values, under
	// valMu; the rest is guarded by mu.
	setups     map[string]func() error // per watched event: its pin setup, redone on a new link
	events     eventChannel
	stopEvents chan struct{}
	listening  chan struct{}
	valMu      sync.Mutex
	values     map[string]int // last report per gobot event name
}

// eventChannel is gobot's subscription channel type.
type eventChannel = chan *gobot.Event

var (
	_ robot.Actuator    = (*Board)(nil)
	_ robot.Releaser    = (*Board)(nil)
	_ sensors.PinReader = (*Board)(nil)
)

// New configures the servo pins of a connected adaptor for the profile's
// joints: SERVO_CONFIG with each joint's calibrated pulse window, then
// servo mode. No position is sent until the first Write. A board made by
// New does not reconnect: see Open.
func New(p *robot.Profile, a *gfirmata.Adaptor) (*Board, error) {
	if p.Board.Kind != robot.BoardFirmata {
		return nil, fmt.Errorf("firmata: profile %s is for a %s board", p.Name, p.Board.Kind)
	}
	b := newBoard(p)
	b.w = newAdaptorWire(a)
	b.life = context.Background()
	if err := b.configure(); err != nil {
		return nil, err
	}
	return b, nil
}

// newBoard is a board for the profile's joints with no link yet.
func newBoard(p *robot.Profile) *Board {
	b := &Board{
		joints:     make(map[robot.JointID]robot.JointConfig, len(p.Joints)),
		last:       map[int]int{},
		limp:       map[int]bool{},
		configured: map[int]bool{},
		now:        time.Now,
		sleep:      time.Sleep,
		stop:       func() {},
	}
	for _, j := range p.Joints {
		b.joints[j.ID] = j
		b.order = append(b.order, j)
	}
	slices.SortFunc(b.order, func(x, y robot.JointConfig) int { return x.Channel - y.Channel })
	return b
}

// configure checks that the link's board can drive every joint's pin and
// sends each SERVO_CONFIG with its window, then servo mode.
func (b *Board) configure() error {
	if err := checkPins(b.w, b.order); err != nil {
		return err
	}
	for _, j := range b.order {
		if err := b.servoConfig(j); err != nil {
			return fmt.Errorf("firmata: joint %s: servo config pin %d: %w", j.ID, j.Channel, err)
		}
		if err := b.w.SetPinMode(j.Channel, client.Servo); err != nil {
			return fmt.Errorf("firmata: joint %s: servo mode pin %d: %w", j.ID, j.Channel, err)
		}
	}
	return nil
}

// servoConfig sends a joint's SERVO_CONFIG, which in StandardFirmata
// attaches the servo and puts the pin in servo mode.
func (b *Board) servoConfig(j robot.JointConfig) error {
	lo, hi := servoWindow(window(j))
	if err := b.w.ServoConfig(j.Channel, hi, lo); err != nil {
		return err
	}
	b.configured[j.Channel] = true
	return nil
}

// window is the joint's calibrated pulse range in whole µs, Firmata's unit
// on the wire; writes are clamped to it here.
func window(j robot.JointConfig) (lo, hi int) {
	p := j.Pulse
	return int(math.Floor(min(p.Min, p.Max).Microseconds())), int(math.Ceil(max(p.Min, p.Max).Microseconds()))
}

// The AVR Servo library (1.3.0, Servo::attach) keeps a servo's min and
// max as int8 steps of 4 µs from 544 and 2400 µs, so it can hold a min of
// at most 544+128·4 µs and a max of at least 2400−127·4 µs.
const (
	servoMaxMinUS = 1056
	servoMinMaxUS = 1892
)

// servoWindow is the window sent in SERVO_CONFIG: the calibrated one,
// widened to what the Servo library can hold. A narrower window wraps
// around in its int8s and the board's own clamp is lost (seen in `make
// hil`: a head_tilt window of 1200..1800 µs let 2500 µs through), while
// the widened one still stops a stray write at about 1056..1892 µs.
func servoWindow(lo, hi int) (int, int) {
	return min(lo, servoMaxMinUS), max(hi, servoMinMaxUS)
}

// Write sends each named joint's pulse from its calibration.
func (b *Board) Write(ctx context.Context, p robot.Pose) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("firmata: write: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return errors.New("firmata: write after halt")
	}
	var errs []error
	for id := range p {
		if _, ok := b.joints[id]; !ok {
			errs = append(errs, &robot.JointError{ID: id, Err: errors.New("firmata: joint not in profile")})
		}
	}
	for _, j := range b.order {
		a, ok := p[j.ID]
		if !ok {
			continue
		}
		if b.lost != nil {
			errs = append(errs, &robot.JointError{ID: j.ID, Err: b.lost})
			continue
		}
		if err := b.send(j, j.PulseAt(a)); err != nil {
			errs = append(errs, &robot.JointError{ID: j.ID, Err: err})
		}
	}
	return errors.Join(errs...)
}

// send writes one pin's pulse in µs unless unchanged or limp. On a
// reopened link a pin gets its SERVO_CONFIG (which attaches the servo)
// right before its first pulse, so the servo is never driven at the
// Servo library's default 1500 µs for longer than the message takes.
// A failed write loses the link (see fail).
func (b *Board) send(j robot.JointConfig, w robot.PulseWidth) error {
	pin := j.Channel
	if b.limp[pin] {
		return nil
	}
	if b.lost != nil {
		return b.lost
	}
	lo, hi := window(j)
	v := max(lo, min(hi, int(math.Round(w.Microseconds()))))
	if old, ok := b.last[pin]; ok && old == v {
		return nil
	}
	var err error
	if !b.configured[pin] {
		if err = b.servoConfig(j); err != nil {
			b.fail(err)
			return fmt.Errorf("firmata: pin %d: servo config: %w", pin, err)
		}
	}
	if pin < 16 {
		err = b.w.AnalogWrite(pin, v)
	} else {
		err = b.w.WriteSysex([]byte{extendedAnalog, byte(pin), byte(v & 0x7F), byte(v >> 7 & 0x7F)})
	}
	if err != nil {
		delete(b.last, pin)
		b.fail(err)
		return fmt.Errorf("firmata: pin %d: %w", pin, err)
	}
	b.last[pin] = v
	b.sentAt = b.now()
	return nil
}

// WritePulse drives one joint with a raw pulse (calibration). The pin is
// first opened to the whole hardware window, since calibration is there to
// find the joint's real one.
func (b *Board) WritePulse(ctx context.Context, id robot.JointID, w robot.PulseWidth) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("firmata: pulse: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.joints[id]
	if !ok {
		return fmt.Errorf("firmata: pulse: joint %s not in profile", id)
	}
	if !(w >= robot.FirmataMinPulse && w <= robot.MaxPulse) {
		return fmt.Errorf("firmata: pulse %s: %gµs outside %g..%gµs", id, w.Microseconds(),
			robot.FirmataMinPulse.Microseconds(), robot.MaxPulse.Microseconds())
	}
	if b.lost != nil {
		return fmt.Errorf("firmata: pulse %s: %w", id, b.lost)
	}
	wide := j
	// The hardware window in whole µs, as calibration opens a pin to it.
	wideLo, wideHi := int(robot.FirmataMinPulse.Microseconds()), int(robot.MaxPulse.Microseconds())
	wide.Pulse = robot.Pulses{Min: robot.FirmataMinPulse, Neutral: j.Pulse.Neutral, Max: robot.MaxPulse}
	if lo, hi := window(j); lo != wideLo || hi != wideHi {
		if err := b.w.ServoConfig(j.Channel, wideHi, wideLo); err != nil {
			b.fail(err)
			return fmt.Errorf("firmata: pulse %s: servo config: %w", id, err)
		}
		b.joints[id] = wide
		for k, o := range b.order {
			if o.ID == id {
				b.order[k] = wide
			}
		}
	}
	return b.send(wide, w)
}

// Release detaches a joint's servo and drives its pin low so it goes
// limp.
func (b *Board) Release(id robot.JointID) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.joints[id]
	if !ok {
		return fmt.Errorf("firmata: release: joint %s not in profile", id)
	}
	return b.release(j.Channel)
}

// release detaches the servo by leaving servo mode, through INPUT to
// OUTPUT. The Servo library ends a pulse only on an attached channel, so
// a detach in the middle of a pulse leaves the pin high for good: one
// endless pulse (seen in `make hil`). Arduino's pinMode(INPUT) clears the
// pin's output latch ("explicitly disables the internal pullups", Arduino
// reference, pinMode), and OUTPUT then drives it low. Firmata's
// digital-write message is not used: it rewrites all eight pins of a
// port and turns on the pull-up of any input pin gobot last saw high.
//
// With the link lost there is nothing to tell: the board is unpowered or
// resetting, and a reset StandardFirmata drives no servo. A pin not
// configured on a reopened link was never attached.
func (b *Board) release(pin int) error {
	b.limp[pin] = true
	delete(b.last, pin)
	if b.lost != nil || !b.configured[pin] {
		return nil
	}
	if err := b.w.SetPinMode(pin, client.Input); err != nil {
		b.fail(err)
		return fmt.Errorf("firmata: release pin %d: %w", pin, err)
	}
	if err := b.w.SetPinMode(pin, client.Output); err != nil {
		b.fail(err)
		return fmt.Errorf("firmata: release pin %d: %w", pin, err)
	}
	return nil
}

// Halt holds the last pulses for settle, then detaches every servo and
// closes the connection; it ends the redial of a lost link first.
// Idempotent.
func (b *Board) Halt() error {
	b.mu.Lock()
	if b.halted {
		b.mu.Unlock()
		return nil
	}
	b.halted = true
	b.mu.Unlock()
	b.stop()
	b.redialing.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lost != nil {
		return nil // closed when it was lost
	}
	if !b.sentAt.IsZero() {
		if d := settle - b.now().Sub(b.sentAt); d > 0 {
			b.sleep(d)
		}
	}
	var errs []error
	for _, j := range b.order {
		if !b.limp[j.Channel] {
			errs = append(errs, b.release(j.Channel))
		}
	}
	b.stopListening()
	if err := b.w.Close(); err != nil {
		errs = append(errs, fmt.Errorf("firmata: close: %w", err))
	}
	return errors.Join(errs...)
}

// DigitalRead returns the last level the board reported for a digital
// input pin; the first call sets the pin to input, turns reporting of its
// port on and returns -1 (no report yet). With AnalogRead it makes the
// board a sensors.PinReader. Values come from the board's reports through
// gobot's events, never from gobot's pin table, which its reader
// goroutine writes without a lock.
func (b *Board) DigitalRead(pin string) (int, error) {
	p, err := strconv.Atoi(pin)
	if err != nil || p < 0 {
		return 0, fmt.Errorf("firmata: digital pin %q: not a pin number", pin)
	}
	return b.read("DigitalRead"+pin, func() error {
		if p >= len(b.w.Pins()) {
			return fmt.Errorf("firmata: digital pin %d: board has %d pins", p, len(b.w.Pins()))
		}
		if err := b.w.SetPinMode(p, client.Input); err != nil {
			return err
		}
		return b.w.ReportDigital(p/8, 1) // REPORT_DIGITAL takes the port
	})
}

// AnalogRead returns the last value the board reported for an analog
// input by its index (A0 is "0"); the first call sets the pin to analog
// (which in StandardFirmata starts its reports) and returns -1.
func (b *Board) AnalogRead(pin string) (int, error) {
	ch, err := strconv.Atoi(pin)
	if err != nil || ch < 0 || ch > 15 {
		return 0, fmt.Errorf("firmata: analog pin %q: want an analog index 0..15", pin)
	}
	return b.read("AnalogRead"+pin, func() error {
		for p, info := range b.w.Pins() {
			if info.AnalogChannel == ch && slices.Contains(info.SupportedModes, client.Analog) {
				if err := b.w.SetPinMode(p, client.Analog); err != nil {
					return err
				}
				return b.w.ReportAnalog(ch, 1)
			}
		}
		return fmt.Errorf("firmata: board has no analog input A%d", ch)
	})
}

// read returns the last reported value of an event, setting the pin up
// (once per link) and starting the event listener when needed. With the
// link lost it fails; a reopened link reports afresh.
func (b *Board) read(event string, setup func() error) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halted {
		return 0, errors.New("firmata: read after halt")
	}
	if b.lost != nil {
		return 0, fmt.Errorf("firmata: %s: %w", event, b.lost)
	}
	if b.setups == nil {
		b.setups = map[string]func() error{}
		b.startListening()
	}
	b.valMu.Lock()
	v, seen := b.values[event]
	b.valMu.Unlock()
	if seen {
		return v, nil
	}
	if _, ok := b.setups[event]; !ok {
		if err := setup(); err != nil {
			b.fail(err)
			return 0, fmt.Errorf("firmata: %s: %w", event, err)
		}
		b.setups[event] = setup
	}
	return -1, nil
}

// startListening subscribes to the link's events with fresh values.
// Called with b.mu held.
func (b *Board) startListening() {
	b.valMu.Lock()
	b.values = map[string]int{}
	b.valMu.Unlock()
	b.events = b.w.Subscribe()
	b.stopEvents = make(chan struct{})
	b.listening = make(chan struct{})
	go b.listen(b.events, b.stopEvents, b.listening)
}

// listen keeps the last value of every pin report until stopped.
func (b *Board) listen(events <-chan *gobot.Event, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case <-stop:
			return
		case e := <-events:
			if v, ok := e.Data.(int); ok && (strings.HasPrefix(e.Name, "DigitalRead") || strings.HasPrefix(e.Name, "AnalogRead")) {
				b.valMu.Lock()
				b.values[e.Name] = v
				b.valMu.Unlock()
			}
		}
	}
}

// stopListening ends the event listener, if one runs. Called with b.mu held.
func (b *Board) stopListening() {
	if b.listening == nil {
		return
	}
	b.w.Unsubscribe(b.events)
	close(b.stopEvents)
	<-b.listening
	b.listening = nil
}
