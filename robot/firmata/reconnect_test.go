package firmata_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gobot.io/x/gobot/v2"
	"gobot.io/x/gobot/v2/platforms/firmata/client"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/firmata"
)

var errEIO = errors.New("read /dev/ttyACM0: input/output error")

// port is a recording fake of the serial port and the boards behind it:
// each successful dial is a freshly reset Uno (a wire) that logs every
// message the board sends it; a failed dial is a port not there.
type port struct {
	mu      sync.Mutex
	there   bool
	dials   []time.Duration // fake time of every attempt since start
	start   time.Time
	wires   []*fakeWire
	lost    []func(error)
	onDial  func() // called inside a dial, unlocked (to halt mid-dial)
	blocked chan struct{}
}

func (p *port) dial(ctx context.Context, lost func(error)) (firmata.Wire, error) {
	p.mu.Lock()
	p.dials = append(p.dials, time.Since(p.start))
	there, hook := p.there, p.onDial
	p.mu.Unlock()
	if hook != nil {
		hook()
	}
	if !there {
		return nil, errors.New("open /dev/ttyACM0: no such file or directory")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	w := &fakeWire{n: len(p.wires) + 1}
	p.wires = append(p.wires, w)
	p.lost = append(p.lost, lost)
	return w, nil
}

func (p *port) attempts() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.dials)
}

// fakeWire is one link to one power-up of an Uno.
type fakeWire struct {
	n      int
	mu     sync.Mutex
	log    []string
	broken error // every write fails with it
	closed bool
}

func (w *fakeWire) note(format string, a ...any) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return errors.New("write on a closed wire")
	}
	if w.broken != nil {
		return w.broken
	}
	w.log = append(w.log, fmt.Sprintf(format, a...))
	return nil
}

func (w *fakeWire) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.log
	w.log = nil
	return l
}

func (w *fakeWire) Pins() []client.Pin {
	pins := make([]client.Pin, 20)
	for i := range pins[:14] {
		pins[i].SupportedModes = []int{client.Input, client.Output, client.Servo}
	}
	return pins
}
func (w *fakeWire) ServoConfig(pin, hi, lo int) error {
	return w.note("servo config %d %d..%d", pin, lo, hi)
}
func (w *fakeWire) SetPinMode(pin, mode int) error   { return w.note("mode %d %d", pin, mode) }
func (w *fakeWire) AnalogWrite(pin, v int) error     { return w.note("pulse %d %d", pin, v) }
func (w *fakeWire) WriteSysex(d []byte) error        { return w.note("sysex % X", d) }
func (w *fakeWire) ReportDigital(port, on int) error { return w.note("report digital %d %d", port, on) }
func (w *fakeWire) ReportAnalog(pin, on int) error   { return w.note("report analog %d %d", pin, on) }
func (w *fakeWire) Subscribe() chan *gobot.Event     { return make(chan *gobot.Event) }
func (w *fakeWire) Unsubscribe(chan *gobot.Event)    {}
func (w *fakeWire) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	return nil
}

func (w *fakeWire) isClosed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closed
}

var testBackoff = firmata.Backoff{First: 250 * time.Millisecond, Max: 2 * time.Second}

