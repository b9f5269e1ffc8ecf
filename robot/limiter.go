package robot

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/sessiontime"
)

// LimiterOpts configures a Limiter. Durations are body time, which is the
// session clock's time: at --speed 20 a Watchdog of 1 s trips after 50 ms
// on the wall clock, so a scenario run faster than real time moves the
// body exactly as a real-time run would.
type LimiterOpts struct {
	// Rate is the control rate in steps per second of body time.
	Rate Frequency
	// Clock is the session clock; nil is real time. The tick period on the
	// wall clock is its wall time for 1/Rate (20 ms / speed at 50 Hz).
	Clock *sessiontime.Clock
	// Watchdog: with no command for this long every joint returns to its
	// safe angle.
	Watchdog time.Duration
	// Stale: a source's claim on a joint lapses this long after its last
	// refresh, so a lower-priority source takes the joint back.
	Stale time.Duration
	// Retries is how many consecutive failed writes a joint gets before it
	// goes limp.
	Retries int
	// HaltTimeout bounds the slow, limited return to the safe pose on Halt
	// or shutdown; after it the safe pose is written as is.
	HaltTimeout time.Duration
	// OnWrite, when set, is called from the limiter's goroutine after every
	// successful write with a copy of the whole body's pose (all live
	// joints, not only those that moved). It must not block.
	OnWrite func(Pose)
	// OnFault, when set, is called from the limiter's goroutine when a
	// joint goes limp.
	OnFault func(JointID, error)
	// OnRevive, when set, is called from the limiter's goroutine once per
	// recovery of a Reviver actuator, with the joints that came back.
	OnRevive func([]JointID)
	// OnBusLost, when set, keeps Run going when the actuator fails as a
	// whole more than Retries times in a row (a pulled cable, a board that
	// browned out): it is called once with the error, the body is lost, and
	// every BusRetry of body time the safe pose is written again, whole,
	// through the same path as every other write. The first retry the
	// actuator takes calls OnBusBack with how long (body time) the body was
	// lost, and the joints go on from the safe pose to their targets within
	// their limits. Where the body is after a loss is unknown, so it is
	// taken to be where Run also starts it: at rest in the safe pose.
	// Without OnBusLost, Run returns the error. Both are called from Run's
	// goroutine and must not block.
	OnBusLost func(error)
	OnBusBack func(lostFor time.Duration)
	// BusRetry is how often a lost body is tried again, in body time.
	BusRetry time.Duration
	// WriteTimeout is how long, on the wall clock, a call of the actuator
	// (Write, Release, Halt) may take before the bus is taken to hang. A
	// hung write loses the body as a failed one does, at once, without
	// retries: with OnBusLost the body is lost and tried again every
	// BusRetry, and the hung write returning, or a later try taken, brings
	// it back; without, Run ends with the error. The call is left to
	// return on its own, and until it does no other is made. Wall time,
	// not body time: a hang is the bus's, whatever the session's speed.
	WriteTimeout time.Duration
}

// DefaultOpts returns the options of a real-time 50 Hz limiter.
func DefaultOpts() LimiterOpts {
	return LimiterOpts{
		Rate:        50,
		Watchdog:    2 * time.Second,
		Stale:       300 * time.Millisecond,
		Retries:     3,
		HaltTimeout: 5 * time.Second,
		BusRetry:    2 * time.Second,
		// A frame of every joint takes a few milliseconds on I²C or a
		// serial link (16 PCA9685 channels at 100 kHz: about 8 ms; Firmata
		// at 57,600 baud: about 10 ms with the servo configs of a reopened
		// link), and the Firmata board's Halt holds the last pulses for
		// 100 ms: a second is a hundred times the slowest of them, and at
		// 50 Hz, 50 steps the body did not take.
		WriteTimeout: time.Second,
	}
}

