package mimicry

import (
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// Pain evidence is smoothed on observation time: it rises within a few
// frames and fades over a second and a half, so one mislabelled frame in
// the middle of a pain episode does not flash a grimace back.
const (
	painAttack  = 250 * time.Millisecond
	painRelease = 1500 * time.Millisecond
	painOn      = 0.3 // smoothed evidence that turns the empathic transform on
	painOff     = 0.1 // ... and off again
	frameGuess  = 40 * time.Millisecond
	// maxFaceRate sizes the delay line: faces per second it can hold for
	// MaxDelay before it has to thin them out.
	maxFaceRate = 60
	// stillEps is the smallest change, in degrees, worth a new command.
	stillEps = 0.01
	// keepAlive re-sends an unchanged pose this often, inside the
	// limiter's claim staleness (300 ms) and well inside its watchdog, so
	// a held expression is not taken for a silent stage.
	keepAlive = 200 * time.Millisecond
)

// Mirror turns faces and intents into joint commands. Its methods are not
// safe for concurrent use: one goroutine owns a Mirror (Run does, for a
// live run); only Stats may be read from elsewhere.
type Mirror struct {
	opts     Opts
	body     body
	settings behavior.MirrorSettings

	intent       behavior.Intent
	intentNew    bool // the intent's Observed is not yet reported
	gestureStart time.Duration
	still        bool
	restSent     bool

	// Input side, on observation time.
	line      delayLine
	lastIn    time.Duration
	hasIn     bool
	follow    int // the track being mirrored
	followAt  time.Duration
	following bool

	// The face currently mirrored (the newest one whose delay has passed).
	cur       sample
	hasCur    bool
	curNew    bool
	curPain   float64
	eyes      eyeBaseline
	open      [2]float64
	pain      float64 // smoothed pain evidence, 0..1
	painMode  bool
	painAt    time.Duration
	hasPainAt bool
	heads     headGestures
	answerAt  time.Duration
	answering bool

	// Output side, on session time.
	idle       idle
	smooth     targets
	now        time.Duration
	stepped    bool
	last       [nSlots]robot.Angle
	lastSource robot.Source
	lastEmit   time.Duration
	emitted    bool

	stats counters
}

// Stats counts what a Mirror saw and did.
type Stats struct {
	Faces      int64 // faces accepted into the delay line
	Invalid    int64 // faces dropped for non-finite values
	Stale      int64 // faces older than one already accepted
	OtherFaces int64 // faces of another person while one is followed
	Overflow   int64 // times a full delay line was thinned to half its frame rate
	Ignored    int64 // faces dropped while the intent is still (opted out, paused)
	Nods       int64 // nods detected
	Shakes     int64 // head shakes detected
	Commands   int64 // commands emitted
	Clamped    int64 // intents whose mirror settings were out of range and clamped
}

type counters struct {
	faces, invalid, stale, other, overflow, ignored, nods, shakes, commands, clamped atomic.Int64
}

// New returns a Mirror for a body. Joints mimicry does not drive are
// ignored; a body with none it drives gives ErrNoJoints.
func New(joints []robot.JointSpec, o Opts) (*Mirror, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	b, err := newBody(joints)
	if err != nil {
		return nil, err
	}
	sanitized, clamped := o.sanitize(o.Settings)
	if clamped {
		return nil, fmt.Errorf("mimicry: opts: settings %+v out of range (gain and concern 0..1, delay 0..%v)",
			o.Settings, o.MaxDelay)
	}
	capacity := int(o.MaxDelay.Seconds()*maxFaceRate) + 8
	m := &Mirror{
		opts:     o,
		body:     b,
		settings: sanitized,
		line:     newDelayLine(capacity),
		idle:     newIdle(o.Seed),
	}
	return m, nil
}

// Stats returns the counters so far; safe to call while Run runs.
func (m *Mirror) Stats() Stats {
	c := &m.stats
	return Stats{
		Faces: c.faces.Load(), Invalid: c.invalid.Load(), Stale: c.stale.Load(),
		OtherFaces: c.other.Load(), Overflow: c.overflow.Load(), Ignored: c.ignored.Load(),
		Nods: c.nods.Load(), Shakes: c.shakes.Load(), Commands: c.commands.Load(), Clamped: c.clamped.Load(),
	}
}

// Joints returns the joints this Mirror drives, in a fixed order.
func (m *Mirror) Joints() []robot.JointID {
	ids := make([]robot.JointID, len(m.body.present))
	for i, s := range m.body.present {
		ids[i] = slotJoint[s]
	}
	return ids
}

// Face takes one face observation. Faces must come in observation order;
// an older one is dropped, and so is a second person's face while the
// followed person is in view. It never blocks and never allocates.
func (m *Mirror) Face(obs perception.FaceObs) {
	if m.still {
		m.stats.ignored.Add(1)
		return
	}
	if m.following && obs.Track != m.follow && obs.At-m.followAt <= m.opts.FaceTimeout {
		m.stats.other.Add(1)
		return
	}
	if m.hasIn && obs.At <= m.lastIn {
		m.stats.stale.Add(1)
		return
	}
	if m.opts.WallOf != nil {
		obs.Wall = m.opts.WallOf(obs)
	}
	s, ok := newSample(obs)
	if !ok {
		m.stats.invalid.Add(1)
		return
	}
	m.follow, m.followAt, m.following = obs.Track, obs.At, true
	m.lastIn, m.hasIn = obs.At, true
	if m.line.push(s) {
		m.stats.overflow.Add(1)
	}
	m.stats.faces.Add(1)
}

// SetIntent applies what behaviour asks: the mirror settings it carries
// (out-of-range values are clamped), the gesture for its kind, and
// IntentStill, which stops all motion and drops buffered faces until
// another intent comes. Settings alone, between intents, change through
// SetMirror (behavior's MirrorChange, on Run's settings channel).
func (m *Mirror) SetIntent(in behavior.Intent) {
	m.SetMirror(in.Mirror)
	if in.Kind == behavior.IntentStill {
		if !m.still {
			m.still, m.restSent = true, false
			m.forgetFaces()
			m.smooth = targets{}
			m.answering = false
		}
		m.intent = in
		return
	}
	if m.still {
		m.still = false
		m.idle.started = false // a fresh schedule from the next step
	}
	g, ok := gestureFor(in.Kind)
	_, running := g.weight(in.At-m.gestureStart, toneStretch(in.Tone))
	if !ok || in.Kind != m.intent.Kind || !running {
		m.gestureStart = in.At
	}
	m.intent, m.intentNew = in, true
}

// SetMirror changes the mirror settings (clamped to the options' limits)
// and nothing else: how the supervisor's changes reach mimicry between
// intents.
func (m *Mirror) SetMirror(set behavior.MirrorSettings) {
	var clamped bool
	m.settings, clamped = m.opts.sanitize(set)
	if clamped {
		m.stats.clamped.Add(1)
	}
}

func (m *Mirror) forgetFaces() {
	m.line.clear()
	m.hasIn, m.following, m.hasCur, m.curNew = false, false, false, false
	m.pain, m.painMode, m.hasPainAt = 0, false, false
	m.heads.reset()
}

// Step advances the mirror to session time at and returns the command to
// send, or false when there is nothing new: still and already at rest, or
// nothing moved since a command less than 200 ms old. Time never runs
// backwards: an earlier at counts as the last one.
func (m *Mirror) Step(at time.Duration) (robot.Command, bool) {
	return m.StepInto(at, make(robot.Pose, len(m.body.present)))
}

// StepInto is Step writing the pose into dst (cleared first), so a caller
// that owns its poses steps without allocating. The returned command's
// Pose is dst.
func (m *Mirror) StepInto(at time.Duration, dst robot.Pose) (robot.Command, bool) {
	if dst == nil {
		dst = make(robot.Pose, len(m.body.present))
	}
	clear(dst)
	if m.stepped && at < m.now {
		at = m.now
	}
	dt := at - m.now
	if !m.stepped {
		dt = 0
	}
	m.now, m.stepped = at, true

	if m.still {
		return m.rest(dst)
	}
	if !m.idle.started {
		m.idle.restart(at)
	}
	set := m.settings
	due := at - set.Delay
	for {
		s, ok := m.line.popDue(due)
		if !ok {
			break
		}
		m.take(&s)
	}
	fresh := m.hasCur && due-m.cur.at <= m.opts.FaceTimeout
	if !fresh {
		m.pain *= math.Exp(-dt.Seconds() / painRelease.Seconds())
		m.updatePainMode()
	}

	mirroring := set.Enabled && fresh
	var tgt targets
	if mirroring {
		painful := m.painMode || m.curPain > 0
		tgt = mirrorFace(&m.cur, m.open, set.Gain, painful)
		if painful {
			// Follow where the person is, not how pain bends them: the
			// concern tilt replaces their roll, a lowered head is halved.
			tgt[sHeadRoll] = 0
			tgt[sHeadTilt] *= 0.5
		}
	}
	var concernLevel float64
	if set.Enabled {
		concernLevel = max(m.pain, concernFor(m.intent.Kind))
		c := set.Concern * concernLevel
		for s := range nSlots {
			tgt[s] += c * concernFace[s]
		}
	}
	if m.opts.Idle {
		pan, tilt := m.idle.gaze(at)
		if !mirroring {
			tgt[sHeadPan] += pan
			tgt[sHeadTilt] += tilt
		}
	}
	m.smoothTowards(&tgt, dt, concernLevel)

	out := m.smooth
	m.addLiveliness(&out, at, mirroring)
	gesture := m.addGestures(&out, at)

	cmd := robot.Command{Pose: dst, Source: robot.SourceIdle}
	switch {
	case gesture:
		cmd.Source = robot.SourceGesture
	case mirroring || (set.Enabled && concernLevel > 0):
		cmd.Source = robot.SourceMimicry
	}
	// Observed goes on the first command a new observation (or intent)
	// causes, so a held face does not count as ever-growing latency.
	if mirroring {
		cmd.Delay = set.Delay
	}
	switch {
	case m.curNew && mirroring:
		cmd.Observed = m.cur.wall
	case m.intentNew:
		cmd.Observed = m.intent.Observed
	}
	return m.emit(cmd, &out)
}

// take makes a face whose delay has passed the one mirrored, updating
// everything that follows the face on observation time.
func (m *Mirror) take(s *sample) {
	if m.hasCur && (s.track != m.cur.track || s.at-m.cur.at > m.opts.FaceTimeout) {
		m.heads.reset()
	}
	m.curPain = painEvidence(s, m.opts.PainPSPI)
	dt := frameGuess
	if m.hasPainAt {
		dt = s.at - m.painAt
	}
	tau := painRelease
	if m.curPain > m.pain {
		tau = painAttack
	}
	m.pain += (1 - math.Exp(-dt.Seconds()/tau.Seconds())) * (m.curPain - m.pain)
	m.painAt, m.hasPainAt = s.at, true
	m.updatePainMode()
	if s.hasEAR {
		m.open = m.eyes.openness(s)
	}
	switch m.heads.observe(s.at, s.track, s.pose.Pitch, s.pose.Yaw) {
	case gestureNod:
		m.stats.nods.Add(1)
		m.answer(s)
	case gestureShake:
		m.stats.shakes.Add(1)
		m.answer(s)
	}
	m.cur, m.hasCur, m.curNew = *s, true, true
}

func (m *Mirror) updatePainMode() {
	switch {
	case m.pain >= painOn:
		m.painMode = true
	case m.pain < painOff:
		m.painMode = false
	}
}

// answer starts a small nod back, on the delayed timeline like the rest of
// the mirroring.
func (m *Mirror) answer(s *sample) {
	if !m.settings.Enabled {
		return
	}
	m.answerAt, m.answering = s.at+m.settings.Delay, true
}

// smoothTowards moves the smoothed targets towards tgt with a first-order
// low-pass on session time; concern slows it down, and lids follow faster
// so a mirrored blink stays a blink.
func (m *Mirror) smoothTowards(tgt *targets, dt time.Duration, concern float64) {
	tau := m.opts.Smoothing.Seconds() * (1 + (m.opts.ConcernSlowdown-1)*concern) *
		toneStretch(m.intent.Tone)
	alpha, lidAlpha := 1.0, 1.0
	if tau > 0 {
		alpha = 1 - math.Exp(-dt.Seconds()/tau)
		lidAlpha = 1 - math.Exp(-4*dt.Seconds()/tau)
	}
	for s := range nSlots {
		a := alpha
		if s == sLidL || s == sLidR {
			a = lidAlpha
		}
		m.smooth[s] += a * (tgt[s] - m.smooth[s])
	}
}

// addLiveliness adds the robot's own blinks and breathing. While the
// person's own blinks are mirrored, the robot's are left out.
func (m *Mirror) addLiveliness(out *targets, at time.Duration, mirroring bool) {
	guided := m.intent.Kind == behavior.IntentBreathingGuide
	if !m.opts.Idle && !guided {
		return
	}
	if m.opts.Idle {
		b := m.idle.blink(at)
		ownBlinks := mirroring && m.cur.hasEAR && !m.painMode && m.curPain == 0
		if !ownBlinks {
			out[sLidL] += b * (-1 - out[sLidL])
			out[sLidR] += b * (-1 - out[sLidR])
		}
	}
	period, tilt, shoulder := breathPeriod, breathTilt, breathShoulder
	if guided {
		period, tilt, shoulder = guidedBreath, guidedBreathTilt, guidedBreathShldr
	}
	b := breath(at, period)
	out[sHeadTilt] += tilt * b
	out[sArmLShoulder] += shoulder * b
	out[sArmRShoulder] += shoulder * b
}

// addGestures adds the answer nod and the intent's arm gesture; it reports
// whether either is under way.
func (m *Mirror) addGestures(out *targets, at time.Duration) bool {
	active := false
	if m.answering {
		if off, ok := nodOffset(at, m.answerAt); ok {
			out[sHeadTilt] += off
			active = true
		} else if at >= m.answerAt {
			m.answering = false
		}
	}
	if g, ok := gestureFor(m.intent.Kind); ok && m.body.arms {
		if w, ok := g.weight(at-m.gestureStart, toneStretch(m.intent.Tone)); ok {
			out[sArmLShoulder] += w * g.shoulder
			out[sArmRShoulder] += w * g.shoulder
			out[sArmLElbow] += w * g.elbow
			out[sArmRElbow] += w * g.elbow
			active = true
		}
	}
	return active
}

// emit turns slot values into the pose, skipping a command that would
// change nothing unless the last one is getting old.
func (m *Mirror) emit(cmd robot.Command, out *targets) (robot.Command, bool) {
	var angles [nSlots]robot.Angle
	changed := !m.emitted || cmd.Source != m.lastSource || !cmd.Observed.IsZero() ||
		m.now-m.lastEmit >= keepAlive
	for _, s := range m.body.present {
		a := m.body.angle(s, out[s])
		angles[s] = a
		if math.Abs((a - m.last[s]).Degrees()) >= stillEps {
			changed = true
		}
	}
	if !changed {
		return robot.Command{}, false
	}
	for _, s := range m.body.present {
		cmd.Pose[slotJoint[s]] = angles[s]
	}
	m.last, m.lastSource, m.lastEmit, m.emitted = angles, cmd.Source, m.now, true
	m.curNew, m.intentNew = false, false
	m.stats.commands.Add(1)
	return cmd, true
}

// rest sends the body to its neutral pose once when the intent is still,
// under the source of the last command so no fresher claim of ours holds
// a joint where it was.
func (m *Mirror) rest(dst robot.Pose) (robot.Command, bool) {
	if m.restSent {
		return robot.Command{}, false
	}
	var out targets
	m.restSent = true
	m.emitted = false
	cmd, ok := m.emit(robot.Command{Pose: dst, Source: m.lastSource, Observed: m.intent.Observed}, &out)
	return cmd, ok
}

// String describes the mirror for logs.
func (m *Mirror) String() string {
	return fmt.Sprintf("mimicry.Mirror(%d joints, enabled=%v gain=%.2f delay=%v concern=%.2f)",
		len(m.body.present), m.settings.Enabled, m.settings.Gain, m.settings.Delay, m.settings.Concern)
}
