package robot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// hangingBus is a body whose calls hang, without an error, from hang until
// back after its first write (on the bubble's clock): a Firmata board over
// Wi-Fi gone silent, whose TCP writes block until TCP gives up minutes
// later, or a USB board whose firmware stopped reading. A hung call sees
// no context. It records the poses it took, how many calls were in it at
// once at most, how many began while it hung, and its halts.
type hangingBus struct {
	hang, back time.Duration

	mu           sync.Mutex
	start        time.Time
	in, maxIn    int
	whileHung    int // calls begun between hang and back
	writes       []robot.Pose
	halts        int
	haltedWithIn int // calls in the bus when Halt began
}

func (b *hangingBus) enter() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.start.IsZero() {
		b.start = time.Now()
	}
	b.in++
	b.maxIn = max(b.maxIn, b.in)
	since := time.Since(b.start)
	if since >= b.hang && since < b.back {
		b.whileHung++
	}
	return since
}

func (b *hangingBus) leave() {
	b.mu.Lock()
	b.in--
	b.mu.Unlock()
}

func (b *hangingBus) hangs(since time.Duration) {
	if since >= b.hang && since < b.back {
		time.Sleep(b.back - since)
	}
}

func (b *hangingBus) Write(_ context.Context, p robot.Pose) error {
	since := b.enter()
	defer b.leave()
	b.hangs(since)
	b.mu.Lock()
	b.writes = append(b.writes, maps(p))
	b.mu.Unlock()
	return nil
}

func (b *hangingBus) Halt() error {
	b.mu.Lock()
	b.haltedWithIn = b.in
	b.mu.Unlock()
	since := b.enter()
	defer b.leave()
	b.hangs(since)
	b.mu.Lock()
	b.halts++
	b.mu.Unlock()
	return nil
}

func (b *hangingBus) snapshot() (maxIn, whileHung int, writes []robot.Pose, halts int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.maxIn, b.whileHung, append([]robot.Pose(nil), b.writes...), b.halts
}

// A write that hangs loses the body as a failed one does: OnBusLost once,
// a second after the write began, with an error that says the bus hangs;
// mimicry's commands (100 a second) meanwhile reach no call, so the bus
// never holds more than the hung write, and nothing is queued for it.
// When the hung write returns, the body is tried at once: the safe pose,
// whole, is taken, OnBusBack says how long it was lost, and the jaw goes
// on to its target. Checked against the change switched off: with the
// write called straight from Run, nothing was lost or back (and the run
// froze for the 30 s); with a call made while one is out, 60 calls began
// in the hang and four were in the bus at once.
func TestLimiterHungWriteLosesTheBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := &hangingBus{hang: time.Second, back: 31 * time.Second}
		var lost []error
		var lostAt time.Time
		var back []time.Duration
		o := robot.DefaultOpts()
		o.OnBusLost = func(err error) { lost, lostAt = append(lost, err), time.Now() }
		o.OnBusBack = func(d time.Duration) { back = append(back, d) }
		jaw := robot.JointSpec{ID: robot.Jaw, Min: 0, Max: 30, MaxSpeed: 100, MaxAccel: 1000}
		l, err := robot.NewLimiter([]robot.JointSpec{jaw}, bus, o)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		cmds, errc := make(chan robot.Command), make(chan error, 1)
		start := time.Now()
		go func() { errc <- l.Run(ctx, cmds) }()
		// Mimicry keeps asking, 5° and 25° in turn, every 10 ms, for 40 s.
		var hungWrites int // writes taken by 30 s: none after the hang began
		for i := range 4000 {
			if i == 3000 {
				_, _, w, _ := bus.snapshot()
				hungWrites = len(w)
			}
			cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: robot.Degrees(float64(5 + 20*(i/50%2)))}, Source: robot.SourceMimicry}
			time.Sleep(10 * time.Millisecond)
		}
		if len(lost) != 1 || !errors.Is(lost[0], robot.ErrBusHung) ||
			!strings.Contains(lost[0].Error(), "write did not return within 1s") {
			t.Errorf("lost told %v, want once that the write did not return within 1s", lost)
		} else if at := lostAt.Sub(start); at < 2*time.Second || at > 2100*time.Millisecond {
			t.Errorf("lost told %v into the run, want a second after the write that hung (1 s to 1.1 s)", at)
		}
		maxIn, whileHung, writes, _ := bus.snapshot()
		if maxIn != 1 || whileHung != 1 {
			t.Errorf("%d calls at once at most, %d begun while the bus hung; want 1 and 1", maxIn, whileHung)
		}
		if len(back) != 1 || back[0] < 28*time.Second || back[0] > 30*time.Second {
			t.Errorf("back told %v, want once, after the 29 s from the loss to the hung write's return", back)
		}
		// The write that hung is taken when it returns; the one after it
		// is the safe pose, whole, and the body moves on from there.
		if len(writes) < hungWrites+3 || len(writes[hungWrites+1]) != 1 || writes[hungWrites+1][robot.Jaw] != jaw.Safe {
			t.Errorf("writes after the bus was back %v…, want the hung one, then the safe pose, then more", writes[hungWrites:min(len(writes), hungWrites+3)])
		} else if last := writes[len(writes)-1][robot.Jaw]; last != 5 && last != 25 {
			t.Errorf("jaw last written at %v, want it back on mimicry's 5° or 25°", last)
		}
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("Run = %v, want nil: the body was back", err)
		}
		if _, _, _, halts := bus.snapshot(); halts != 1 {
			t.Errorf("%d halts, want 1", halts)
		}
	})
}