// Validate reports the first option out of range.
func (o LimiterOpts) Validate() error {
	switch {
	case !(o.Rate >= 1 && o.Rate <= 1000):
		return fmt.Errorf("robot: limiter: rate %g Hz out of range 1..1000", o.Rate.Hertz())
	case o.Stale <= 0:
		return fmt.Errorf("robot: limiter: stale %v must be positive", o.Stale)
	case o.Watchdog < o.Stale:
		return fmt.Errorf("robot: limiter: watchdog %v must not be shorter than stale %v", o.Watchdog, o.Stale)
	case o.Retries < 0:
		return fmt.Errorf("robot: limiter: retries %d must not be negative", o.Retries)
	case o.HaltTimeout <= 0:
		return fmt.Errorf("robot: limiter: halt timeout %v must be positive", o.HaltTimeout)
	case o.OnBusLost != nil && o.BusRetry <= 0:
		return fmt.Errorf("robot: limiter: bus retry %v must be positive", o.BusRetry)
	case o.WriteTimeout <= 0:
		return fmt.Errorf("robot: limiter: write timeout %v must be positive", o.WriteTimeout)
	}
	return nil
}

// Period is the tick period on the wall clock.
func (o LimiterOpts) Period() time.Duration {
	return sessiontime.Or(o.Clock).Wall(o.Rate.Interval())
}

// LatencyMS summarises observation-to-joint-command latency in
// milliseconds, as the run summary reports it.
type LatencyMS struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
	N   int     `json:"-"` // samples ever recorded (the window keeps the latest 4096)
}

// LimiterStats are the limiter's counters.
type LimiterStats struct {
	// JointCommands counts actuator writes that moved at least one joint.
	JointCommands int64
	Latency       LatencyMS
	// Rejected counts pose entries dropped on arrival: unknown joints,
	// NaN or infinite angles, unknown sources.
	Rejected      int64
	WatchdogTrips int64
	Limp          []JointID // joints that failed, were let go and are not back
	// Revived counts joints brought back after they were let go (a
	// Reviver actuator recovered).
	Revived int64
}

const numSources = int(SourceSupervisor) + 1

// substeps per control period. Motion is integrated on a fixed grid of
// period/substeps so that the braking law is exact whatever the timing of
// writes (commands trigger early steps at any moment).
const substeps = 4

type claim struct {
	angle float64
	at    time.Duration // body time of the last refresh
	ok    bool
}

// Limiter is the only way to the actuator. It clamps every target to the
// joint's range, arbitrates between sources, and moves each joint towards
// its target no faster and with no more acceleration than its spec
// allows, one step per control tick. See Run and Halt.
type Limiter struct {
	specs  []JointSpec
	index  map[JointID]int
	act    Actuator
	bus    busLine // the only caller of act
	o      LimiterOpts
	clock  *sessiontime.Clock            // body time
	period time.Duration                 // wall
	dt     float64                       // body seconds per regular step
	h      float64                       // body seconds per integration substep (dt/4)
	trace  func(i int, pos, vel float64) // tests: every substep of every joint

	// Owned by the Run goroutine.
	start     time.Time
	pos, vel  []float64
	target    []float64
	written   []float64 // last value the actuator accepted; NaN: never
	failures  []int
	claims    [][numSources]claim
	out       Pose
	phase     float64 // body seconds not yet integrated (< h)
	lastCmd   time.Duration
	tripped   bool
	busFails  int
	pending   [64]time.Time
	npending  int
	anyCmdYet bool
	// busLost is when (wall) the body was lost, zero while it answers
	// (OnBusLost); retry ticks while it is lost.
	busLost time.Time
	retry   *time.Ticker

	mu       sync.Mutex // guards what Stats and Halt read
	stats    LimiterStats
	lat      latencyWindow
	limp     []bool
	running  bool
	finished bool
	haltReq  chan struct{}
	haltOnce sync.Once
	done     chan struct{}
	haltErr  error
}

