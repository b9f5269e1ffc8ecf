package mimicry

import (
	"context"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
)

// Run is the live stage: it owns the Mirror, takes faces (latest-value:
// the producer drops stale ones), intents and, between intents, changes of
// the mirror settings, and writes commands to out, which it closes when it
// returns.
//
// Logic stays on session time. The session clock's ticker fires every
// Opts.Tick of session time and advances it by as much, so idle motion and
// delayed faces fall due as in real time at any --speed; a face or intent
// stamped later than the session clock moves the clock forward to it, so
// observation time wins over the ticker. Without a delay a face is
// answered at once rather than at the next tick.
//
// The clock runs from Run's start, observation time from the media's first
// frame, which can reach Run much later (models loading, a camera
// opening). The first face therefore sets a base, the session time it
// arrived at less its own time, that is added to every observation time
// from then on (intents and settings too: the companion's clock follows
// the faces), so a face's delay runs from its own arrival. Without it each
// face fell due early by that gap, its command looked to the limiter as
// if sent before its observation (latency clamped to 0), and with a gap
// over Delay plus FaceTimeout no face was ever mirrored.
//
// Run returns nil when ctx is done or when faces and intents are both
// closed (a nil channel counts as never closing; settings may be nil). Sending blocks until the limiter takes
// the command or ctx is done: commands are never dropped, because the last
// one may be the rest pose.
func (m *Mirror) Run(ctx context.Context, faces <-chan perception.FaceObs,
	intents <-chan behavior.Intent, settings <-chan behavior.MirrorChange, out chan<- robot.Command) error {
	defer close(out)
	sc := sessiontime.Or(m.opts.Clock)
	ticker := sc.NewTicker(m.opts.Tick)
	defer ticker.Stop()

	clock := sessionClock{scale: sc, wall: time.Now(), session: m.now, anchor: m.now}
	var base time.Duration // see above; set by the first face
	faceSeen := false
	step := func() error {
		cmd, ok := m.Step(clock.session)
		if !ok {
			return nil
		}
		select {
		case out <- cmd:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	facesClosed, intentsClosed := false, false
	for {
		var err error
		select {
		case <-ctx.Done():
			return nil
		case f, ok := <-faces:
			if !ok {
				faces, facesClosed = nil, true
				break
			}
			now := time.Now()
			if !faceSeen {
				faceSeen = true
				clock.tick(now)
				base = max(0, clock.session-f.At)
			}
			f.At += base
			m.Face(f)
			clock.observe(f.At, now)
			if m.settings.Delay == 0 {
				err = step()
			}
		case in, ok := <-intents:
			if !ok {
				intents, intentsClosed = nil, true
				break
			}
			in.At += base
			m.SetIntent(in)
			clock.observe(in.At, time.Now())
			err = step()
		case ch, ok := <-settings:
			if !ok {
				settings = nil
				break
			}
			m.SetMirror(ch.Settings)
			clock.observe(ch.At+base, time.Now())
			err = step()
		case now := <-ticker.C:
			clock.tick(now)
			err = step()
		}
		if err != nil || (facesClosed && intentsClosed) {
			return nil // ctx ended while sending, or upstream is done
		}
	}
}

// sessionClock maps wall time to session time at a speed, anchored at the
// last observation so session time never runs behind what was observed.
type sessionClock struct {
	scale   *sessiontime.Clock
	wall    time.Time
	session time.Duration
	anchor  time.Duration
}

// tick advances the clock to wall instant now.
func (c *sessionClock) tick(now time.Time) {
	t := c.anchor + c.scale.Session(now.Sub(c.wall))
	c.session = max(c.session, t)
}

// observe moves the clock forward to an observation's time when it is
// ahead, re-anchoring the wall mapping there.
func (c *sessionClock) observe(at time.Duration, now time.Time) {
	c.tick(now)
	if at > c.session {
		c.session = at
	}
	c.anchor, c.wall = c.session, now
}
