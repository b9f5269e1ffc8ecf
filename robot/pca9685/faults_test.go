package pca9685_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"gobot.io/x/gobot/v2/drivers/i2c"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/pca9685"
)

// flakyChip is the recording chip whose writes to one channel's registers
// fail from some moment on, as when a servo lead shorts or one channel's
// solder joint cracks, while the rest of the bus works.
type flakyChip struct {
	*chip
	mu       sync.Mutex
	failFrom map[byte]bool
	failed   int // writes refused
	broken   bool
}

func (c *flakyChip) GetI2cConnection(address, bus int) (i2c.Connection, error) {
	if _, err := c.chip.GetI2cConnection(address, bus); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *flakyChip) Write(b []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.broken && len(b) == 2 && c.failFrom[b[0]] {
		c.failed++
		return 0, errors.New("i2c: remote I/O error")
	}
	return c.chip.Write(b)
}

func (c *flakyChip) ReadByte() (byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chip.ReadByte()
}

func (c *flakyChip) failNow() {
	c.mu.Lock()
	c.broken = true
	c.mu.Unlock()
}

func (c *flakyChip) takeLog() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.take()
}

// A channel whose I²C writes fail is retried, then its joint goes limp and
// OnFault fires once; the other joints go on moving on the same bus.
func TestI2CErrorsOnOneChannelGoLimpTheRestCarriesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// head_pan is channel 0: LED0 registers 0x06..0x09.
		c := &flakyChip{chip: newChip(t), failFrom: map[byte]bool{0x06: true, 0x07: true, 0x08: true, 0x09: true}}
		p := profile(t)
		b, err := pca9685.New(p, c)
		if err != nil {
			t.Fatal(err)
		}
		c.takeLog()
		var mu sync.Mutex
		var faults []robot.JointID
		var faultErrs []error
		o := robot.DefaultOpts()
		o.OnFault = func(id robot.JointID, err error) {
			mu.Lock()
			faults, faultErrs = append(faults, id), append(faultErrs, err)
			mu.Unlock()
		}
		lim, err := robot.NewLimiter(p.Specs(), b, o)
		if err != nil {
			t.Fatal(err)
		}
		cmds := make(chan robot.Command)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() { done <- lim.Run(ctx, cmds) }()
		synctest.Wait() // the safe pose is written while the bus is healthy
		c.failNow()
		cmds <- robot.Command{Pose: robot.Pose{robot.HeadPan: 40, robot.HeadTilt: 20}, Source: robot.SourceGesture}
		time.Sleep(2 * time.Second)
		after := c.takeLog()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("run ended with %v; one bad channel must not stop the body", err)
		}

		mu.Lock()
		defer mu.Unlock()
		if len(faults) != 1 || faults[0] != robot.HeadPan {
			t.Fatalf("faults %v, want exactly [head_pan]", faults)
		}
		if !strings.Contains(faultErrs[0].Error(), "remote I/O") {
			t.Errorf("fault error %q does not carry the bus error", faultErrs[0])
		}
		if c.failed < o.Retries {
			t.Errorf("%d failed writes before going limp, want at least %d retries", c.failed, o.Retries)
		}
		if s := lim.Stats(); len(s.Limp) != 1 || s.Limp[0] != robot.HeadPan {
			t.Errorf("limp joints %v", s.Limp)
		}
		// head_tilt (channel 1, OFF_L 0x0C) kept moving: many writes, up
		// to 1700 µs (348 = 0x15C) for +20°, while head_pan was let go.
		var tilt int
		for _, w := range strings.Split(after, ", ") {
			if strings.HasPrefix(w, "W 0C ") {
				tilt++
			}
		}
		if tilt < 10 || !strings.Contains(after, "W 0C 5C, W 0D 01") {
			t.Errorf("head_tilt wrote %d times and never reached 1700 µs: %.200s", tilt, after)
		}
	})
}