// NewLimiter checks the joint specs and options and returns a limiter for
// the body. The body is assumed to rest at its safe pose; Run writes it
// first.
func NewLimiter(joints []JointSpec, act Actuator, o LimiterOpts) (*Limiter, error) {
	if act == nil {
		return nil, errors.New("robot: limiter: nil actuator")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	if len(joints) == 0 {
		return nil, errors.New("robot: limiter: no joints")
	}
	n := len(joints)
	l := &Limiter{
		specs:    append([]JointSpec(nil), joints...),
		index:    make(map[JointID]int, n),
		act:      act,
		bus:      busLine{act: act, timeout: o.WriteTimeout},
		o:        o,
		clock:    sessiontime.Or(o.Clock),
		period:   o.Period(),
		dt:       1 / o.Rate.Hertz(),
		h:        1 / o.Rate.Hertz() / substeps,
		pos:      make([]float64, n),
		vel:      make([]float64, n),
		target:   make([]float64, n),
		written:  make([]float64, n),
		failures: make([]int, n),
		claims:   make([][numSources]claim, n),
		out:      make(Pose, n),
		limp:     make([]bool, n),
		haltReq:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	for i, s := range joints {
		if err := checkSpec(s); err != nil {
			return nil, fmt.Errorf("robot: limiter: joint %s: %w", s.ID, err)
		}
		if _, dup := l.index[s.ID]; dup {
			return nil, fmt.Errorf("robot: limiter: joint %s declared twice", s.ID)
		}
		l.index[s.ID] = i
		l.pos[i] = s.Safe.Degrees()
		l.target[i] = s.Safe.Degrees()
		l.written[i] = math.NaN()
	}
	return l, nil
}

func checkSpec(s JointSpec) error {
	mn, mx := s.Min.Degrees(), s.Max.Degrees()
	switch {
	case s.ID == "":
		return errors.New("empty id")
	case !finite(mn) || !finite(mx) || mn >= mx:
		return fmt.Errorf("range [%v, %v] is empty or not finite", s.Min, s.Max)
	case !(s.Safe.Degrees() >= mn && s.Safe.Degrees() <= mx):
		return fmt.Errorf("safe %v outside range", s.Safe)
	case !(s.Neutral.Degrees() >= mn && s.Neutral.Degrees() <= mx):
		return fmt.Errorf("neutral %v outside range", s.Neutral)
	case !(s.MaxSpeed > 0) || math.IsInf(s.MaxSpeed.DegreesPerSecond(), 0):
		return fmt.Errorf("max speed %g must be positive and finite", s.MaxSpeed)
	case !(s.MaxAccel > 0) || math.IsInf(s.MaxAccel.DegreesPerSecondSquared(), 0):
		return fmt.Errorf("max accel %g must be positive and finite", s.MaxAccel)
	}
	return nil
}

// Joints returns the specs the limiter enforces.
func (l *Limiter) Joints() []JointSpec { return append([]JointSpec(nil), l.specs...) }

// Run drives the body until ctx is done, Halt is called or cmds is
// closed; then it brings the body back to its safe pose, calls the
// actuator's Halt and returns. Each command is applied at once, with one
// limited step written straight away, so observation-to-joint latency is
// processing time; between commands it steps at the control rate. Run
// returns an error only when the actuator keeps failing as a whole (not
// joint by joint) or hangs, or, once stopped, when the body could not be
// halted in its safe pose; it may be called once. A bus that hangs never
// holds Run up for longer than WriteTimeout at a time.
func (l *Limiter) Run(ctx context.Context, cmds <-chan Command) (err error) {
	l.mu.Lock()
	if l.running || l.finished {
		l.mu.Unlock()
		return errors.New("robot: limiter: Run called twice or after Halt")
	}
	l.running = true
	l.mu.Unlock()
	l.start = time.Now()
	defer func() {
		herr := l.finish(ctx)
		if err == nil {
			err = herr
		}
	}()

	// Make the hardware match the model before anything moves.
	if err := l.lose(l.writeAll(ctx)); err != nil {
		return err
	}
	defer l.stopRetry()
	ticker := time.NewTicker(l.period)
	defer ticker.Stop()
	var revived <-chan []JointID // nil: never ready
	if r, ok := l.act.(Reviver); ok {
		revived = r.Revived()
	}
	var lost <-chan error // nil: never ready
	if r, ok := l.act.(LossReporter); ok {
		lost = r.Lost()
	}
	last := l.start
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-l.haltReq:
			return nil
		case err := <-lost:
			// The link went while the body rested: no write failed to say
			// so, so each joint still driven is let go here, one fault each.
			for i := range l.specs {
				if !l.limp[i] {
					l.goLimp(i, err)
				}
			}
		case ids := <-revived:
			l.revive(ids)
			now := time.Now()
			if err := l.lose(l.step(ctx, now, l.bodyDT(now.Sub(last)), false)); err != nil {
				return err
			}
			last = now
		case cmd, ok := <-cmds:
			if !ok {
				return nil
			}
			// A tick due at this same instant goes first, so the
			// outcome does not depend on which of the two select picked.
			select {
			case tnow := <-ticker.C:
				if err := l.lose(l.step(ctx, tnow, l.bodyDT(tnow.Sub(last)), false)); err != nil {
					return err
				}
				last = tnow
			default:
			}
			now := time.Now()
			l.apply(cmd, l.bodyTime(now))
			if err := l.lose(l.step(ctx, now, l.bodyDT(now.Sub(last)), true)); err != nil {
				return err
			}
			last = now
		case now := <-ticker.C:
			if err := l.lose(l.step(ctx, now, l.bodyDT(now.Sub(last)), false)); err != nil {
				return err
			}
			last = now
		case now := <-l.retryC():
			l.retryBus(ctx, now)
			last = now
		case <-l.bus.late():
			// The call that hung has returned, whatever it says: the
			// body is tried at once, as at a retry, and answers or not.
			l.bus.returned()
			if !l.busLost.IsZero() {
				now := time.Now()
				l.retryBus(ctx, now)
				last = now
			}
		}
	}
}

