package robot_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
	"github.com/kindred-hri/kindred/sessiontime"
)

// rig runs a limiter over the built-in sim body inside a synctest bubble.
type rig struct {
	t      *testing.T
	body   *sim.Body
	lim    *robot.Limiter
	cmds   chan robot.Command
	cancel context.CancelFunc
	errc   chan error

	mu     sync.Mutex
	writes []time.Time // when OnWrite fired (fake clock)
	faults []robot.JointID
}

func newRig(t *testing.T, o robot.LimiterOpts) *rig {
	t.Helper()
	p, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, body: sim.New(p), cmds: make(chan robot.Command), errc: make(chan error, 1)}
	o.OnWrite = func(robot.Pose) {
		r.mu.Lock()
		r.writes = append(r.writes, time.Now())
		r.mu.Unlock()
	}
	o.OnFault = func(id robot.JointID, err error) {
		r.mu.Lock()
		r.faults = append(r.faults, id)
		r.mu.Unlock()
	}
	r.lim, err = robot.NewLimiter(p.Specs(), r.body, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	r.cancel = cancel
	go func() { r.errc <- r.lim.Run(ctx, r.cmds) }()
	synctest.Wait()
	return r
}

func (r *rig) send(src robot.Source, p robot.Pose) {
	r.cmds <- robot.Command{Pose: p, Source: src}
	synctest.Wait()
}

func (r *rig) angle(id robot.JointID) float64 { return float64(r.body.Snapshot()[id]) }

func (r *rig) stop() error {
	r.cancel()
	return <-r.errc
}

