package pca9685_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"gobot.io/x/gobot/v2/drivers/i2c"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/pca9685"
)

// chip is a recording fake of a PCA9685 on an I²C bus: it models the
// register file (so MODE1 reads back what was written), logs every
// transaction as "W reg val" / "R reg=val", and fails the test on any
// operation the driver is not expected to use.
type chip struct {
	t       *testing.T
	bus     int
	addr    int
	reg     [256]byte
	ptr     byte
	log     []string
	failReg map[byte]error
}

func newChip(t *testing.T) *chip {
	c := &chip{t: t, bus: 1, addr: 0x40}
	c.reg[0x00] = 0x11 // MODE1 at power-on: SLEEP | ALLCALL
	return c
}

// Connector side.
func (c *chip) GetI2cConnection(address, bus int) (i2c.Connection, error) {
	if address != c.addr || bus != c.bus {
		c.t.Errorf("connection to bus %d address %#x, want bus %d address %#x", bus, address, c.bus, c.addr)
		return nil, errors.New("no device")
	}
	return c, nil
}
func (c *chip) DefaultI2cBus() int { return 0 }

// Connection side: the two transactions the driver uses.
func (c *chip) Write(b []byte) (int, error) {
	switch len(b) {
	case 1:
		c.ptr = b[0]
		c.log = append(c.log, fmt.Sprintf("W %02X", b[0]))
	case 2:
		if err := c.failReg[b[0]]; err != nil {
			return 0, err
		}
		c.ptr = b[0]
		c.reg[b[0]] = b[1]
		c.log = append(c.log, fmt.Sprintf("W %02X %02X", b[0], b[1]))
	default:
		c.t.Errorf("unexpected %d-byte write % X", len(b), b)
		return 0, errors.New("unexpected")
	}
	return len(b), nil
}

func (c *chip) ReadByte() (byte, error) {
	c.log = append(c.log, fmt.Sprintf("R %02X=%02X", c.ptr, c.reg[c.ptr]))
	return c.reg[c.ptr], nil
}

func (c *chip) unexpected(op string) error {
	c.t.Errorf("unexpected I²C operation %s", op)
	return errors.New("unexpected " + op)
}
func (c *chip) Read([]byte) (int, error)           { return 0, c.unexpected("Read") }
func (c *chip) Close() error                       { return c.unexpected("Close") }
func (c *chip) ReadByteData(uint8) (uint8, error)  { return 0, c.unexpected("ReadByteData") }
func (c *chip) ReadBlockData(uint8, []byte) error  { return c.unexpected("ReadBlockData") }
func (c *chip) WriteByteData(uint8, uint8) error   { return c.unexpected("WriteByteData") }
func (c *chip) WriteBlockData(uint8, []byte) error { return c.unexpected("WriteBlockData") }
func (c *chip) WriteByte(byte) error               { return c.unexpected("WriteByte") }
func (c *chip) WriteBytes([]byte) error            { return c.unexpected("WriteBytes") }
func (c *chip) ReadWordData(uint8) (uint16, error) { return 0, c.unexpected("ReadWordData") }
func (c *chip) WriteWordData(uint8, uint16) error  { return c.unexpected("WriteWordData") }

func (c *chip) take() string {
	s := strings.Join(c.log, ", ")
	c.log = nil
	return s
}

