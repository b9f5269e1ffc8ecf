package firmata

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"go.bug.st/serial"
	gfirmata "gobot.io/x/gobot/v2/platforms/firmata"
	"gobot.io/x/gobot/v2/platforms/firmata/client"

	"github.com/kindred-hri/kindred/robot"
)

// wire is the part of gobot's Firmata client a Board uses, with Close
// ending the connection. Its methods are gobot's own (client.Client).
type wire interface {
	gobotClient
	Subscribe() eventChannel
	Unsubscribe(eventChannel)
	Close() error
}

// gobotClient is gobot's Firmata client less its events, whose channel
// type gobot does not export.
type gobotClient interface {
	Pins() []client.Pin
	ServoConfig(pin, maximum, minimum int) error
	SetPinMode(pin, mode int) error
	AnalogWrite(pin, value int) error
	WriteSysex(data []byte) error
	ReportDigital(port, state int) error
	ReportAnalog(pin, state int) error
}

// adaptorWire is a connected gobot adaptor as a wire.
type adaptorWire struct {
	gobotClient
	a *gfirmata.Adaptor
}

func newAdaptorWire(a *gfirmata.Adaptor) adaptorWire { return adaptorWire{a.Board, a} }

func (w adaptorWire) Subscribe() eventChannel     { return w.a.Board.Subscribe() }
func (w adaptorWire) Unsubscribe(ch eventChannel) { w.a.Board.Unsubscribe(ch) }
func (w adaptorWire) Close() error                { return w.a.Finalize() }

// A dialer opens the link to the board and hands back a wire whose
// handshake is done; lost is called (once, from any goroutine) when the
// wire later fails on its own, as when the cable is pulled. A dial ends
// early when ctx is done.
type dialer func(ctx context.Context, lost func(error)) (wire, error)

// Backoff is how long a board waits before each attempt to reopen a lost
// link: First before the first, then twice as long each time, up to Max.
type Backoff struct {
	First, Max time.Duration
}

// DefaultBackoff retries soon after a cable is pulled (a USB serial
// device takes a few hundred ms to come back after it is plugged in) and
// then every second, which costs next to nothing while the board is away
// (a failed open) and brings it back within a second of its return.
func DefaultBackoff() Backoff {
	return Backoff{First: 250 * time.Millisecond, Max: time.Second}
}

// Open connects to the board a profile names (serial device or TCP
// address) and configures its servo pins (see New). When the link is lost
// later (the cable is pulled, the board resets), the board lets every
// joint go and reopens the same port with DefaultBackoff() until the board
// answers again, then hands its joints back to the limiter (see Revived).
// Halt stops the retries.
func Open(p *robot.Profile) (*Board, error) {
	if p.Board.Kind != robot.BoardFirmata {
		return nil, fmt.Errorf("firmata: profile %s is for a %s board", p.Name, p.Board.Kind)
	}
	return open(p, portDialer(p.Board.Transport, p.Board.Port), DefaultBackoff())
}

func open(p *robot.Profile, dial dialer, bo Backoff) (*Board, error) {
	if !(bo.First > 0 && bo.Max >= bo.First) {
		return nil, fmt.Errorf("firmata: backoff %v..%v: want 0 < first <= max", bo.First, bo.Max)
	}
	b := newBoard(p)
	b.dial, b.backoff = dial, bo
	b.revived = make(chan []robot.JointID, 1)
	b.lostCh = make(chan error, 1)
	ctx, cancel := context.WithCancel(context.Background())
	b.life, b.stop = ctx, cancel
	w, err := dial(ctx, b.onLost(0))
	if err != nil {
		cancel()
		return nil, fmt.Errorf("firmata: connect %s %s: %w", p.Board.Transport, p.Board.Port, err)
	}
	b.w = w
	if err := b.configure(); err != nil {
		cancel()
		if cerr := w.Close(); cerr != nil {
			err = fmt.Errorf("%w (closing the connection: %v)", err, cerr)
		}
		return nil, err
	}
	return b, nil
}

// Revived delivers the board's joints each time a lost link is back, for
// the limiter (robot.Reviver). A board made by New never reconnects.
func (b *Board) Revived() <-chan []robot.JointID { return b.revived }

// Lost delivers the cause each time the link is lost, for the limiter
// (robot.LossReporter): a loss seen by the reader while the body rests
// lets every joint go with one fault each, as a failed write does.
func (b *Board) Lost() <-chan error { return b.lostCh }

// Reconnects is how many times the board got its link back.
func (b *Board) Reconnects() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.reconnects
}

// onLost is the loss callback of link generation gen.
func (b *Board) onLost(gen int) func(error) {
	return func(err error) {
		b.mu.Lock()
		defer b.mu.Unlock()
		if gen == b.gen {
			b.fail(err)
		}
	}
}