// sleep lets fake time pass, then lets every goroutine handle what fell
// due at the instant it wakes (a tick at that instant included).
func sleep(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestLimiterFirstStepIsImmediate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, robot.DefaultOpts())
		sleep(100 * time.Millisecond) // let the body settle; nothing moves
		r.mu.Lock()
		before := len(r.writes)
		r.mu.Unlock()
		sent := time.Now()
		r.send(robot.SourceMimicry, robot.Pose{robot.HeadPan: 30})
		r.mu.Lock()
		if len(r.writes) != before+1 || !r.writes[len(r.writes)-1].Equal(sent) {
			t.Errorf("no write at the instant of the command: %d writes before, %v after", before, r.writes[before:])
		}
		r.mu.Unlock()
		if a := r.angle(robot.HeadPan); !(a > 0 && a < 30) {
			t.Errorf("head_pan after one step = %g, want a small limited move towards 30", a)
		}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLimiterRateAndSpeed(t *testing.T) {
	for _, speed := range []float64{1, 20} {
		synctest.Test(t, func(t *testing.T) {
			o := robot.DefaultOpts()
			o.Clock, _ = sessiontime.New(speed)
			o.Watchdog = time.Hour
			r := newRig(t, o)
			r.send(robot.SourceGesture, robot.Pose{robot.ArmLeftShoulder: 90}) // 170° at 90°/s: about 2 s
			start := time.Now()
			// One second of body time, in wall time scaled by speed.
			sleep(time.Duration(float64(time.Second) / speed))
			r.mu.Lock()
			n := 0
			for _, w := range r.writes {
				if w.After(start) {
					n++
				}
			}
			r.mu.Unlock()
			if n != 50 {
				t.Errorf("speed %g: %d writes in one second of body time, want 50", speed, n)
			}
			// Accelerating at 360°/s² to 90°/s takes 0.25 s (11.25°), then
			// 0.75 s cruising (67.5°): -80 + 78.75 after one body second.
			if a := r.angle(robot.ArmLeftShoulder); math.Abs(a-(-1.25)) > 0.5 {
				t.Errorf("speed %g: shoulder at %g after 1 s, want about -1.25", speed, a)
			}
			sleep(time.Duration(float64(2*time.Second) / speed))
			if a := r.angle(robot.ArmLeftShoulder); !near(a, 90) {
				t.Errorf("speed %g: shoulder at %g after 3 s, want 90", speed, a)
			}
			if err := r.stop(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestLimiterArbitration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := robot.DefaultOpts()
		r := newRig(t, o)
		// Mimicry wants the jaw at 10 and keeps refreshing; speech opens it
		// to 25 for half a second, then stops.
		ctx, stop := context.WithCancel(t.Context())
		go func() {
			tk := time.NewTicker(100 * time.Millisecond)
			defer tk.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tk.C:
					r.cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: 10}, Source: robot.SourceMimicry}
				}
			}
		}()
		sleep(500 * time.Millisecond)
		if a := r.angle(robot.Jaw); !near(a, 10) {
			t.Errorf("jaw with mimicry only = %g, want 10", a)
		}
		for range 5 {
			r.cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: 25}, Source: robot.SourceSpeech}
			sleep(100 * time.Millisecond)
		}
		if a := r.angle(robot.Jaw); !near(a, 25) {
			t.Errorf("jaw while speaking = %g, want speech's 25 over mimicry's 10", a)
		}
		// Speech's claim goes stale after 300 ms; mimicry takes the jaw back.
		sleep(800 * time.Millisecond)
		if a := r.angle(robot.Jaw); !near(a, 10) {
			t.Errorf("jaw after speech went stale = %g, want mimicry's 10", a)
		}
		stop()
		synctest.Wait()
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLimiterWatchdogReturnsToSafe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := robot.DefaultOpts()
		o.Watchdog = time.Second
		r := newRig(t, o)
		r.send(robot.SourceSupervisor, robot.Pose{robot.HeadTilt: 20, robot.BrowInnerLeft: 15})
		sleep(900 * time.Millisecond)
		if a := r.angle(robot.HeadTilt); !near(a, 20) {
			t.Fatalf("head_tilt = %g before the watchdog, want 20", a)
		}
		sleep(2 * time.Second)
		if a, b := r.angle(robot.HeadTilt), r.angle(robot.BrowInnerLeft); !near(a, 0) || !near(b, 0) {
			t.Errorf("after the watchdog head_tilt %g brow %g, want the safe 0, 0", a, b)
		}
		if s := r.lim.Stats(); s.WatchdogTrips != 1 {
			t.Errorf("watchdog trips = %d, want 1", s.WatchdogTrips)
		}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLimiterHaltAndShutdownEndSafe(t *testing.T) {
	for _, how := range []string{"halt", "cancel", "close"} {
		t.Run(how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, robot.DefaultOpts())
				r.send(robot.SourceGesture, robot.Pose{robot.HeadPan: 50, robot.ArmRightElbow: 100, robot.Jaw: 30})
				sleep(300 * time.Millisecond)
				if r.angle(robot.HeadPan) < 10 {
					t.Fatal("body did not move before the stop")
				}
				switch how {
				case "halt":
					var wg sync.WaitGroup
					for range 3 { // concurrent, idempotent
						wg.Go(func() {
							if err := r.lim.Halt(); err != nil {
								t.Error(err)
							}
						})
					}
					wg.Wait()
					if err := <-r.errc; err != nil {
						t.Fatal(err)
					}
					if err := r.lim.Halt(); err != nil {
						t.Fatal(err)
					}
				case "cancel":
					if err := r.stop(); err != nil {
						t.Fatal(err)
					}
				case "close":
					close(r.cmds)
					if err := <-r.errc; err != nil {
						t.Fatal(err)
					}
				}
				p, _ := robot.LoadProfile("sim")
				got := r.body.Snapshot()
				for id, want := range p.SafePose() {
					if !near(float64(got[id]), float64(want)) {
						t.Errorf("%s at %v after %s, want safe %v", id, got[id], how, want)
					}
				}
				if halted, n := r.body.Halted(); !halted || n != 1 {
					t.Errorf("actuator halted=%v %d times, want once", halted, n)
				}
			})
		})
	}
}