func profile(t *testing.T) *robot.Profile {
	t.Helper()
	p, err := robot.LoadProfile("tabletop-pca9685")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInitSequence(t *testing.T) {
	c := newChip(t)
	if _, err := pca9685.New(profile(t), c); err != nil {
		t.Fatal(err)
	}
	want := strings.Join([]string{
		// every output off, MODE2 totem-pole, MODE1 awake + ALLCALL, restart
		"W FA 00", "W FB 00", "W FC 00", "W FD 00", "W 01 04", "W 00 01", "W 00", "R 00=01", "W 00 81",
		// 50 Hz: sleep, PRESCALE 121 (0x79), wake, restart
		"W 00", "R 00=81", "W 00 11", "W FE 79", "W 00 81", "W 00 81",
	}, ", ")
	if got := c.take(); got != want {
		t.Errorf("init registers\n got %s\nwant %s", got, want)
	}
}

func TestWriteCalibratedPose(t *testing.T) {
	c := newChip(t)
	b, err := pca9685.New(profile(t), c)
	if err != nil {
		t.Fatal(err)
	}
	c.take()
	ctx := context.Background()
	// head_pan (ch 0): 30° -> 1800 µs; brow_inner_right (ch 4, inverted):
	// 30° -> 1200 µs; jaw (ch 11): 15° -> 1500 µs. At the chip's real
	// 50.03 Hz one count is 4.88 µs: 369, 246 and 307 counts.
	err = b.Write(ctx, robot.Pose{robot.Jaw: 15, robot.HeadPan: 30, robot.BrowInnerRight: 30})
	if err != nil {
		t.Fatal(err)
	}
	want := "W 06 00, W 07 00, W 08 71, W 09 01, " + // ch 0: OFF 0x171 = 369
		"W 16 00, W 17 00, W 18 F6, W 19 00, " + // ch 4: OFF 0x0F6 = 246
		"W 32 00, W 33 00, W 34 33, W 35 01" // ch 11: OFF 0x133 = 307
	if got := c.take(); got != want {
		t.Errorf("registers\n got %s\nwant %s", got, want)
	}
	// Unchanged counts are not rewritten; a small move of one joint is
	// one channel's four registers.
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 15, robot.HeadPan: 30.5}); err != nil {
		t.Fatal(err)
	}
	if got, want := c.take(), "W 06 00, W 07 00, W 08 72, W 09 01"; got != want {
		t.Errorf("second write\n got %s\nwant %s", got, want)
	}
	// Unknown joints and failing channels are joint errors; others go on.
	c.failReg = map[byte]error{0x32: errors.New("nack")}
	err = b.Write(ctx, robot.Pose{robot.Jaw: 20, "tail": 1, robot.HeadTilt: 0})
	var ids []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var je *robot.JointError
		if !errors.As(e, &je) {
			t.Fatalf("%v is not a joint error", e)
		}
		ids = append(ids, string(je.ID))
	}
	if strings.Join(ids, ",") != "tail,jaw" {
		t.Errorf("joint errors for %v, want tail,jaw", ids)
	}
	if got, want := c.take(), "W 0A 00, W 0B 00, W 0C 33, W 0D 01"; got != want { // head_tilt 1500 µs
		t.Errorf("after failure\n got %s\nwant %s", got, want)
	}
	// The failed channel is rewritten in full next time.
	c.failReg = nil
	if err := b.Write(ctx, robot.Pose{robot.Jaw: 20}); err != nil {
		t.Fatal(err)
	}
	if got, want := c.take(), "W 32 00, W 33 00, W 34 3E, W 35 01"; got != want { // 1550 µs = 318
		t.Errorf("retry\n got %s\nwant %s", got, want)
	}
}

