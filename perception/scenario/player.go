package scenario

import (
	"context"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

// Sink receives what the player emits, in observation-time order. It is
// called from the goroutine running Play or Step and must not block for long.
type Sink interface {
	Face(perception.FaceObs)
	Voice(perception.VoiceObs)
	Posture(perception.PostureObs)
	Event(perception.Event)
}

// PlayOpts sets how a scenario is played.
type PlayOpts struct {
	Clock *sessiontime.Clock // the session clock that paces play; nil means real time
	Loop  bool               // start over after the last phase
	For   time.Duration      // stop once scenario time reaches this; 0 means until the end (or ctx)
}

// Player plays one scenario once (or looping). Play or Step must be called
// from one goroutine at a time; Comforted may be called from any goroutine.
type Player struct {
	s *Scenario

	mu       sync.Mutex
	comforts []time.Duration // scenario times the robot comforted, in order of arrival

	now        time.Duration // everything with At <= now has been emitted
	finished   bool
	passStart  time.Duration
	phase      int
	start      time.Duration // start of the current phase
	from       state         // state at the start of the current phase
	present    bool
	visible    bool
	track      int
	queue      []perception.Event
	keyword    string // attached to the next voice hop
	nf, nv, np int64  // index of the next face, voice and posture observation
	rng        *rand.Rand
}

// state is the continuous part of the person at one instant.
type state struct {
	expr      perception.Expression
	conf      float64
	au        perception.AUs
	pose      PoseSpec
	sway      SwaySpec
	distress  float64
	f0        float64
	intensity float64
	hnr       float64
	posture   PostureState
}

func targetOf(p *Phase) state {
	return state{
		expr: p.Face.Expression, conf: p.Face.Confidence, au: p.Face.AU.aus(), pose: p.Face.Pose,
		sway: p.Face.Sway, distress: p.Voice.Distress, f0: p.Voice.F0, intensity: p.Voice.Intensity,
		hnr: p.Voice.HNR, posture: p.Posture,
	}
}

// NewPlayer returns a player at scenario time zero. The person arrives at
// time zero (an EventArrived with Person set to the scenario's person id and
// Text to the display name).
func NewPlayer(s *Scenario) *Player {
	p := &Player{s: s, now: -1, rng: rand.New(rand.NewPCG(1, 2))} // fixed seed: the same run every time
	p.from = targetOf(&s.Phases[0])
	p.enterPhase(0, 0)
	p.track = 0 // the arrival below starts track 1
	p.queue = append([]perception.Event{{At: 0, Kind: perception.EventArrived, Person: s.Person.ID, Text: s.Person.Name}}, p.queue...)
	return p
}

// Answers are the scenario's recorded answers to the robot's questions.
func (p *Player) Answers() []Answer { return slices.Clone(p.s.Answers) }

// Comforted tells the player that the robot began comforting the person at
// scenario time at. A phase marked `until: comfort` ends its reaction time
// after the first comfort since the current pass began.
func (p *Player) Comforted(at time.Duration) {
	p.mu.Lock()
	p.comforts = append(p.comforts, at)
	p.mu.Unlock()
}

// Now is the scenario time up to which everything has been emitted.
func (p *Player) Now() time.Duration { return max(p.now, 0) }

// Finished reports whether a non-looping timeline has ended.
func (p *Player) Finished() bool { return p.finished }

// Step emits, in time order, every observation and event with At <= to that
// has not been emitted yet, and reports whether the timeline has ended
// (never when loop is true). Wall fields are set to time.Now().
func (p *Player) Step(to time.Duration, sink Sink, loop bool) (finished bool) {
	for !p.finished {
		tf, tv, tp := p.faceAt(p.nf), p.voiceAt(p.nv), p.postureAt(p.np)
		t := min(tf, tv, tp)
		end, ends := p.phaseEnd()
		if len(p.queue) > 0 && p.queue[0].At <= t && (!ends || p.queue[0].At <= end) {
			if p.queue[0].At > to {
				break
			}
			p.emitEvent(sink)
			continue
		}
		if ends && end <= t {
			if end > to {
				break
			}
			p.nextPhase(end, loop)
			continue
		}
		if t > to {
			break
		}
		switch t {
		case tf:
			p.emitFace(t, sink)
			p.nf++
		case tv:
			p.emitVoice(t, sink)
			p.nv++
		default:
			p.emitPosture(t, sink)
			p.np++
		}
		p.now = t
	}
	if to > p.now && !p.finished {
		p.now = to
	}
	return p.finished
}

// next returns the scenario time of the next thing to emit.
func (p *Player) next() time.Duration {
	t := min(p.faceAt(p.nf), p.voiceAt(p.nv), p.postureAt(p.np))
	if len(p.queue) > 0 {
		t = min(t, p.queue[0].At)
	}
	return t
}

// Play emits the timeline paced by the session clock. It
// returns nil when the timeline ends, when For is reached, or when ctx is
// cancelled (cancellation is the normal way to stop a looping scenario).
func (p *Player) Play(ctx context.Context, o PlayOpts, sink Sink) error {
	clock := sessiontime.Or(o.Clock)
	base := p.Now()
	began := time.Now()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for !p.finished {
		next := p.next()
		if o.For > 0 && next > o.For {
			p.Step(o.For, sink, o.Loop)
			return nil
		}
		wait := clock.Wall(next-base) - time.Since(began)
		if wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
				return nil
			case <-timer.C:
			}
		} else if ctx.Err() != nil {
			return nil
		}
		reached := base + clock.Since(began)
		if o.For > 0 {
			reached = min(reached, o.For)
		}
		p.Step(max(reached, next), sink, o.Loop)
	}
	return nil
}