func TestLimiterHaltWithoutRun(t *testing.T) {
	p, _ := robot.LoadProfile("sim")
	body := sim.New(p)
	l, err := robot.NewLimiter(p.Specs(), body, robot.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := l.Halt(); err != nil {
		t.Fatal(err)
	}
	if halted, n := body.Halted(); !halted || n != 1 {
		t.Errorf("halted=%v %d times, want once", halted, n)
	}
	if err := l.Run(t.Context(), nil); err == nil {
		t.Error("Run after Halt succeeded")
	}
}

func TestLimiterFaultGoesLimp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := robot.DefaultOpts()
		o.Retries = 2
		r := newRig(t, o)
		broken := errors.New("servo stalled")
		r.body.Fail(robot.Jaw, broken)
		r.send(robot.SourceSpeech, robot.Pose{robot.Jaw: 20, robot.HeadPan: 20})
		sleep(time.Second)
		r.mu.Lock()
		faults := append([]robot.JointID(nil), r.faults...)
		r.mu.Unlock()
		if len(faults) != 1 || faults[0] != robot.Jaw {
			t.Errorf("faults %v, want [jaw]", faults)
		}
		if !r.body.Limp(robot.Jaw) {
			t.Error("jaw was not released")
		}
		if a := r.angle(robot.HeadPan); !near(a, 20) {
			t.Errorf("head_pan %g, want 20: the other joints go on", a)
		}
		if s := r.lim.Stats(); len(s.Limp) != 1 || s.Limp[0] != robot.Jaw {
			t.Errorf("stats limp %v", s.Limp)
		}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

// busDown fails every write as a whole, like an unplugged I²C cable.
type busDown struct{ halts int }

func (b *busDown) Write(context.Context, robot.Pose) error { return errors.New("i2c: no ack") }
func (b *busDown) Halt() error                             { b.halts++; return nil }

func TestLimiterBusFailureEndsRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		act := &busDown{}
		l, err := robot.NewLimiter([]robot.JointSpec{{ID: robot.Jaw, Min: 0, Max: 30, MaxSpeed: 100, MaxAccel: 1000}}, act, robot.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		err = l.Run(t.Context(), make(chan robot.Command))
		if err == nil || act.halts != 1 {
			t.Fatalf("Run = %v with %d halts, want a write error and one halt", err, act.halts)
		}
	})
}

func TestLimiterStats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, robot.DefaultOpts())
		for i := range 20 {
			r.cmds <- robot.Command{
				Pose:     robot.Pose{robot.HeadPan: robot.Angle(i), "tail": 3, robot.Jaw: robot.Angle(math.NaN())},
				Source:   robot.SourceMimicry,
				Observed: time.Now().Add(-time.Duration(i+1) * time.Millisecond),
			}
			sleep(40 * time.Millisecond)
		}
		r.cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: 3}, Source: robot.Source(99)}
		synctest.Wait()
		s := r.lim.Stats()
		if s.Latency.N != 20 || s.Latency.P50 != 10 || s.Latency.P95 != 19 || s.Latency.Max != 20 {
			t.Errorf("latency %+v, want n 20, p50 10, p95 19, max 20 ms", s.Latency)
		}
		if s.Rejected != 41 {
			t.Errorf("rejected %d, want 41 (20 unknown joints, 20 NaN, 1 unknown source)", s.Rejected)
		}
		r.mu.Lock()
		writes := len(r.writes)
		r.mu.Unlock()
		if s.JointCommands != int64(writes) || writes < 20 {
			t.Errorf("joint commands %d, OnWrite saw %d", s.JointCommands, writes)
		}
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLimiterOptsValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*robot.LimiterOpts)
	}{
		{"rate", func(o *robot.LimiterOpts) { o.Rate = 0 }},
		{"stale", func(o *robot.LimiterOpts) { o.Stale = 0 }},
		{"watchdog", func(o *robot.LimiterOpts) { o.Watchdog = o.Stale / 2 }},
		{"retries", func(o *robot.LimiterOpts) { o.Retries = -1 }},
		{"halt", func(o *robot.LimiterOpts) { o.HaltTimeout = 0 }},
	}
	if err := robot.DefaultOpts().Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		o := robot.DefaultOpts()
		tt.edit(&o)
		if err := o.Validate(); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	fast, _ := sessiontime.New(20)
	if got := (robot.LimiterOpts{Rate: 50, Clock: fast}).Period(); got != time.Millisecond {
		t.Errorf("period at speed 20 = %v, want 1ms", got)
	}
}