func TestReleaseAndHalt(t *testing.T) {
	c := newChip(t)
	b, err := pca9685.New(profile(t), c)
	if err != nil {
		t.Fatal(err)
	}
	c.take()
	ctx := context.Background()
	if err := b.Release(robot.HeadRoll); err != nil {
		t.Fatal(err)
	}
	if got, want := c.take(), "W 0E 00, W 0F 00, W 10 00, W 11 00"; got != want {
		t.Errorf("release ch 2\n got %s\nwant %s", got, want)
	}
	if err := b.Write(ctx, robot.Pose{robot.HeadRoll: 10}); err != nil || c.take() != "" {
		t.Errorf("a limp joint was written (err %v)", err)
	}
	if err := b.WritePulse(ctx, robot.HeadPan, 1000); err != nil {
		t.Fatal(err)
	}
	if got, want := c.take(), "W 06 00, W 07 00, W 08 CD, W 09 00"; got != want { // 1000 µs = 205
		t.Errorf("raw pulse\n got %s\nwant %s", got, want)
	}
	if err := b.WritePulse(ctx, robot.HeadPan, 3000); err == nil {
		t.Error("a 3000 µs pulse was accepted")
	}
	for range 2 {
		if err := b.Halt(); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := c.take(), "W FD 10"; got != want { // ALL_LED_OFF_H full off, once
		t.Errorf("halt\n got %s\nwant %s", got, want)
	}
	if err := b.Write(ctx, robot.Pose{robot.HeadPan: 0}); err == nil {
		t.Error("write after halt succeeded")
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		hz    robot.Frequency
		pre   byte
		us    robot.PulseWidth
		count uint16
	}{
		{50, 121, 1500, 307}, {50, 121, 500, 102}, {50, 121, 2500, 512},
		{60, 101, 1500, 368}, {200, 30, 2500, 2016}, // 59.84 Hz, 196.9 Hz really
	}
	for _, tt := range tests {
		pre := pca9685.Prescale(tt.hz)
		if got := pca9685.Counts(tt.us, pca9685.ActualRate(pre)); pre != tt.pre || got != tt.count {
			t.Errorf("%g Hz %g µs: prescale %d counts %d, want %d %d", tt.hz, tt.us, pre, got, tt.pre, tt.count)
		}
	}
}

func TestNewRejectsOtherBoards(t *testing.T) {
	p, _ := robot.LoadProfile("sim")
	if _, err := pca9685.New(p, newChip(t)); err == nil {
		t.Error("a sim profile opened a PCA9685")
	}
}

// TestUnderLimiter drives the board through the limiter: a command moves
// head_pan in limited steps (each a changing OFF count on channel 0), and
// shutdown returns it to neutral before every output is switched off.
func TestUnderLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newChip(t)
		p := profile(t)
		b, err := pca9685.New(p, c)
		if err != nil {
			t.Fatal(err)
		}
		c.take()
		lim, err := robot.NewLimiter(p.Specs(), b, robot.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		cmds := make(chan robot.Command)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- lim.Run(ctx, cmds) }()
		cmds <- robot.Command{Pose: robot.Pose{robot.HeadPan: 60}, Source: robot.SourceGesture}
		time.Sleep(time.Second)
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		log := c.take()
		// The first write puts all 12 channels at their safe pulses.
		if !strings.HasPrefix(log, "W 06 00, W 07 00, W 08 33, W 09 01, W 0A 00") {
			t.Errorf("first write: %.80s", log)
		}
		// head_pan's OFF low byte climbs to 2100 µs (430 = 0x1AE) and
		// comes back to 1500 µs (307 = 0x133); then all off.
		var offs []string
		for _, w := range strings.Split(log, ", ") {
			if strings.HasPrefix(w, "W 08 ") {
				offs = append(offs, w[5:])
			}
		}
		if len(offs) < 20 || !strings.Contains(log, "W 08 AE, W 09 01") || offs[len(offs)-1] != "33" {
			t.Errorf("head_pan OFF_L sequence %v", offs)
		}
		if !strings.HasSuffix(log, "W FD 10") {
			t.Errorf("did not end with all outputs off: ...%s", log[max(0, len(log)-60):])
		}
	})
}

// A bus that is not there (I²C not enabled, the wrong bus number) is one
// clear line naming the device. Before, closing the bus never opened added
// "(closing the bus: 1 error occurred:; * invalid argument)" to it.
func TestOpenMissingBusSaysOnlyWhy(t *testing.T) {
	p, err := robot.LoadProfile("tabletop-pca9685")
	if err != nil {
		t.Fatal(err)
	}
	p.Board.Bus = 99 // no machine this runs on has /dev/i2c-99
	_, err = pca9685.Open(p)
	if err == nil {
		t.Skip("this machine has /dev/i2c-99")
	}
	if msg := err.Error(); !strings.Contains(msg, "/dev/i2c-99") || strings.Contains(msg, "closing the bus") {
		t.Errorf("Open = %q, want why /dev/i2c-99 would not open, alone", msg)
	}
}
