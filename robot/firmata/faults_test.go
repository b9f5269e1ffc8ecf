package firmata_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gfirmata "gobot.io/x/gobot/v2/platforms/firmata"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/firmata"
	"github.com/kindred-hri/kindred/sessiontime"
)

// cable is the USB serial line to the recording device; pulling it makes
// every later write fail as a vanished /dev/ttyACM0 does.
type cable struct {
	*device
	pulled atomic.Bool
	writes atomic.Int64 // refused after the pull
}

var errUnplugged = errors.New("write /dev/ttyACM0: input/output error")

func (c *cable) Write(p []byte) (int, error) {
	if c.pulled.Load() {
		c.writes.Add(1)
		return 0, errUnplugged
	}
	return c.device.Write(p)
}

// A board unplugged mid-run: every joint's writes fail, each joint is
// retried, then let go with one OnFault each; the limiter keeps running
// (the rest of the companion goes on without a body) and shuts down
// cleanly without hanging on the dead line.
func TestFirmataUnpluggedMidRun(t *testing.T) {
	p := profile(t)
	c := &cable{device: newDevice(t)}
	a := gfirmata.NewAdaptor(io.ReadWriteCloser(c))
	if err := a.Connect(); err != nil {
		t.Fatal(err)
	}
	b, err := firmata.New(p, a)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	faults := map[robot.JointID]int{}
	o := robot.DefaultOpts()
	o.Clock, _ = sessiontime.New(50) // body time: retries and ticks pass 50 times faster
	o.Watchdog = time.Hour
	o.OnFault = func(id robot.JointID, err error) {
		mu.Lock()
		faults[id]++
		mu.Unlock()
		if !errors.Is(err, errUnplugged) {
			t.Errorf("fault on %s: %v, want the serial error", id, err)
		}
	}
	lim, err := robot.NewLimiter(p.Specs(), b, o)
	if err != nil {
		t.Fatal(err)
	}
	cmds := make(chan robot.Command)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- lim.Run(ctx, cmds) }()

	// Moving normally first.
	pose := robot.Pose{}
	for _, j := range p.Joints {
		pose[j.ID] = j.Max / 2
	}
	cmds <- robot.Command{Pose: pose, Source: robot.SourceGesture}
	waitUntil(t, func() bool { return lim.Stats().JointCommands > 3 }, "the body never moved")
	if msgs := c.take(); msgs == "" {
		t.Fatal("no servo messages before the pull")
	}

	c.pulled.Store(true)
	for _, j := range p.Joints {
		pose[j.ID] = j.Min / 2
	}
	cmds <- robot.Command{Pose: pose, Source: robot.SourceGesture}
	waitUntil(t, func() bool { return len(lim.Stats().Limp) == len(p.Joints) }, "not every joint was let go")

	mu.Lock()
	for _, j := range p.Joints {
		if faults[j.ID] != 1 {
			t.Errorf("joint %s: %d faults, want exactly 1", j.ID, faults[j.ID])
		}
	}
	mu.Unlock()
	if n := c.writes.Load(); n < int64(len(p.Joints)*o.Retries) {
		t.Errorf("%d refused writes, want each of %d joints retried %d times", n, len(p.Joints), o.Retries)
	}
	limp := lim.Stats().Limp
	for _, j := range p.Joints {
		if !slices.Contains(limp, j.ID) {
			t.Errorf("%s not limp", j.ID)
		}
	}
	// Still running: commands are taken, not blocked on a dead line.
	select {
	case cmds <- robot.Command{Pose: pose, Source: robot.SourceMimicry}:
	case err := <-done:
		t.Fatalf("limiter stopped after the pull: %v", err)
	case <-time.After(5 * time.Second):
		t.Fatal("limiter no longer takes commands")
	}
	cancel()
	select {
	case <-done: // whatever the shutdown's write to a dead line says, it ends
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown hangs on the unplugged board")
	}
}

// waitUntil polls cond, for tests that watch another goroutine on the real
// clock (the gobot adaptor's reader cannot run inside a synctest bubble).
func waitUntil(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
