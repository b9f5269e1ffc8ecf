package firmata_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	gfirmata "gobot.io/x/gobot/v2/platforms/firmata"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/firmata"
)

// device is a recording fake of an Arduino running StandardFirmata on the
// other end of the serial line. It answers the handshake gobot performs
// (protocol version, firmware, capabilities, analog mapping) for an Uno
// (digital pins 0–13, analog 14–19), and records every other message the
// host sends, failing the test on bytes that are not a whole Firmata
// message.
type device struct {
	t *testing.T

	mu       sync.Mutex
	cond     *sync.Cond
	out      []byte // device -> host
	closed   bool
	in       []byte // host -> device, not yet parsed
	msgs     []string
	shook    bool
	failNext error
	digital  int // digital pins; the 6 analog inputs follow them
}

func newDevice(t *testing.T) *device {
	d := &device{t: t, digital: 14} // an Uno
	d.cond = sync.NewCond(&d.mu)
	return d
}

func (d *device) Read(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for len(d.out) == 0 && !d.closed {
		d.cond.Wait()
	}
	if len(d.out) == 0 {
		return 0, io.EOF
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

func (d *device) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.cond.Broadcast()
	return nil
}

func (d *device) reply(b ...byte) {
	d.out = append(d.out, b...)
	d.cond.Broadcast()
}

func (d *device) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failNext != nil {
		err := d.failNext
		d.failNext = nil
		return 0, err
	}
	d.in = append(d.in, p...)
	for len(d.in) > 0 {
		n := msgLen(d.in)
		if n < 0 {
			d.t.Errorf("host sent a byte that starts no Firmata message: % X", d.in)
			d.in = nil
			break
		}
		if n == 0 || n > len(d.in) {
			break // incomplete
		}
		d.handle(d.in[:n])
		d.in = d.in[n:]
	}
	return len(p), nil
}

// msgLen is the length of the message at the start of b: 0 if a sysex is
// not finished yet, -1 if b starts with no command byte.
func msgLen(b []byte) int {
	switch c := b[0]; {
	case c == 0xFF || c == 0xF9:
		return 1
	case c == 0xF0:
		for i, x := range b {
			if x == 0xF7 {
				return i + 1
			}
		}
		return 0
	case c == 0xF4 || c&0xF0 == 0x90 || c&0xF0 == 0xE0:
		return 3
	case c&0xF0 == 0xC0 || c&0xF0 == 0xD0:
		return 2
	}
	return -1
}

func (d *device) handle(m []byte) {
	hex := fmt.Sprintf("% X", m)
	switch {
	case hex == "FF":
		return // reset at connect
	case hex == "F9":
		d.reply(0xF9, 2, 5)
	case hex == "F0 79 F7":
		d.reply(0xF0, 0x79, 2, 5, 'U', 0, 'n', 0, 'o', 0, 0xF7)
	case hex == "F0 6B F7":
		caps := []byte{0xF0, 0x6C}
		for pin := 0; pin < d.digital+6; pin++ {
			if pin < d.digital {
				caps = append(caps, 0, 1, 1, 1, 4, 14) // input, output, servo
				if pin == 3 || pin == 5 || pin == 6 || pin == 9 || pin == 10 || pin == 11 {
					caps = append(caps, 3, 8) // pwm
				}
			} else {
				caps = append(caps, 0, 1, 2, 10) // input, analog
			}
			caps = append(caps, 127)
		}
		d.reply(append(caps, 0xF7)...)
	case hex == "F0 69 F7":
		m := []byte{0xF0, 0x6A}
		for pin := 0; pin < d.digital+6; pin++ {
			if pin < d.digital {
				m = append(m, 127)
			} else {
				m = append(m, byte(pin-d.digital))
			}
		}
		d.reply(append(m, 0xF7)...)
	case !d.shook && (hex == "D0 01" || hex == "D1 01"):
		if hex == "D1 01" {
			d.shook = true
		}
	default:
		if !d.shook {
			d.t.Errorf("message %s before the handshake finished", hex)
		}
		d.msgs = append(d.msgs, hex)
	}
}

func (d *device) take() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := strings.Join(d.msgs, ", ")
	d.msgs = nil
	return s
}

func connect(t *testing.T, p *robot.Profile) (*firmata.Board, *device) {
	t.Helper()
	d := newDevice(t)
	a := gfirmata.NewAdaptor(io.ReadWriteCloser(d))
	if err := a.Connect(); err != nil {
		t.Fatal(err)
	}
	b, err := firmata.New(p, a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Halt() })
	return b, d
}