// lose takes a whole-bus failure from a step: with OnBusLost the body is
// lost and retried (retryBus), and Run goes on; without it, Run ends.
func (l *Limiter) lose(err error) error {
	if err == nil || l.o.OnBusLost == nil {
		return err
	}
	l.busLost = time.Now()
	l.npending = 0 // no command of these reaches the body: no latency to book
	l.retry = time.NewTicker(l.clock.Wall(l.o.BusRetry))
	l.o.OnBusLost(err)
	return nil
}

// retryC ticks while the body is lost; nil (never ready) while it answers.
func (l *Limiter) retryC() <-chan time.Time {
	if l.retry == nil {
		return nil
	}
	return l.retry.C
}

func (l *Limiter) stopRetry() {
	if l.retry != nil {
		l.retry.Stop()
		l.retry = nil
	}
}

// retryBus writes the safe pose, whole, to a lost body. Commands that came
// meanwhile hold their claims, so once it is back the joints move on from
// there within their limits. While a write that hung has not returned,
// nothing is tried: another call would only queue behind it.
func (l *Limiter) retryBus(ctx context.Context, now time.Time) {
	if l.bus.out {
		return
	}
	if !slices.Contains(l.limp, false) {
		return // every joint was let go (LossReporter): no write can say the body is back
	}
	for i, s := range l.specs {
		l.pos[i], l.vel[i], l.written[i] = s.Safe.Degrees(), 0, math.NaN()
	}
	l.phase, l.busFails, l.npending = 0, 0, 0
	if err := l.flush(ctx, true); err != nil || l.busFails > 0 {
		return // still lost: flush counted this try
	}
	lostFor := l.clock.Session(now.Sub(l.busLost))
	l.busLost = time.Time{}
	l.stopRetry()
	if l.o.OnBusBack != nil {
		l.o.OnBusBack(lostFor)
	}
}

// bodyTime is the body time elapsed since Run started.
func (l *Limiter) bodyTime(now time.Time) time.Duration {
	return l.clock.Session(now.Sub(l.start))
}

// bodyDT converts a wall-clock gap into a step length in body seconds,
// never longer than one regular step: a late tick moves the body less,
// never faster.
func (l *Limiter) bodyDT(wall time.Duration) float64 {
	dt := l.clock.Session(wall).Seconds()
	if dt > l.dt {
		dt = l.dt
	}
	if dt < 0 {
		dt = 0
	}
	return dt
}