func period(rate float64) float64 { return float64(time.Second) / rate }

func (p *Player) faceAt(i int64) time.Duration {
	return time.Duration(math.Round(float64(i) * period(p.s.FaceRate)))
}
func (p *Player) voiceAt(i int64) time.Duration { return time.Duration(i) * p.s.VoiceHop }
func (p *Player) postureAt(i int64) time.Duration {
	return time.Duration(math.Round(float64(i) * period(p.s.PostureRate)))
}

// phaseEnd returns when the current phase ends, or false while it waits for
// a comfort that has not come.
func (p *Player) phaseEnd() (time.Duration, bool) {
	ph := &p.s.Phases[p.phase]
	minEnd := p.start + ph.Duration
	if ph.Until != UntilComfort {
		return minEnd, true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	first, found := time.Duration(0), false
	for _, c := range p.comforts {
		if c >= p.passStart && (!found || c < first) {
			first, found = c, true
		}
	}
	if !found {
		return 0, false
	}
	return max(minEnd, first+ph.Reaction), true
}

func (p *Player) nextPhase(at time.Duration, loop bool) {
	p.from = p.stateAt(at)
	next := p.phase + 1
	if next == len(p.s.Phases) {
		if !loop {
			p.finished = true
			p.now = at
			return
		}
		next = 0
		p.passStart = at
	}
	p.enterPhase(next, at)
}

func (p *Player) enterPhase(i int, at time.Duration) {
	p.phase, p.start = i, at
	ph := &p.s.Phases[i]
	if !ph.Face.Absent && !p.visible {
		if at > 0 {
			p.push(perception.Event{At: at, Kind: perception.EventModalityBack, Modality: perception.ModFace})
		}
		p.visible = true
		p.track++
	} else if ph.Face.Absent && p.visible {
		p.push(perception.Event{At: at, Kind: perception.EventModalityLost, Modality: perception.ModFace, Text: "face turned away"})
		p.visible = false
	}
	if i == 0 && at > 0 && !p.present && !hasEvent(ph, "arrived") { // a new pass after the person left
		p.push(perception.Event{At: at, Kind: perception.EventArrived, Person: p.s.Person.ID, Text: p.s.Person.Name})
	}
	for _, e := range ph.Events {
		ev := perception.Event{At: at + e.At, Text: e.Text}
		switch e.Kind {
		case "keyword":
			ev.Kind = perception.EventKeyword
		case "touch":
			ev.Kind = perception.EventTouch
		case "left":
			ev.Kind, ev.Person = perception.EventLeft, p.s.Person.ID
		case "arrived":
			ev.Kind, ev.Person, ev.Text = perception.EventArrived, p.s.Person.ID, p.s.Person.Name
		}
		p.push(ev)
	}
}

func hasEvent(ph *Phase, kind string) bool {
	for _, e := range ph.Events {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

// push inserts an event keeping the queue in time order (stable for equal times).
func (p *Player) push(e perception.Event) {
	i := len(p.queue)
	for i > 0 && p.queue[i-1].At > e.At {
		i--
	}
	p.queue = append(p.queue, perception.Event{})
	copy(p.queue[i+1:], p.queue[i:])
	p.queue[i] = e
}

func (p *Player) emitEvent(sink Sink) {
	e := p.queue[0]
	p.queue = p.queue[1:]
	switch e.Kind {
	case perception.EventArrived:
		if !p.present {
			p.track++
		}
		p.present = true
	case perception.EventLeft:
		p.present = false
	case perception.EventKeyword:
		p.keyword = e.Text
	}
	p.now = max(p.now, e.At)
	sink.Event(e)
}

// stateAt interpolates from the phase's starting state towards its target.
func (p *Player) stateAt(t time.Duration) state {
	ph := &p.s.Phases[p.phase]
	to := targetOf(ph)
	f := 1.0
	if ph.Ramp > 0 {
		f = min(1, max(0, float64(t-p.start)/float64(ph.Ramp)))
	}
	a, b := p.from, to
	l := func(x, y float64) float64 { return x + (y-x)*f }
	s := state{
		expr: b.expr, conf: l(a.conf, b.conf),
		pose:      PoseSpec{l(a.pose.Yaw, b.pose.Yaw), l(a.pose.Pitch, b.pose.Pitch), l(a.pose.Roll, b.pose.Roll)},
		sway:      SwaySpec{l(a.sway.Yaw, b.sway.Yaw), l(a.sway.Pitch, b.sway.Pitch), l(a.sway.Roll, b.sway.Roll), b.sway.Period},
		distress:  l(a.distress, b.distress),
		f0:        l(a.f0, b.f0),
		intensity: l(a.intensity, b.intensity),
		hnr:       l(a.hnr, b.hnr),
		posture: PostureState{
			Amplitude: l(a.posture.Amplitude, b.posture.Amplitude), Speed: l(a.posture.Speed, b.posture.Speed),
			Jerk: l(a.posture.Jerk, b.posture.Jerk), Rocking: l(a.posture.Rocking, b.posture.Rocking),
			Restlessness: l(a.posture.Restlessness, b.posture.Restlessness),
			Guarding:     l(a.posture.Guarding, b.posture.Guarding), Breathing: l(a.posture.Breathing, b.posture.Breathing),
		},
	}
	if f < 0.5 {
		s.expr = a.expr
	}
	if s.sway.Period == 0 {
		s.sway.Period = a.sway.Period
	}
	au := func(x, y float64) float64 { return l(x, y) }
	s.au = perception.AUs{
		AU01: au(a.au.AU01, b.au.AU01), AU02: au(a.au.AU02, b.au.AU02), AU04: au(a.au.AU04, b.au.AU04),
		AU06: au(a.au.AU06, b.au.AU06), AU07: au(a.au.AU07, b.au.AU07), AU09: au(a.au.AU09, b.au.AU09),
		AU10: au(a.au.AU10, b.au.AU10), AU12: au(a.au.AU12, b.au.AU12), AU15: au(a.au.AU15, b.au.AU15),
		AU25: au(a.au.AU25, b.au.AU25), AU26: au(a.au.AU26, b.au.AU26), AU43: b.au.AU43,
	}
	if f < 0.5 {
		s.au.AU43 = a.au.AU43 // eyes are shut or open, never half
	}
	return s
}

// sounding reports whether the person is vocalising at t in the current phase.
func (p *Player) sounding(t time.Duration) bool {
	v := &p.s.Phases[p.phase].Voice
	if !p.present || v.Class == perception.VocalSilence {
		return false
	}
	if v.On == 0 {
		return true
	}
	return (t-p.start)%(v.On+v.Off) < v.On
}

func (p *Player) emitFace(t time.Duration, sink Sink) {
	if !p.present || p.s.Phases[p.phase].Face.Absent {
		return
	}
	s := p.stateAt(t)
	sec := t.Seconds()
	pose := perception.HeadPose{Yaw: perception.Degrees(s.pose.Yaw), Pitch: perception.Degrees(s.pose.Pitch),
		Roll: perception.Degrees(s.pose.Roll)}
	if s.sway.Period > 0 {
		w := math.Sin(2 * math.Pi * sec / s.sway.Period.Seconds())
		pose.Yaw += perception.Degrees(s.sway.Yaw * w)
		pose.Pitch += perception.Degrees(s.sway.Pitch * w)
		pose.Roll += perception.Degrees(s.sway.Roll * w)
	}
	if p.sounding(t) { // the mouth moves with the voice
		open := 0.5 + 0.5*math.Abs(math.Sin(2*math.Pi*3*sec))
		s.au.AU25 = max(s.au.AU25, 1.5)
		s.au.AU26 = max(s.au.AU26, 2*open)
	}
	if n := p.s.Noise; n > 0 {
		// Intensities of present AUs waver; absent ones stay absent, as a
		// detector's thresholded output does.
		jitter := func(v float64) float64 {
			if v == 0 {
				return 0
			}
			return min(5, max(0, v+n*p.rng.NormFloat64()))
		}
		a := &s.au
		a.AU01, a.AU02, a.AU04, a.AU06 = jitter(a.AU01), jitter(a.AU02), jitter(a.AU04), jitter(a.AU06)
		a.AU07, a.AU09, a.AU10, a.AU12 = jitter(a.AU07), jitter(a.AU09), jitter(a.AU10), jitter(a.AU12)
		a.AU15, a.AU25, a.AU26 = jitter(a.AU15), jitter(a.AU25), jitter(a.AU26)
		pose.Yaw += perception.Degrees(3 * n * p.rng.NormFloat64())
		pose.Pitch += perception.Degrees(3 * n * p.rng.NormFloat64())
		pose.Roll += perception.Degrees(3 * n * p.rng.NormFloat64())
	}
	cx := 320 + int(4*pose.Yaw.Degrees())
	cy := 200 - int(3*pose.Pitch.Degrees())
	obs := perception.FaceObs{
		At: t, Track: p.track, Box: image.Rect(cx-90, cy-90, cx+90, cy+90),
		Confidence: s.conf, Pose: pose, AU: s.au, PSPI: s.au.PSPI(), Expression: s.expr,
	}
	sink.Face(obs)
}

func (p *Player) emitVoice(t time.Duration, sink Sink) {
	v := &p.s.Phases[p.phase].Voice
	s := p.stateAt(t)
	obs := perception.VoiceObs{At: t, IntensityDB: v.NoiseFloor, Keyword: p.keyword,
		Vocalisation: perception.Vocalisation{Class: perception.VocalSilence}}
	p.keyword = ""
	if p.sounding(t) {
		sec := t.Seconds()
		obs.Voiced = v.Class != perception.VocalPant && v.Class != perception.VocalSigh
		if obs.Voiced {
			obs.F0 = s.f0 * (1 + 0.06*math.Sin(2*math.Pi*0.8*sec) + 0.01*math.Sin(2*math.Pi*5.3*sec))
			obs.HNR = s.hnr
		}
		obs.IntensityDB = s.intensity + 3*math.Sin(2*math.Pi*2.1*sec)
		obs.Vocalisation = perception.Vocalisation{Class: v.Class, Distress: s.distress}
	}
	obs.Wall = time.Now()
	sink.Voice(obs)
}

func (p *Player) emitPosture(t time.Duration, sink Sink) {
	if !p.present {
		return
	}
	s := p.stateAt(t).posture
	sink.Posture(perception.PostureObs{
		At: t, Amplitude: s.Amplitude, Speed: s.Speed, Jerk: s.Jerk, Rocking: s.Rocking,
		Restlessness: s.Restlessness, Guarding: s.Guarding, BreathingRate: s.Breathing, Wall: time.Now(),
	})
}