// A run stopped while a write hangs ends within two WriteTimeouts (one more
// for the hung write to return, the actuator's Halt then left to follow
// it), not when the bus answers: Run, or Halt, returns the hang as the halt
// error, so the run exits 1 as for a body still lost; the actuator's Halt
// is never called while the write is in it, and is called once it
// returns. With OnBusLost or without (Run then ends on the hang itself).
// Checked against the change switched off: without the bounded wait at the
// end Run returned only after the bus came back, an hour later; with the
// Halt called while the write hung, Halt began with a call in the bus.
func TestLimiterStopsWhileAWriteHangs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		retry   bool
		useHalt bool
	}{{"cancel", true, false}, {"halt", true, true}, {"no retry", false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				bus := &hangingBus{hang: time.Second, back: time.Hour}
				o := robot.DefaultOpts()
				lost := 0
				if tc.retry {
					o.OnBusLost = func(error) { lost++ }
				}
				l, err := robot.NewLimiter([]robot.JointSpec{{ID: robot.Jaw, Min: 0, Max: 30, MaxSpeed: 100, MaxAccel: 1000}}, bus, o)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				cmds, errc := make(chan robot.Command), make(chan error, 1)
				start := time.Now()
				go func() { errc <- l.Run(ctx, cmds) }()
				stop := time.Second // without OnBusLost, Run ends on the hang itself
				var runErr error
				returned := false
				for i := 0; i < 100_000 && !returned; i++ { // at most 1000 s
					if i == 1000 && tc.retry { // 10 s in
						stop = time.Since(start)
						if tc.useHalt {
							go func() { _ = l.Halt() }()
						} else {
							cancel()
						}
					}
					select {
					case runErr = <-errc:
						returned = true
					case cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: robot.Degrees(float64(i % 30))}, Source: robot.SourceMimicry}:
						time.Sleep(10 * time.Millisecond)
					}
				}
				if !returned {
					t.Fatal("Run did not return in 1000 s")
				}
				if took := time.Since(start) - stop; took > 2*o.WriteTimeout {
					t.Errorf("Run returned %v after the stop at %v, want within %v", took, stop, 2*o.WriteTimeout)
				}
				t.Logf("Run returned %v after the stop at %v: %v", time.Since(start)-stop, stop, runErr)
				if !errors.Is(runErr, robot.ErrBusHung) || (tc.retry && !strings.HasPrefix(runErr.Error(), "robot: limiter: halt: ")) {
					t.Errorf("Run = %v, want the halt error of a bus that hangs", runErr)
				}
				if herr := l.Halt(); !errors.Is(herr, robot.ErrBusHung) {
					t.Errorf("Halt = %v, want the hang", herr)
				}
				if tc.retry && lost != 1 {
					t.Errorf("lost told %d times, want once", lost)
				}
				time.Sleep(time.Hour) // the bus answers again
				synctest.Wait()
				bus.mu.Lock()
				defer bus.mu.Unlock()
				if bus.maxIn != 1 || bus.haltedWithIn != 0 || bus.halts != 1 {
					t.Errorf("%d calls at once at most, Halt began with %d in the bus, %d halts; want 1, 0 and 1 once the write returned",
						bus.maxIn, bus.haltedWithIn, bus.halts)
				}
			})
		})
	}
}