// apply records a command's claims. Entries the body cannot honour are
// counted and dropped; a command never moves anything by itself.
func (l *Limiter) apply(cmd Command, now time.Duration) {
	rejected := 0
	if cmd.Source < 0 || int(cmd.Source) >= numSources {
		rejected = len(cmd.Pose)
	} else {
		for id, a := range cmd.Pose {
			i, ok := l.index[id]
			x := a.Degrees()
			if !ok || !finite(x) {
				rejected++
				continue
			}
			s := l.specs[i]
			x = math.Max(s.Min.Degrees(), math.Min(s.Max.Degrees(), x))
			l.claims[i][cmd.Source] = claim{angle: x, at: now, ok: true}
		}
		l.lastCmd = now
		l.anyCmdYet = true
		if l.tripped {
			l.tripped = false
		}
	}
	if !cmd.Observed.IsZero() {
		if l.npending == len(l.pending) {
			l.npending-- // keep the newest; the oldest are already late
			copy(l.pending[:], l.pending[1:])
		}
		l.pending[l.npending] = cmd.Observed
		l.npending++
	}
	if rejected > 0 {
		l.mu.Lock()
		l.stats.Rejected += int64(rejected)
		l.mu.Unlock()
	}
}

// arbitrate picks each joint's target: the freshest claim of the highest
// source, else the last target; after the watchdog, the safe angle.
func (l *Limiter) arbitrate(now time.Duration) {
	if now-l.lastCmd > l.o.Watchdog && !l.tripped {
		l.tripped = true
		if l.anyCmdYet {
			l.mu.Lock()
			l.stats.WatchdogTrips++
			l.mu.Unlock()
		}
		for i := range l.claims {
			l.claims[i] = [numSources]claim{}
			l.target[i] = l.specs[i].Safe.Degrees()
		}
		return
	}
	for i := range l.claims {
		for s := numSources - 1; s >= 0; s-- {
			c := l.claims[i][s]
			if c.ok && now-c.at <= l.o.Stale {
				l.target[i] = c.angle
				break
			}
		}
	}
}

// step advances every live joint by dt body seconds and writes the joints
// that moved. A step for a new command (early) that falls short of a whole
// substep borrows one from the next tick, so the command moves the body at
// once; the body then runs at most one substep (period/4) ahead of the
// clock, and a burst of commands borrows only once.
func (l *Limiter) step(ctx context.Context, wall time.Time, dt float64, early bool) error {
	if !l.busLost.IsZero() {
		return nil // the body is lost: only retryBus writes to it
	}
	l.arbitrate(l.bodyTime(wall))
	if early && l.phase >= 0 && l.phase+dt < l.h {
		debt := l.h - (l.phase + dt)
		l.advance(l.h - l.phase) // exactly one substep
		l.phase = -debt
	} else {
		l.advance(dt)
	}
	return l.flush(ctx, false)
}

// advance integrates dt body seconds of motion in whole substeps, carrying
// the remainder (or the debt of an early step) to the next call.
func (l *Limiter) advance(dt float64) {
	l.phase += dt
	k := int(math.Floor(l.phase/l.h + 1e-9))
	if k <= 0 {
		return
	}
	l.phase -= float64(k) * l.h
	for range k {
		for i, s := range l.specs {
			if l.limp[i] {
				continue
			}
			l.pos[i], l.vel[i] = limitStep(l.pos[i], l.vel[i], l.target[i], s, l.h)
			if l.trace != nil {
				l.trace(i, l.pos[i], l.vel[i])
			}
		}
	}
}

// flush writes the joints whose position differs from what the actuator
// last accepted (all live joints when all is set) and handles failures.
// A write that hangs, or one not made because an earlier call hangs, is
// the whole bus failing at once: retrying it would only queue behind it.
func (l *Limiter) flush(ctx context.Context, all bool) error {
	if l.bus.out {
		return l.bus.do(busCall{}) // not made: says since when the bus hangs
	}
	clear(l.out)
	for i, s := range l.specs {
		if l.limp[i] {
			continue
		}
		if all || !(math.Abs(l.pos[i]-l.written[i]) < 1e-9) {
			l.out[s.ID] = Degrees(l.pos[i])
		}
	}
	var werr error
	if len(l.out) > 0 {
		werr = l.bus.do(busCall{ctx: ctx, pose: l.out})
	}
	if l.bus.out {
		// Hung: l.out stays the write's until it returns, as no flush
		// touches it before then (above).
		l.npending = 0
		return werr
	}
	if werr == nil {
		return l.accepted(time.Now())
	}
	failed := map[int]error(nil)
	isJoint := jointErrors(werr, func(je *JointError) {
		if i, ok := l.index[je.ID]; ok {
			if failed == nil {
				failed = map[int]error{}
			}
			failed[i] = je
		}
	})
	if !isJoint {
		l.busFails++
		if l.busFails > l.o.Retries {
			return fmt.Errorf("robot: limiter: write failed %d times: %w", l.busFails, werr)
		}
		return nil // retried on the next step: written is unchanged
	}
	for i, e := range failed {
		delete(l.out, l.specs[i].ID)
		l.failures[i]++
		if l.failures[i] > l.o.Retries {
			l.goLimp(i, e)
		}
	}
	return l.accepted(time.Now())
}