// fail takes a failed write or read as the loss of the link, on a board
// that can reopen it: every joint is let go at once (the board no longer
// drives anything: writes fail fast with the cause and touch no wire),
// the wire is closed, which also ends gobot's reader, and the redial
// starts. Called with b.mu held.
func (b *Board) fail(err error) {
	if b.dial == nil || b.lost != nil || b.halted {
		return
	}
	b.lost = fmt.Errorf("firmata: link lost: %w", err)
	select {
	case b.lostCh <- b.lost:
	default: // an earlier loss is still unread: the limiter lets go once
	}
	for _, j := range b.order {
		b.limp[j.Channel] = true
	}
	clear(b.last)
	b.stopListening()
	_ = b.w.Close() // the line is gone; what closing it says adds nothing
	b.redialing.Add(1)
	go b.redial(b.life, b.gen)
}

// redial reopens the link with backoff until it is back or ctx is done.
func (b *Board) redial(ctx context.Context, gen int) {
	defer b.redialing.Done()
	delay := b.backoff.First
	for {
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		w, err := b.dial(ctx, b.onLost(gen+1))
		if err == nil {
			if err = b.adopt(w, gen+1); err != nil {
				_ = w.Close()
			}
		}
		if err == nil {
			return
		}
		b.mu.Lock()
		b.attempts++
		b.mu.Unlock()
		delay = min(2*delay, b.backoff.Max)
	}
}

// adopt makes a freshly opened wire the board's link. The board has just
// reset, so no servo is attached: each joint's pin gets its SERVO_CONFIG
// with its first write (send), so a servo is driven only once the
// limiter has written it, from its safe angle. Sensor pins are set up
// again and the joints are handed back to the limiter.
func (b *Board) adopt(w wire, gen int) error {
	b.mu.Lock()
	if b.halted {
		b.mu.Unlock()
		return w.Close()
	}
	if err := checkPins(w, b.order); err != nil {
		b.mu.Unlock()
		return err
	}
	b.w, b.gen, b.lost, b.attempts = w, gen, nil, 0
	b.reconnects++
	clear(b.limp)
	clear(b.last)
	clear(b.configured)
	b.sentAt = time.Time{}
	if b.setups != nil {
		b.startListening()
		for _, setup := range b.setups {
			_ = setup() // a pin that fails stays silent; a later loss redials anyway
		}
	}
	ids := make([]robot.JointID, 0, len(b.order))
	for _, j := range b.order {
		ids = append(ids, j.ID)
	}
	b.mu.Unlock()
	select {
	case b.revived <- ids:
	default: // one is pending, naming the same joints
	}
	return nil
}

// portDialer opens a serial device (57600 baud, StandardFirmata's rate)
// or a TCP address. The port is opened before gobot's adaptor is made, so
// a board that is not back yet costs no goroutines (each gobot adaptor
// starts two that never end).
func portDialer(transport, port string) dialer {
	return func(ctx context.Context, lost func(error)) (wire, error) {
		var c io.ReadWriteCloser
		var err error
		if transport == "tcp" {
			var d net.Dialer
			c, err = d.DialContext(ctx, "tcp", port)
		} else {
			c, err = serial.Open(port, &serial.Mode{BaudRate: 57600})
		}
		if err != nil {
			return nil, err
		}
		wc := &watchedConn{ReadWriteCloser: c, closed: make(chan struct{})}
		handshaking := make(chan struct{})
		wc.lost = func(err error) {
			select {
			case <-handshaking:
				lost(err)
			default:
				_ = wc.Close() // fail the handshake now, not at its timeout
			}
		}
		a := gfirmata.NewAdaptor(io.ReadWriteCloser(wc))
		stop := context.AfterFunc(ctx, func() { _ = wc.Close() })
		err = a.Connect()
		if !stop() && err == nil {
			err = ctx.Err()
		}
		if err != nil {
			_ = wc.Close()
			return nil, err
		}
		close(handshaking)
		return newAdaptorWire(a), nil
	}
}

// watchedConn reports the first failed read of a connection and then
// holds gobot's reader until the connection is closed. gobot's reader
// loop (client.Client.Connect, gobot 2.6.0) retries a failed read at once
// for as long as the client counts as connected, so on a dead serial port,
// whose reads fail at once with EIO, it spins a CPU core, publishing an
// "Error" event each time (measured by TestHILUnplugFaultsAndReconnect).
type watchedConn struct {
	io.ReadWriteCloser
	lost      func(error)
	once      sync.Once
	closeOnce sync.Once
	closed    chan struct{}
}

func (c *watchedConn) Read(p []byte) (int, error) {
	n, err := c.ReadWriteCloser.Read(p)
	if err == nil || n > 0 {
		return n, err
	}
	select {
	case <-c.closed:
		return n, err
	default:
	}
	c.once.Do(func() { c.lost(err) })
	<-c.closed
	return n, errors.Join(err, net.ErrClosed)
}

func (c *watchedConn) Close() error {
	err := net.ErrClosed
	c.closeOnce.Do(func() {
		close(c.closed)
		err = c.ReadWriteCloser.Close()
	})
	return err
}

// checkPins reports a joint whose pin the wire's board cannot drive as a
// servo.
func checkPins(w wire, order []robot.JointConfig) error {
	pins := w.Pins()
	for _, j := range order {
		if j.Channel >= len(pins) || !slices.Contains(pins[j.Channel].SupportedModes, client.Servo) {
			return fmt.Errorf("firmata: joint %s: pin %d cannot drive a servo on this board (%d pins)", j.ID, j.Channel, len(pins))
		}
	}
	return nil
}