func profile(t *testing.T) *robot.Profile {
	t.Helper()
	p, err := robot.LoadProfile("humanoid-firmata")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestConfigureServoPins(t *testing.T) {
	_, d := connect(t, profile(t))
	// SERVO_CONFIG pin, min LSB/MSB, max LSB/MSB with each joint's
	// calibrated window, then SET_PIN_MODE servo, pin by pin.
	want := strings.Join([]string{
		"F0 70 03 04 07 34 10 F7", "F4 03 04", // head_pan 900..2100 µs
		// 1200..1800, 1250..1750 and 1350..1650 µs go out widened to
		// 1056..1892, the narrowest window the Servo library can hold.
		"F0 70 05 20 08 64 0E F7", "F4 05 04", // head_tilt
		"F0 70 06 20 08 64 0E F7", "F4 06 04", // head_roll
		"F0 70 09 20 08 64 0E F7", "F4 09 04", // jaw
		"F0 70 0A 58 04 60 12 F7", "F4 0A 04", // arm_left_shoulder 600..2400
		"F0 70 0B 04 07 34 10 F7", "F4 0B 04", // arm_left_elbow 900..2100
		"F0 70 0C 58 04 60 12 F7", "F4 0C 04", // arm_right_shoulder
		"F0 70 0D 04 07 34 10 F7", "F4 0D 04", // arm_right_elbow
	}, ", ")
	if got := d.take(); got != want {
		t.Errorf("configuration\n got %s\nwant %s", got, want)
	}
}

func TestWriteCalibratedPose(t *testing.T) {
	b, d := connect(t, profile(t))
	d.take()
	ctx := context.Background()
	// head_pan 30° -> 1800 µs, jaw 15° -> 1500 µs, arm_left_elbow 65° ->
	// 1000 + 55/110*1100 = 1550 µs: ANALOG_MESSAGE pin, value LSB, MSB.
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 15, robot.HeadPan: 30, robot.ArmLeftElbow: 65}); err != nil {
		t.Fatal(err)
	}
	if got, want := d.take(), "E3 08 0E, E9 5C 0B, EB 0E 0C"; got != want {
		t.Errorf("pose\n got %s\nwant %s", got, want)
	}
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 15, robot.HeadPan: 30.2}); err != nil {
		t.Fatal(err)
	}
	if got, want := d.take(), "E3 0A 0E"; got != want { // 1802 µs; the jaw is unchanged
		t.Errorf("second pose\n got %s\nwant %s", got, want)
	}
	err := b.Write(ctx, robot.Pose{"tail": 3})
	var je *robot.JointError
	if !errors.As(err, &je) || je.ID != "tail" {
		t.Errorf("unknown joint: %v", err)
	}
	d.mu.Lock()
	d.failNext = errors.New("usb unplugged")
	d.mu.Unlock()
	if err := b.Write(ctx, robot.Pose{robot.HeadTilt: 30}); !errors.As(err, &je) || je.ID != robot.HeadTilt {
		t.Errorf("failed write: %v", err)
	}
	if err := b.Write(ctx, robot.Pose{robot.HeadTilt: 30}); err != nil {
		t.Fatal(err)
	}
	if got, want := d.take(), "E5 08 0E"; got != want { // resent after the failure: 1800 µs
		t.Errorf("retry\n got %s\nwant %s", got, want)
	}
}

func TestReleaseCalibrateHalt(t *testing.T) {
	b, d := connect(t, profile(t))
	d.take()
	ctx := context.Background()
	if err := b.Release(robot.Jaw); err != nil {
		t.Fatal(err)
	}
	// Leaving servo mode detaches it; through INPUT the pin's latch is
	// cleared, so OUTPUT drives it low even if the detach cut a pulse.
	if got, want := d.take(), "F4 09 00, F4 09 01"; got != want {
		t.Errorf("release\n got %s\nwant %s", got, want)
	}
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 10}); err != nil || d.take() != "" {
		t.Errorf("a limp joint was written (err %v)", err)
	}
	// Calibration opens the pin to the whole window, then sends µs.
	if err := b.WritePulse(ctx, robot.HeadPan, 600); err != nil {
		t.Fatal(err)
	}
	if got, want := d.take(), "F0 70 03 20 04 44 13 F7, E3 58 04"; got != want {
		t.Errorf("raw pulse\n got %s\nwant %s", got, want)
	}
	if err := b.WritePulse(ctx, robot.HeadPan, 500); err == nil {
		t.Error("a 500 µs pulse was accepted: Servo.write would read it as degrees")
	}
	if err := b.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := b.Halt(); err != nil {
		t.Fatal(err)
	}
	if got, want := d.take(), "F4 03 00, F4 03 01, F4 05 00, F4 05 01, F4 06 00, F4 06 01, F4 0A 00, F4 0A 01, F4 0B 00, F4 0B 01, F4 0C 00, F4 0C 01, F4 0D 00, F4 0D 01"; got != want {
		t.Errorf("halt\n got %s\nwant %s", got, want)
	}
}