// accepted books a successful write of l.out.
func (l *Limiter) accepted(now time.Time) error {
	l.busFails = 0
	moved := len(l.out) > 0
	for id := range l.out {
		i := l.index[id]
		l.written[i] = l.pos[i]
		l.failures[i] = 0
	}
	l.mu.Lock()
	if moved {
		l.stats.JointCommands++
	}
	for k := 0; k < l.npending; k++ {
		l.lat.add(now.Sub(l.pending[k]))
	}
	l.mu.Unlock()
	l.npending = 0
	if moved && l.o.OnWrite != nil {
		p := make(Pose, len(l.specs))
		for i, s := range l.specs {
			if !l.limp[i] {
				p[s.ID] = Degrees(l.pos[i])
			}
		}
		l.o.OnWrite(p)
	}
	return nil
}

func (l *Limiter) goLimp(i int, err error) {
	id := l.specs[i].ID
	l.mu.Lock()
	l.limp[i] = true
	l.stats.Limp = append(l.stats.Limp, id)
	l.mu.Unlock()
	l.vel[i] = 0
	if _, ok := l.act.(Releaser); ok {
		if rerr := l.bus.do(busCall{release: id}); rerr != nil {
			err = errors.Join(err, fmt.Errorf("release: %w", rerr))
		}
	}
	if l.o.OnFault != nil {
		l.o.OnFault(id, err)
	}
}

// revive takes back joints the actuator can drive again. A joint that was
// let go restarts from its safe angle at rest, as the body does when Run
// starts (where a limp servo sagged to is unknown), so it returns to its
// target only under its speed and acceleration limits; a joint still live
// is written again where it is. Either way the next flush writes it.
func (l *Limiter) revive(ids []JointID) {
	var back []JointID
	l.mu.Lock()
	for _, id := range ids {
		i, ok := l.index[id]
		if !ok || slices.Contains(back, id) {
			continue
		}
		if l.limp[i] {
			l.limp[i] = false
			l.pos[i], l.vel[i] = l.specs[i].Safe.Degrees(), 0
			l.stats.Limp = slices.DeleteFunc(l.stats.Limp, func(x JointID) bool { return x == id })
			l.stats.Revived++
		}
		l.written[i] = math.NaN()
		l.failures[i] = 0
		back = append(back, id)
	}
	l.mu.Unlock()
	if len(back) > 0 && l.o.OnRevive != nil {
		l.o.OnRevive(back)
	}
}

// writeAll writes every live joint where the model has it, retrying a
// whole-bus failure as the steps would.
func (l *Limiter) writeAll(ctx context.Context) error {
	for {
		err := l.flush(ctx, true)
		if err != nil || l.busFails == 0 {
			return err
		}
	}
}

// finish brings the body to its safe pose with limited steps, jumps there
// if that takes longer than HaltTimeout, and halts the actuator. A write
// that hung gets one more WriteTimeout to return; if it does not, nothing
// more is written, the actuator's Halt is left to follow it, and finish
// returns the hang: a hung bus never holds up the end of a run.
func (l *Limiter) finish(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	for i, s := range l.specs {
		l.target[i] = s.Safe.Degrees()
		l.claims[i] = [numSources]claim{}
	}
	var err error
	deadline := l.o.HaltTimeout.Seconds()
	hung := l.bus.out
	lost := !l.busLost.IsZero() || hung
	if lost {
		// A lost body gets one more try at its safe pose, whole: one
		// failure is the end, with the error.
		l.busFails = l.o.Retries
		l.bus.wait(l.o.WriteTimeout)
	}
	t := time.NewTicker(l.period)
	for elapsed := 0.0; !lost && elapsed < deadline && !l.atSafe(); elapsed += l.dt {
		<-t.C
		l.advance(l.dt)
		if err = l.flush(ctx, false); err != nil {
			break
		}
	}
	t.Stop()
	if lost || !l.atSafe() || err != nil {
		err = l.jumpToSafe(ctx, err)
	}
	err = errors.Join(err, l.bus.halt())
	if err != nil {
		err = fmt.Errorf("robot: limiter: halt: %w", err)
	}
	l.mu.Lock()
	l.running, l.finished = false, true
	l.haltErr = err
	l.mu.Unlock()
	l.haltOnce.Do(func() { close(l.haltReq) })
	close(l.done)
	return err
}