// TestLimiterSpeedInvariant runs the same command schedule (in body
// time) at real time and at 20x: the body must pass through exactly the
// same poses, which is what lets a scenario at --speed 20 stand for a
// real-time session.
func TestLimiterSpeedInvariant(t *testing.T) {
	schedule := []struct {
		at   time.Duration // body time
		src  robot.Source
		pose robot.Pose
	}{
		{0, robot.SourceMimicry, robot.Pose{robot.HeadPan: 20, robot.Jaw: 5}},
		{130 * time.Millisecond, robot.SourceSpeech, robot.Pose{robot.Jaw: 25}},
		{410 * time.Millisecond, robot.SourceMimicry, robot.Pose{robot.HeadPan: -40, robot.BrowInnerLeft: 20}},
		{1500 * time.Millisecond, robot.SourceGesture, robot.Pose{robot.ArmLeftShoulder: 0}},
	}
	run := func(speed float64) []robot.Pose {
		var poses []robot.Pose
		synctest.Test(t, func(t *testing.T) {
			p, _ := robot.LoadProfile("sim")
			o := robot.DefaultOpts()
			o.Clock, _ = sessiontime.New(speed)
			o.OnWrite = func(pose robot.Pose) { poses = append(poses, pose) }
			l, err := robot.NewLimiter(p.Specs(), sim.New(p), o)
			if err != nil {
				t.Fatal(err)
			}
			cmds := make(chan robot.Command)
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error)
			go func() { done <- l.Run(ctx, cmds) }()
			start := time.Now()
			wall := func(body time.Duration) time.Duration { return time.Duration(float64(body) / speed) }
			for _, c := range schedule {
				time.Sleep(wall(c.at) - time.Since(start))
				cmds <- robot.Command{Pose: c.pose, Source: c.src}
			}
			// End between two ticks: a stop at the instant of a tick may
			// or may not see that tick, at any speed.
			time.Sleep(wall(4*time.Second+10*time.Millisecond) - time.Since(start))
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
		return poses
	}
	slow, fast := run(1), run(20)
	if len(slow) < 100 || len(slow) != len(fast) {
		t.Fatalf("%d writes at real time, %d at 20x", len(slow), len(fast))
	}
	for i := range slow {
		for id, a := range slow[i] {
			if math.Abs(float64(a-fast[i][id])) > 1e-9 {
				t.Fatalf("write %d: %s at %v in real time, %v at 20x", i, id, a, fast[i][id])
			}
		}
	}
}

// flakyBus is an actuator whose bus can be pulled and plugged back: while
// down every write fails as a whole; it records the poses it took.
type flakyBus struct {
	mu     sync.Mutex
	down   bool
	tries  int // writes attempted while down
	writes []robot.Pose
	halts  int
}

func (b *flakyBus) Write(_ context.Context, p robot.Pose) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.down {
		b.tries++
		return errors.New("i2c: no ack")
	}
	b.writes = append(b.writes, maps(p))
	return nil
}

func (b *flakyBus) Halt() error { b.mu.Lock(); b.halts++; b.mu.Unlock(); return nil }

func (b *flakyBus) set(down bool) { b.mu.Lock(); b.down = down; b.tries = 0; b.mu.Unlock() }

func (b *flakyBus) snapshot() (tries int, writes []robot.Pose) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tries, append([]robot.Pose(nil), b.writes...)
}