// The cable is pulled mid-write: the write fails with the cause for every
// joint, later writes fail at once without touching the dead wire, which
// is closed; the port is retried after 250 ms, then twice as long each
// time up to 2 s; once the board answers, the retries stop, the joints
// are handed back once, and each pin gets its SERVO_CONFIG right before
// its first pulse on the new link.
func TestRedialWithBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := profile(t)
		pt := &port{there: true, start: time.Now()}
		b, err := firmata.OpenWith(p, pt.dial, testBackoff)
		if err != nil {
			t.Fatal(err)
		}
		w1 := pt.wires[0]
		if got := w1.take(); len(got) != 2*len(p.Joints) {
			t.Fatalf("first link: %q, want SERVO_CONFIG and servo mode per joint", got)
		}
		pose := robot.Pose{}
		for _, j := range p.Joints {
			pose[j.ID] = robot.Angle(j.Safe())
		}
		if err := b.Write(t.Context(), pose); err != nil {
			t.Fatal(err)
		}
		if v, err := b.DigitalRead("2"); err != nil || v != -1 {
			t.Fatalf("touch pin: %d, %v", v, err)
		}
		w1.take()

		// Pulled.
		pt.mu.Lock()
		pt.there = false
		pt.mu.Unlock()
		w1.mu.Lock()
		w1.broken = errEIO
		w1.mu.Unlock()
		for _, j := range p.Joints {
			pose[j.ID] += 1
		}
		err = b.Write(t.Context(), pose)
		for _, j := range p.Joints {
			var je *robot.JointError
			if !errors.As(err, &je) || !errors.Is(err, errEIO) {
				t.Fatalf("write on a pulled cable: %v, want joint errors with the serial error", err)
			}
			_ = j
		}
		if n := countJointErrors(err); n != len(p.Joints) {
			t.Errorf("%d joint errors, want %d", n, len(p.Joints))
		}
		if !w1.isClosed() {
			t.Error("the dead wire was not closed (gobot's reader would go on)")
		}
		for _, j := range p.Joints {
			if err := b.Release(j.ID); err != nil {
				t.Errorf("release %s on a lost link: %v", j.ID, err)
			}
		}

		time.Sleep(8 * time.Second)
		synctest.Wait()
		got := pt.attempts()[1:] // the first was Open's
		want := []time.Duration{250, 750, 1750, 3750, 5750, 7750}
		for i := range want {
			want[i] *= time.Millisecond
		}
		if !slices.Equal(got, want) {
			t.Errorf("redials at %v, want %v (250 ms, doubling, at most 2 s apart)", got, want)
		}
		select {
		case ids := <-b.Revived():
			t.Errorf("joints %v revived with no board", ids)
		default:
		}

		// Plugged in again: the next attempt gets it.
		pt.mu.Lock()
		pt.there = true
		pt.mu.Unlock()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if n := len(pt.attempts()); n != 1+len(want)+1 {
			t.Fatalf("%d dials, want the retries to stop with the one that got the board", n)
		}
		var back []robot.JointID
		select {
		case back = <-b.Revived():
		default:
			t.Fatal("the joints were not handed back")
		}
		if len(back) != len(p.Joints) {
			t.Errorf("revived %v, want every joint", back)
		}
		if b.Reconnects() != 1 {
			t.Errorf("%d reconnects, want 1", b.Reconnects())
		}
		w2 := pt.wires[1]
		// The touch pin is watched again on the fresh firmware; no servo
		// is attached before its first write (it would jump to 1500 µs).
		if got, want := w2.take(), []string{"mode 2 0", "report digital 0 1"}; !slices.Equal(got, want) {
			t.Errorf("new link got %q before any write, want only the sensor setup %q", got, want)
		}
		if err := b.Write(t.Context(), pose); err != nil {
			t.Fatalf("write after the reconnect: %v", err)
		}
		msgs := w2.take()
		for k, j := range sortedByPin(p) {
			if 2*k+1 >= len(msgs) || !hasPrefix(msgs[2*k], fmt.Sprintf("servo config %d ", j.Channel)) || !hasPrefix(msgs[2*k+1], fmt.Sprintf("pulse %d ", j.Channel)) {
				t.Fatalf("new link got %q, want each pin's SERVO_CONFIG right before its pulse", msgs)
			}
		}
		time.Sleep(30 * time.Second)
		synctest.Wait()
		if n := len(pt.attempts()); n != 1+len(want)+1 {
			t.Errorf("%d dials after the reconnect, want none", n-1-len(want)-1)
		}
		// A late loss report from the old link changes nothing.
		pt.lost[0](errEIO)
		if err := b.Write(t.Context(), pose); err != nil {
			t.Errorf("write after a stale loss report: %v", err)
		}
		if err := b.Halt(); err != nil {
			t.Fatal(err)
		}
		if !w2.isClosed() {
			t.Error("halt left the link open")
		}
	})
}

// A read failure (gobot's reader on a dead port) loses the link as a
// failed write does; Halt during the retries ends them at once, and a
// dial that lands after Halt is closed, never adopted.
func TestHaltEndsRedial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := profile(t)
		pt := &port{there: true, start: time.Now()}
		b, err := firmata.OpenWith(p, pt.dial, testBackoff)
		if err != nil {
			t.Fatal(err)
		}
		pt.mu.Lock()
		pt.there = false
		pt.mu.Unlock()
		pt.lost[0](errEIO)
		if err := b.Write(t.Context(), robot.Pose{p.Joints[0].ID: 0}); !errors.Is(err, errEIO) {
			t.Errorf("write after a read failure: %v, want the read error", err)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		n := len(pt.attempts())
		start := time.Now()
		if err := b.Halt(); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("halt waited %v for the retries", d)
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if m := len(pt.attempts()); m != n {
			t.Errorf("%d dials after halt", m-n)
		}

		// Halt while a dial is under way: the board it finds is let go.
		pt2 := &port{there: true, start: time.Now()}
		b2, err := firmata.OpenWith(p, pt2.dial, testBackoff)
		if err != nil {
			t.Fatal(err)
		}
		halted := make(chan error, 1)
		pt2.mu.Lock()
		pt2.onDial = func() {
			go func() { halted <- b2.Halt() }()
			synctest.Wait() // Halt is now waiting for this dial
		}
		pt2.mu.Unlock()
		pt2.lost[0](errEIO)
		time.Sleep(time.Second)
		synctest.Wait()
		if err := <-halted; err != nil {
			t.Fatal(err)
		}
		if len(pt2.wires) != 2 || !pt2.wires[1].isClosed() {
			t.Error("the link dialled during halt was not closed")
		}
		select {
		case ids := <-b2.Revived():
			t.Errorf("joints %v revived after halt", ids)
		default:
		}
	})
}

func countJointErrors(err error) int {
	u, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return 0
	}
	n := 0
	for _, e := range u.Unwrap() {
		var je *robot.JointError
		if errors.As(e, &je) {
			n++
		}
	}
	return n
}

func sortedByPin(p *robot.Profile) []robot.JointConfig {
	js := slices.Clone(p.Joints)
	slices.SortFunc(js, func(a, b robot.JointConfig) int { return a.Channel - b.Channel })
	return js
}

func hasPrefix(s, pre string) bool { return len(s) >= len(pre) && s[:len(pre)] == pre }