// jumpToSafe writes the safe pose, whole, as is, and returns the error
// of that write; behind a hung write it writes nothing and returns prev,
// if any, else the hang.
func (l *Limiter) jumpToSafe(ctx context.Context, prev error) error {
	for i, s := range l.specs {
		l.pos[i], l.vel[i] = s.Safe.Degrees(), 0
	}
	if l.bus.out && prev != nil {
		return prev
	}
	return l.flush(ctx, true)
}

func (l *Limiter) atSafe() bool {
	for i, s := range l.specs {
		if !l.limp[i] && (math.Abs(l.pos[i]-s.Safe.Degrees()) > 1e-9 || l.vel[i] != 0 || math.Abs(l.written[i]-l.pos[i]) > 1e-9) {
			return false
		}
	}
	return true
}

// Halt stops the body: it asks Run to bring every joint back to its safe
// pose and halt the actuator, and waits for that. Without a running Run
// it writes the safe pose and halts the actuator itself. Halt is
// idempotent: later calls wait for the first and return its result. It
// must not be called from OnWrite or OnFault, which run on Run's goroutine.
func (l *Limiter) Halt() error {
	l.haltOnce.Do(func() { close(l.haltReq) })
	l.mu.Lock()
	if !l.running && !l.finished {
		l.finished = true
		l.mu.Unlock()
		err := l.jumpToSafe(context.Background(), nil)
		err = errors.Join(err, l.bus.halt())
		if err != nil {
			err = fmt.Errorf("robot: limiter: halt: %w", err)
		}
		l.mu.Lock()
		l.haltErr = err
		l.mu.Unlock()
		close(l.done)
		return err
	}
	l.mu.Unlock()
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.haltErr
}

// Stats returns a snapshot of the counters; safe to call at any time.
func (l *Limiter) Stats() LimiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats
	s.Limp = append([]JointID(nil), l.stats.Limp...)
	s.Latency = l.lat.summary()
	return s
}

// limitStep moves one joint for one substep of dt seconds towards target,
// within its speed and acceleration limits and its range. The speed it
// aims for is the highest from which it can still brake to a stop at the
// target in whole substeps, so it never overshoots a target, and as
// targets are clamped to the range it never reaches past the range.
func limitStep(pos, vel, target float64, s JointSpec, dt float64) (float64, float64) {
	vmax, amax := s.MaxSpeed.DegreesPerSecond(), s.MaxAccel.DegreesPerSecondSquared()
	e := target - pos
	d := math.Abs(e)
	var want float64
	switch {
	case d <= amax*dt*dt:
		want = e / dt // close enough to land on the target this step
	default:
		// Braking from n·a·dt in steps of a·dt covers a·dt²·n(n+1)/2; a
		// fractional n can cover up to a·dt²/8 more, so leave that margin.
		dd := d - amax*dt*dt/8
		n := (-1 + math.Sqrt(1+8*dd/(amax*dt*dt))) / 2
		want = math.Copysign(n*amax*dt, e)
	}
	dv := amax * dt
	v := math.Max(vel-dv, math.Min(vel+dv, want))
	v = math.Max(-vmax, math.Min(vmax, v))
	p := pos + v*dt
	mn, mx := s.Min.Degrees(), s.Max.Degrees()
	if p > mx || p < mn {
		p = math.Max(mn, math.Min(mx, p))
		v = (p - pos) / dt
	}
	return p, v
}