// A body whose bus fails for good is lost, not the run, when OnBusLost is
// set: it is told once, retried every BusRetry (not hammered at the control
// rate), and when the bus answers again the safe pose is written whole
// first, OnBusBack says how long it was lost, and the joints move on to
// their targets within their limits. If the bus is still down at the end,
// Run's halt error says so.
func TestLimiterBusLostAndBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		comesUp bool
	}{{"comes back", true}, {"stays lost", false}} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				bus := &flakyBus{}
				var lost []error
				var back []time.Duration
				o := robot.DefaultOpts()
				o.OnBusLost = func(err error) { lost = append(lost, err) }
				o.OnBusBack = func(d time.Duration) { back = append(back, d) }
				jaw := robot.JointSpec{ID: robot.Jaw, Min: 0, Max: 30, MaxSpeed: 100, MaxAccel: 1000}
				l, err := robot.NewLimiter([]robot.JointSpec{jaw}, bus, o)
				if err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithCancel(t.Context())
				cmds := make(chan robot.Command)
				errc := make(chan error, 1)
				go func() { errc <- l.Run(ctx, cmds) }()
				send := func(a float64) {
					cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: robot.Degrees(a)}, Source: robot.SourceSpeech}
					synctest.Wait()
				}
				send(20)
				sleep(time.Second)
				bus.set(true)
				send(10)
				sleep(100 * time.Millisecond)
				if len(lost) != 1 {
					t.Fatalf("lost told %d times, want once", len(lost))
				}
				failed, _ := bus.snapshot() // the first write and its retries
				sleep(5 * time.Second)
				tries, _ := bus.snapshot()
				if tries -= failed; len(lost) != 1 || tries < 2 || tries > 3 {
					t.Fatalf("lost told %d times, %d writes tried in 5 s; want once, and a try each 2 s", len(lost), tries)
				}
				if tc.comesUp {
					_, before := bus.snapshot()
					bus.set(false)
					sleep(2 * time.Second)
					_, after := bus.snapshot()
					if len(back) != 1 || back[0] < 5*time.Second || back[0] > 8*time.Second {
						t.Fatalf("back %v, want once, after the 5 to 8 s it was lost", back)
					}
					if first := after[len(before)]; len(first) != 1 || first[robot.Jaw] != jaw.Safe {
						t.Errorf("first write after the loss %v, want the whole safe pose", first)
					}
					send(25)
					sleep(time.Second)
					_, moved := bus.snapshot()
					prev := 0.0
					for _, p := range moved[len(after):] {
						if step := math.Abs(float64(p[robot.Jaw]) - prev); step > 100*0.02+1e-6 {
							t.Errorf("jaw jumped %g° in one step: over its speed limit", step)
						}
						prev = float64(p[robot.Jaw])
					}
					if !near(prev, 25) {
						t.Errorf("jaw at %g after the body came back, want 25", prev)
					}
				}
				cancel()
				err = <-errc
				if tc.comesUp != (err == nil) {
					t.Errorf("Run = %v; want an error only when the body is still lost at the end", err)
				}
				if bus.halts != 1 {
					t.Errorf("%d halts, want 1", bus.halts)
				}
			})
		})
	}
}

// lossyBus is a flakyBus that also reports its link lost as a whole.
type lossyBus struct {
	flakyBus
	lost chan error
}

func (b *lossyBus) Lost() <-chan error { return b.lost }

// A lost body whose joints were all let go (the link reported lost) is not
// back when the bus answers: no joint was written, so nothing says it moves.
func TestLimiterBusNotBackWithEveryJointLetGo(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := &lossyBus{lost: make(chan error, 1)}
		lost, back := 0, 0
		o := robot.DefaultOpts()
		o.OnBusLost = func(error) { lost++ }
		o.OnBusBack = func(time.Duration) { back++ }
		l, err := robot.NewLimiter([]robot.JointSpec{{ID: robot.Jaw, Min: 0, Max: 30, MaxSpeed: 100, MaxAccel: 1000}}, bus, o)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		errc, cmds := make(chan error, 1), make(chan robot.Command)
		go func() { errc <- l.Run(ctx, cmds) }()
		synctest.Wait()
		bus.set(true)
		cmds <- robot.Command{Pose: robot.Pose{robot.Jaw: 20}, Source: robot.SourceSpeech}
		sleep(time.Second)
		bus.lost <- errors.New("firmata: link lost")
		synctest.Wait()
		bus.set(false)
		sleep(5 * time.Second)
		if lost != 1 || back != 0 {
			t.Errorf("lost %d, back %d; want lost once and not back", lost, back)
		}
		cancel()
		<-errc
	})
}