func TestRejectsPinWithoutServo(t *testing.T) {
	p := profile(t)
	p.Joints[0].Channel = 15 // analog-only on an Uno
	d := newDevice(t)
	a := gfirmata.NewAdaptor(io.ReadWriteCloser(d))
	if err := a.Connect(); err != nil {
		t.Fatal(err)
	}
	defer a.Finalize()
	if _, err := firmata.New(p, a); err == nil || !strings.Contains(err.Error(), "pin 15 cannot drive a servo") {
		t.Errorf("err = %v", err)
	}
}

func TestSensorPins(t *testing.T) {
	b, d := connect(t, profile(t))
	d.take()
	// A touch pad on D2: input mode, REPORT_DIGITAL for port 0; nothing
	// is known until the board reports.
	if v, err := b.DigitalRead("2"); err != nil || v != -1 {
		t.Fatalf("first read = %d, %v; want -1 (no report yet)", v, err)
	}
	if got, want := d.take(), "F4 02 00, D0 01"; got != want {
		t.Errorf("digital read setup\n got %s\nwant %s", got, want)
	}
	d.mu.Lock()
	d.reply(0x90, 0x04, 0x00) // port 0 report: pin 2 high
	d.mu.Unlock()
	waitFor(t, func() bool { v, _ := b.DigitalRead("2"); return v == 1 })
	// EDA on A0 (pin 14 on an Uno): analog mode, REPORT_ANALOG 0.
	if v, err := b.AnalogRead("0"); err != nil || v != -1 {
		t.Fatalf("first analog read = %d, %v", v, err)
	}
	if got, want := d.take(), "F4 0E 02, C0 01"; got != want {
		t.Errorf("analog read setup\n got %s\nwant %s", got, want)
	}
	d.mu.Lock()
	d.reply(0xE0, 0x00, 0x04) // A0 = 512
	d.mu.Unlock()
	waitFor(t, func() bool { v, _ := b.AnalogRead("0"); return v == 512 })
	if _, err := b.AnalogRead("7"); err == nil {
		t.Error("an Uno has no A7")
	}
	if got := d.take(); got != "" {
		t.Errorf("later reads sent %s", got)
	}
}

// waitFor polls a condition the board's reader goroutine makes true; the
// reader runs outside any synctest bubble (gobot starts it), so this is a
// bounded poll, not a timing assertion.
func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for range 1000 {
		if ok() {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("condition never became true")
}

// TestHighPinUsesExtendedAnalog drives a servo on pin 22 of a Mega: an
// ANALOG_MESSAGE only reaches pins 0–15, so the value goes out as an
// EXTENDED_ANALOG sysex.
func TestHighPinUsesExtendedAnalog(t *testing.T) {
	p := profile(t)
	p.Joints = p.Joints[:1]
	p.Joints[0].Channel = 22
	d := newDevice(t)
	d.digital = 54
	a := gfirmata.NewAdaptor(io.ReadWriteCloser(d))
	if err := a.Connect(); err != nil {
		t.Fatal(err)
	}
	b, err := firmata.New(p, a)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Halt()
	if err := b.Write(context.Background(), robot.Pose{robot.HeadPan: -30}); err != nil {
		t.Fatal(err)
	}
	// 1200 µs = 0x4B0: LSB 0x30, MSB 0x09.
	if got, want := d.take(), "F0 70 16 04 07 34 10 F7, F4 16 04, F0 6F 16 30 09 F7"; got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

// Halt holds the last pulses on the wire for the settle time before it
// lets the servos go, counted from the last pulse change, so the servos
// get to the pose the limiter left them in.
func TestHaltHoldsLastPulses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		write     bool
		sinceLast time.Duration
		wantSleep []time.Duration
	}{
		{"just written", true, 30 * time.Millisecond, []time.Duration{70 * time.Millisecond}},
		{"written long ago", true, 150 * time.Millisecond, nil},
		{"never written", false, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, d := connect(t, profile(t))
			d.take()
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var slept []time.Duration
			b.SetClock(func() time.Time { return now }, func(x time.Duration) {
				if got := d.take(); strings.Contains(got, "F4") {
					t.Errorf("servos let go before the hold: %s", got)
				}
				slept = append(slept, x)
			})
			if tc.write {
				if err := b.Write(t.Context(), robot.Pose{robot.HeadPan: 10}); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(tc.sinceLast)
			if err := b.Halt(); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(slept) != fmt.Sprint(tc.wantSleep) {
				t.Errorf("held %v, want %v", slept, tc.wantSleep)
			}
		})
	}
}
