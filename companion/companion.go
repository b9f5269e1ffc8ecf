package companion

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/internal/refusals"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
	"github.com/kindred-hri/kindred/voices"
)

// The stages the companion runs, as it uses them. The real ones are
// fusion.Fuser, behavior.Engine, mimicry.Mirror, voices.Speaker and
// robot.Limiter; tests hand in recording fakes.
type (
	// Fuser turns observations into pain assessments.
	Fuser interface {
		Run(ctx context.Context, in fusion.Inputs, out chan<- perception.PainAssessment) error
	}
	// Engine decides what the robot does.
	Engine interface {
		Run(ctx context.Context, in <-chan behavior.Input, out chan<- behavior.Output) error
	}
	// Mirror turns faces, intents and the supervisor's changes of its
	// settings into face and head commands; it closes out when it returns.
	Mirror interface {
		Run(ctx context.Context, faces <-chan perception.FaceObs, intents <-chan behavior.Intent,
			settings <-chan behavior.MirrorChange, out chan<- robot.Command) error
	}
	// Speaker says what the engine decides, moving the mouth; it closes
	// mouth and spoken when it returns.
	Speaker interface {
		Run(ctx context.Context, intents <-chan behavior.Intent, mouth chan<- robot.Command, spoken chan<- voices.Spoken) error
		Hear(perception.VoiceObs)
	}
	// Actuator is the limiter's input, the one way to the body. Run returns
	// the body to its safe pose when it ends; Halt makes sure of it and is
	// idempotent.
	Actuator interface {
		Run(ctx context.Context, cmds <-chan robot.Command) error
		Halt() error
	}
	// RecordSink takes every record of the session; it must not block.
	RecordSink interface {
		Record(r journal.Record)
	}
)

// Parts are what a companion is built from: the session clock and the
// stages, built by the caller (cmd/kindred opens the devices behind them).
type Parts struct {
	Clock    *sessiontime.Clock
	Fuser    Fuser
	Engine   Engine
	Mirror   Mirror
	Speaker  Speaker
	Actuator Actuator
	Records  RecordSink
	// Log takes the run's one-line notices (alerts, faults, refusals).
	Log io.Writer
	// Condition is the researcher's mirror condition, shown until the
	// supervisor changes it.
	Condition behavior.MirrorSettings
	// Identities names the faces a live camera tracks (nil: nobody is
	// named); FaceBaselines are the residents' calibrated faces, by id.
	Identities    *Identities
	FaceBaselines map[string]*face.Baseline
	// Answers hears spoken answers to the robot's questions (nil: none are
	// heard by voice; a question then lapses unanswered).
	Answers AnswerRecogniser
	// SenseStall is how long a live camera or microphone may deliver
	// nothing before it is lost (0: DefaultSenseStall; else within
	// MinSenseStall and MaxSenseStall).
	SenseStall time.Duration
}

// Companion wires the stages of one run, in the one-way order of the
// architecture: sources → fusion → behaviour → mimicry and voices → limiter
// → body, with every record going to the journal, console and fleet.
//
// Each stage is a goroutine that owns its state; the companion only moves
// typed values between them. Sources feed it through the perception sink
// methods (Face, Voice, Posture, Event), which never block on a live
// device's continuous streams: a slow stage sees the newest value and the
// drop is counted. What a scenario or a file plays, fusion takes whole and
// in order instead, the source waiting for it (timeline.go).
type Companion struct {
	clock   *sessionClock
	limiter Actuator
	fuser   Fuser
	engine  Engine
	mirror  Mirror
	speaker Speaker
	records RecordSink
	// forgotten is records' filter of the people deleted while the run
	// goes on (Forget).
	forgotten *forgettingSink
	log       io.Writer

	// Continuous streams with latest-value semantics, one mailbox per consumer.
	fusionFaces    *perception.Latest[perception.FaceObs]
	mimicFaces     *perception.Latest[perception.FaceObs]
	fusionVoices   *perception.Latest[perception.VoiceObs]
	fusionPostures *perception.Latest[perception.PostureObs]
	// played carries to fusion, in observation-time order and without
	// dropping, the modalities a scenario or a file plays (timeline.go);
	// faceLane, voiceLane and postureLane are their sources' lanes, nil for
	// a modality that comes from a live device (or not at all). Set before
	// Run, read-only after.
	played                           *timeline
	faceLane, voiceLane, postureLane *lane
	// Discrete events are never dropped.
	fusionEvents chan perception.Event
	behIn        chan behavior.Input
	// late counts the inputs that came as the run stopped and could not be
	// queued for the engine, until the engine has stopped (see lateInput).
	late lateInputs
	// fusionReports carries the ratings the person gave to fusion.
	fusionReports chan perception.SelfReport
	// rejected coalesces the observations fusion rejects as invalid (NaN
	// numbers, a rating outside 0–10) into fault records, component
	// "fusion": "rejected n observation(s) (latest: …)", as the doors'
	// refusals are; flushed once the stages have ended.
	rejected *refusals.Coalescer
	// dropped coalesces, stage by stage (mimicry, voice), the decisions
	// dropped for a stage that stopped taking them (handOff) into fault
	// records, component "behaviour", the latest naming the stage: one
	// coalescer per stage, so that a count is the stage's its latest
	// names, not one stuck stage's drops told under another's name that
	// lagged for a moment; flushed once the stages have ended.
	dropped map[string]*refusals.Coalescer
	// answers listens for the answers to the engine's questions.
	answers *answerDesk
	// lastReport is the person's latest answered rating, for the console.
	lastReport atomic.Pointer[journal.SelfReport]

	// sensorsOn is false while the person has opted out: observations are
	// discarded at the door and devices are closed by their owners.
	sensorsOn atomic.Bool
	// distressedAt is the observation time of the last distressed voice
	// hop, plus 1 ns (0: none yet).
	distressedAt atomic.Int64
	// onSensors lets live sources close and reopen their devices.
	onSensors []func(on bool)
	// onComfort tells the scenario player that comfort began, so its
	// virtual person can respond.
	onComfort []func(at time.Duration)

	// ids names the faces a live camera tracks; faceBaselines are the
	// residents' calibrated faces (others' are learnt per face).
	ids           *Identities
	faceBaselines map[string]*face.Baseline
	// senseStall is Parts.SenseStall (senses.go).
	senseStall time.Duration

	stats runStats
	state atomic.Value // behavior.State, for the console's status
	last  atomic.Pointer[journal.Assessment]
	// chosen is the researcher's mirror condition with the supervisor's
	// changes, for the console's sliders.
	chosen atomic.Pointer[behavior.MirrorSettings]
	// group runs the stages; ctx ends when the run does or a stage fails.
	// Both are set by Bind before anything (console, fleet, sensors) can
	// call into the companion.
	group  *errgroup.Group
	ctx    context.Context
	cancel context.CancelFunc
	// services run beside the stages; finishers run once the stages have
	// ended, before the services stop (see Run).
	services  []func(ctx context.Context) error
	finishers []func(ctx context.Context) error
	// flushers report what the doors have not yet, before the finishers.
	flushers []func()
	// unusable are the people whose calibration was found unusable, said
	// once each (residents.go).
	unusable unusableCalibrations
	// body carries the limiter's word on the body to the engine (body.go).
	body *bodyNews
	// carried is the alerts the last run left standing, the engine's first
	// input (Carry), or nil.
	carried behavior.Input
	// early holds the faults noted before Run, until the sinks are complete.
	early struct {
		mu      sync.Mutex
		running bool
		faults  []journal.Fault
	}
}

// Bind ties the companion to the run's context. Call it once, before the
// services that send commands or events start.
func (c *Companion) Bind(ctx context.Context) {
	ctx, c.cancel = context.WithCancel(ctx)
	c.group, c.ctx = errgroup.WithContext(ctx)
}

// runStats are the counts behind the run summary. The router goroutine
// writes most of them; the mutex makes the summary safe to read at the end.
type runStats struct {
	mu          sync.Mutex
	visited     []string
	seen        map[string]bool
	transitions int
	utterances  int
	alerts      int
	faults      int
	maxPain     float64
	session     *behavior.Session
}

// New builds a companion from its parts; every stage is required.
func New(p Parts) (*Companion, error) {
	switch {
	case p.Clock == nil:
		return nil, errors.New("companion: no session clock")
	case p.Fuser == nil, p.Engine == nil, p.Mirror == nil, p.Speaker == nil, p.Actuator == nil:
		return nil, errors.New("companion: a stage is missing (fuser, engine, mirror, speaker and actuator are all needed)")
	case p.Records == nil:
		return nil, errors.New("companion: no record sink")
	case p.SenseStall != 0 && (p.SenseStall < MinSenseStall || p.SenseStall > MaxSenseStall):
		return nil, fmt.Errorf("companion: sense stall %v is out of range [%v, %v]", p.SenseStall, MinSenseStall, MaxSenseStall)
	}
	log := p.Log
	if log == nil {
		log = io.Discard
	}
	c := &Companion{
		clock: newSessionClock(p.Clock), limiter: p.Actuator, fuser: p.Fuser, engine: p.Engine,
		mirror: p.Mirror, speaker: p.Speaker, forgotten: &forgettingSink{next: p.Records}, log: log,
		ids: p.Identities, faceBaselines: p.FaceBaselines, senseStall: cmp.Or(p.SenseStall, DefaultSenseStall),
		fusionFaces:    perception.NewLatest[perception.FaceObs](),
		mimicFaces:     perception.NewLatest[perception.FaceObs](),
		fusionVoices:   perception.NewLatest[perception.VoiceObs](),
		fusionPostures: perception.NewLatest[perception.PostureObs](),
		fusionEvents:   make(chan perception.Event, 64),
		behIn:          make(chan behavior.Input, 64),
		fusionReports:  make(chan perception.SelfReport, 8),
	}
	c.records = c.forgotten
	c.body = newBodyNews()
	c.answers = newAnswerDesk(c, p.Answers)
	c.rejected = refusals.New(0, c.coalesced("fusion", "rejected", "observation(s)"))
	c.dropped = map[string]*refusals.Coalescer{}
	for _, stage := range []string{stageMimicry, stageVoice} {
		c.dropped[stage] = refusals.New(0, c.coalesced("behaviour", "dropped", "decision(s) a stage did not take"))
	}
	c.sensorsOn.Store(true)
	c.stats.seen = map[string]bool{}
	c.state.Store(behavior.State(""))
	chosen := p.Condition
	c.chosen.Store(&chosen)
	return c, nil
}

// Face takes one face observation from a source.
func (c *Companion) Face(o perception.FaceObs) {
	if !c.sensorsOn.Load() {
		return
	}
	if o.Wall.IsZero() {
		o.Wall = time.Now() // it enters the pipeline here
	}
	c.clock.observe(o.At)
	if c.faceLane != nil {
		c.faceLane.put(c.ctx, observation{at: o.At, face: &o})
	} else {
		c.fusionFaces.Put(o)
	}
	c.mimicFaces.Put(o)
	c.answers.see(o)
}

// Voice takes one voice hop from a source.
func (c *Companion) Voice(o perception.VoiceObs) {
	if !c.sensorsOn.Load() {
		return
	}
	if o.Wall.IsZero() {
		o.Wall = time.Now()
	}
	c.clock.observe(o.At)
	if v := o.Vocalisation; v.Distress >= 0.5 || v.Class == perception.VocalMoan || v.Class == perception.VocalCry || v.Class == perception.VocalScream {
		c.distressedAt.Store(int64(o.At) + 1)
	}
	if c.voiceLane != nil {
		c.voiceLane.put(c.ctx, observation{at: o.At, voice: &o})
	} else {
		c.fusionVoices.Put(o)
	}
	c.speaker.Hear(o)
}

// distressMemory is how long after a distressed voice hop a face is not
// learnt as calm.
const distressMemory = 3 * time.Second

// VoiceDistressed reports whether the voice sounded distressed within
// distressMemory of observation time at: the face pipeline then learns
// nothing of the face as calm (face.Opts.Distressed).
func (c *Companion) VoiceDistressed(at time.Duration) bool {
	d := c.distressedAt.Load()
	if d == 0 {
		return false
	}
	last := time.Duration(d - 1)
	return at-last < distressMemory && last-at < distressMemory
}

// Posture takes movement qualities from a source.
func (c *Companion) Posture(o perception.PostureObs) {
	if !c.sensorsOn.Load() {
		return
	}
	c.clock.observe(o.At)
	if c.postureLane != nil {
		c.postureLane.put(c.ctx, observation{at: o.At, posture: &o})
	} else {
		c.fusionPostures.Put(o)
	}
}

// Event takes a discrete perception event; it waits for room rather than
// drop it, because a lost "stop" is not acceptable.
func (c *Companion) Event(e perception.Event) { c.event(e, nil) }

// event takes a perception event; from a played source (on, not nil) it
// reaches fusion through the source's lane, in order with its
// observations, so that the person an assessment names does not depend on
// whether fusion took the arrival or the first face first.
func (c *Companion) event(e perception.Event, on *lane) {
	if !c.sensorsOn.Load() && e.Kind != perception.EventTouch {
		// With sensors closed only a touch can reach the robot.
		return
	}
	c.clock.observe(e.At)
	events := []perception.Event{e}
	if c.ids != nil {
		events = c.ids.resolveAll(e)
	}
	for _, e := range events {
		if on != nil {
			on.put(c.ctx, observation{at: e.At, event: &e})
		} else {
			c.send(c.fusionEvents, e)
		}
		c.sendInput(behavior.EventInput(e))
	}
}

func (c *Companion) send(ch chan perception.Event, e perception.Event) {
	select {
	case ch <- e:
	case <-c.ctx.Done():
	}
}

func (c *Companion) sendInput(in behavior.Input) {
	select {
	case c.behIn <- in:
	case <-c.ctx.Done():
		c.lateInput(in)
	}
}

// lateInputs are the inputs that came as the run stopped. The engine, once
// its context is done, still handles what is queued for it within its
// grace (behavior.StopGrace) but waits for nothing more; mu orders the
// queueing of a late input against the engine's end (stopped), so every
// input is either queued before the companion counts the queue's leftovers
// or counted here.
type lateInputs struct {
	mu      sync.Mutex
	stopped bool // the engine has returned and its leftovers were counted
	lost    int  // not queued: the queue was full
}

// lateInput offers an input that came as the run stopped to the engine's
// queue without waiting, for the engine to handle while it stops. One that
// finds the queue full is counted, and reported with the engine's
// leftovers; one that comes after the engine has returned is reported at
// once. Never silently: a "help" heard as the run ends is a carer's
// business. Ticks only advance time and are let go.
func (c *Companion) lateInput(in behavior.Input) {
	if _, tick := in.(*behavior.Tick); tick {
		return
	}
	l := &c.late
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		select {
		case c.behIn <- in:
		default:
			l.lost++
		}
		return
	}
	c.noteFault("behaviour", errors.New("1 input not handled: it came after the engine stopped"))
}

// engineStopped settles the inputs of a run that has stopped, once the
// engine has returned with err: the queued inputs it left (loss, and any
// queued since), and the late ones that found the queue full, are one
// fault record and one line, counted one fault each; alerts it could not
// hand over are another.
func (c *Companion) engineStopped(loss *behavior.StopLoss) {
	l := &c.late
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
	n := l.lost + behavior.CountQueued(c.behIn)
	alerts := 0
	if loss != nil {
		n += loss.Inputs
		alerts = loss.Alerts
	}
	if n > 0 {
		c.noteFaults("behaviour", n, fmt.Errorf("%d input(s) not handled: they came as the run stopped, and the engine, which takes what is queued within %v, had finished",
			n, behavior.StopGrace))
	}
	if alerts > 0 {
		c.noteFaults("behaviour", alerts, fmt.Errorf("%d alert(s) not handed on: the run stopped and they were not taken within %v",
			alerts, behavior.StopGrace))
	}
}

// Control passes a supervision command (console or fleet), parsed once at
// the door (journal.ParseControl), to the engine, marked with the route it
// came by.
func (c *Companion) Control(cmd behavior.Command, from behavior.Source) error {
	cmd.Source = from
	if cmd.Cmd == behavior.CmdIdentify {
		return c.identify(cmd)
	}
	c.sendInput(behavior.CommandInput(cmd))
	return nil
}

// faceBaselineFor is the calibrated face of the resident a camera track is
// taken to be; nil (learn one) for anyone else, so a visitor is never
// scored against a resident's face.
func (c *Companion) faceBaselineFor(track int) *face.Baseline {
	if len(c.faceBaselines) == 0 || c.ids == nil {
		return nil
	}
	return c.faceBaselines[c.ids.personOf(track)]
}

// Presence is who is shown as present (nil: nobody in view), and the
// residents a carer can name.
func (c *Companion) Presence() (*Presence, []Presence) {
	if c.ids == nil {
		return nil, nil
	}
	rs := c.ids.residentList()
	p, ok := c.ids.present()
	if !ok {
		return nil, rs
	}
	return &p, rs
}

// identify carries out a carer's "this is …": the Identities rename the
// face in view, the correction is recorded with its route, and an arrival
// under the new id moves fusion (profile, person on assessments) and the
// engine (the name it speaks) to them from now on.
func (c *Companion) identify(cmd behavior.Command) error {
	if c.ids == nil {
		return errors.New("identify: this run does not name faces")
	}
	ev, inView, err := c.ids.identify(cmd.Person)
	if err != nil {
		return err
	}
	at := c.clock.Now()
	person := ev.Person
	if !inView {
		person = cmd.Person // nobody in view: the next face will be them
	}
	c.records.Record(journal.Identification{At: at, Person: person, Source: string(cmd.Source)})
	if inView {
		ev.At = at
		c.send(c.fusionEvents, ev)
		c.sendInput(behavior.EventInput(ev))
	}
	return nil
}

// Forget makes the run know person id no more: they were just deleted
// (from the console, or by another process, which the journal's writer
// finds). Whoever is taken to be them, in view or not, goes on as an
// unknown face under a fresh pseudonym, with the evidence seen so far and
// the episode under way (a deletion must not stop care); fusion scores
// them against the population, the engine speaks no name to them and
// raises, repeats and resolves its alerts about the pseudonym; and nobody
// is assumed to be them until a carer names someone. It returns the names
// they were known by. Call it only while the run runs.
func (c *Companion) Forget(id string) (names []string) {
	if id == "" || c.ctx == nil {
		return nil
	}
	as := pseudonym()
	if c.ids != nil {
		as, names = c.ids.forget(id)
	}
	c.forgotten.forget(append([]string{id}, names...))
	if a := c.last.Load(); a != nil && a.Person == id {
		r := *a
		r.Person = as
		c.last.CompareAndSwap(a, &r) // a newer assessment names them no more
	}
	ev := perception.Event{At: c.clock.Now(), Kind: perception.EventForgotten, Person: id, Text: as}
	c.send(c.fusionEvents, ev)
	c.sendInput(behavior.EventInput(ev))
	return names
}

// forgettingSink is the run's record sink with the people deleted while
// it runs taken out of every record (journal.Forget): an assessment fusion
// made, an alert the engine raised or a line the voice was saying as the
// deletion came is recorded, and shown, after it, naming nobody. It keeps
// their ID and names in memory for the rest of the run, never on disk.
type forgettingSink struct {
	next RecordSink
	mu   sync.RWMutex
	who  []string
}

func (f *forgettingSink) Record(r journal.Record) {
	f.mu.RLock()
	who := f.who
	f.mu.RUnlock()
	if len(who) > 0 {
		r = journal.Forget(r, who...)
	}
	f.next.Record(r)
}

func (f *forgettingSink) forget(who []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, w := range who {
		if w != "" && !slices.Contains(f.who, w) {
			f.who = append(slices.Clip(f.who), w)
		}
	}
}

// runStages runs every stage until the bound context ends, then returns
// once the body is in its safe pose. Sources are started through start.
func (c *Companion) runStages(start func(ctx context.Context) error) error {
	g, ctx := c.group, c.ctx

	assessments := make(chan perception.PainAssessment, 16)
	behOut := make(chan behavior.Output, 64)
	mimicIntents := make(chan behavior.Intent, 16)
	mimicSettings := make(chan behavior.MirrorChange, 4)
	speakIntents := make(chan behavior.Intent, 16)
	mimicCmds := make(chan robot.Command, 16)
	mouthCmds := make(chan robot.Command, 16)
	limiterCmds := make(chan robot.Command, 32)
	spoken := make(chan voices.Spoken, 16)

	faceIn, voiceIn, postureIn := c.fusionFaces.C(), c.fusionVoices.C(), c.fusionPostures.C()
	var eventIn <-chan perception.Event = c.fusionEvents
	if c.played != nil {
		if c.faceLane != nil {
			faceIn = c.played.faces
		}
		if c.voiceLane != nil {
			voiceIn = c.played.voices
		}
		if c.postureLane != nil {
			postureIn = c.played.postures
		}
		eventIn = c.played.events
		g.Go(func() error { return c.played.run(ctx, c.fusionEvents) })
	}
	g.Go(func() error {
		return c.fuser.Run(ctx, fusion.Inputs{
			Faces: faceIn, Voices: voiceIn,
			Postures: postureIn, Events: eventIn, Reports: c.fusionReports,
			Rejected: c.rejected.Note, ProfileFailed: c.calibrationUnusable,
		}, assessments)
	})
	g.Go(func() error {
		for a := range assessments {
			c.noteAssessment(a)
			c.sendInput(behavior.AssessmentInput(a))
		}
		return nil
	})
	var loss *behavior.StopLoss
	g.Go(func() error {
		err := c.engine.Run(ctx, c.behIn, behOut)
		if errors.As(err, &loss) && loss.Alerts == 0 {
			return nil // queued inputs not handled: a recorded fault (engineStopped), not the run's error
		}
		return err // an alert lost stays the run's error too
	})
	// The router never waits for mimicry or the voice (handOff): alerts
	// follow the decisions before them through it.
	toMimic, toSettings, toSpeak := newHandOff(c.untaken(stageMimicry)), newHandOff(c.untakenSettings),
		newHandOff(c.untaken(stageVoice))
	g.Go(func() error { toMimic.run(ctx, mimicIntents); return nil })
	g.Go(func() error { toSettings.run(ctx, mimicSettings); return nil })
	g.Go(func() error { toSpeak.run(ctx, speakIntents); return nil })
	g.Go(func() error {
		defer toMimic.close()
		defer toSettings.close()
		defer toSpeak.close()
		for o := range behOut {
			c.route(ctx, o, toMimic, toSettings, toSpeak)
		}
		return nil
	})
	g.Go(func() error { return c.mirror.Run(ctx, c.mimicFaces.C(), mimicIntents, mimicSettings, mimicCmds) })
	g.Go(func() error { return c.speaker.Run(ctx, speakIntents, mouthCmds, spoken) })
	g.Go(func() error {
		for s := range spoken {
			c.noteSpoken(s)
		}
		return nil
	})
	g.Go(func() error { return mergeCommands(ctx, c.clock.scale, limiterCmds, mimicCmds, mouthCmds) })
	g.Go(func() error { return c.runBody(ctx, limiterCmds) })
	g.Go(func() error { return c.tick(ctx) })
	g.Go(func() error { return c.answers.run(ctx) })
	g.Go(func() error { return start(ctx) })

	err := g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	c.rejected.Flush() // fusion has returned: it rejects nothing more
	for _, d := range c.dropped {
		d.Flush() // the router has returned: nothing more is handed on
	}
	c.engineStopped(loss)
	// The limiter returns to the safe pose when its context ends; Halt makes
	// sure of it even if the limiter stopped early, and is idempotent.
	return errors.Join(err, c.limiter.Halt())
}

// tick advances the engine's clock when no observation does (sensors
// closed, nobody there), so timers such as "goodbye after leaving" fire.
// While a scenario or file plays into fusion (timeline.go) it does not:
// fusion's assessments, one every 100 ms of media time, advance the
// engine then, and a tick read off the wall clock would land between them
// wherever the machine's scheduling put it, so that a dwell completed at
// 43.34 s in one run and 43.4 s in the next.
func (c *Companion) tick(ctx context.Context) error {
	t := c.clock.scale.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			if c.played != nil && c.sensorsOn.Load() && c.played.open() {
				continue
			}
			select {
			case c.behIn <- behavior.TickInput(c.clock.Now()):
			default: // the engine is busy with real inputs, which advance time too
			}
		}
	}
}

// route carries one engine decision to the stages and the record. It
// never waits for mimicry or the voice (handOff), so that no stage, and no
// body behind it, holds back an alert.
func (c *Companion) route(ctx context.Context, o behavior.Output, mimic *handOff[behavior.Intent],
	mimicSettings *handOff[behavior.MirrorChange], speak *handOff[behavior.Intent]) {
	switch o := o.(type) {
	case behavior.Session:
		c.stats.mu.Lock()
		c.stats.session = &o
		c.stats.mu.Unlock()
		c.noteState(o.Initial)
	case behavior.Transition:
		c.stats.mu.Lock()
		c.stats.transitions++
		c.stats.mu.Unlock()
		c.noteState(o.To)
		c.records.Record(journal.TransitionOf(o))
	case behavior.Intent:
		mimic.put(o)
		speak.put(o)
	case behavior.MirrorChange:
		chosen := o.Chosen
		c.chosen.Store(&chosen)
		if o.Source != "" { // a supervisor changed the condition mid-run: the record must say so
			for _, s := range journal.MirrorSettingsOf(o.At, chosen.Enabled, chosen.Gain, chosen.Delay, string(o.Source)) {
				c.records.Record(s)
			}
		}
		// New mirror settings between intents go on their own channel.
		mimicSettings.put(o)
	case behavior.Alert:
		if o.Level != behavior.AlertResolved {
			c.stats.mu.Lock()
			c.stats.alerts++
			c.stats.mu.Unlock()
		}
		fmt.Fprintf(c.log, "kindred: alert (%s) %s: %s\n", o.Level, o.Person, o.Reason)
		c.records.Record(journal.AlertOf(o))
	case behavior.Proposal:
		text := ""
		if o.Intent.Say != nil {
			text = o.Intent.Say.Text
		}
		c.records.Record(journal.Utterance{At: o.At, Person: o.Intent.Person, Intent: string(o.Intent.Kind),
			Text: text, Tone: string(o.Intent.Tone), ID: fmt.Sprint(o.ID), Pending: true})
	case behavior.SensorsChange:
		c.sensorsOn.Store(o.On)
		for _, f := range c.onSensors {
			f(o.On)
		}
	case behavior.Comforted:
		c.send(c.fusionEvents, o.Event())
		for _, f := range c.onComfort {
			f(o.At)
		}
	case behavior.Annotated:
		if a, err := annotationOf(o.Command); err == nil {
			c.records.Record(a)
		} else {
			fmt.Fprintf(c.log, "kindred: annotation not recorded: %v\n", err)
		}
	case behavior.Acknowledged:
		fmt.Fprintf(c.log, "kindred: alert acknowledged by %s (via %s)\n", o.By, o.Source)
		c.records.Record(journal.AcknowledgementOf(o))
	case behavior.Rejected:
		// A refused command is a recorded fault (journal, console, summary),
		// never the end of the run.
		c.noteFault("behaviour", fmt.Errorf("%s not acted on: %s", o.What, o.Reason))
	case behavior.Listen:
		c.answers.listen(ctx, o)
	case behavior.Reported:
		c.noteReported(ctx, o)
	}
}

func (c *Companion) noteState(s behavior.State) {
	c.state.Store(s)
	c.stats.mu.Lock()
	defer c.stats.mu.Unlock()
	if !c.stats.seen[string(s)] {
		c.stats.seen[string(s)] = true
		c.stats.visited = append(c.stats.visited, string(s))
	}
}

func (c *Companion) noteAssessment(a perception.PainAssessment) {
	c.stats.mu.Lock()
	c.stats.maxPain = max(c.stats.maxPain, a.Score)
	c.stats.mu.Unlock()
	r := journal.AssessmentOf(a)
	c.last.Store(&r)
	c.records.Record(r)
}

func (c *Companion) noteSpoken(s voices.Spoken) {
	c.answers.said(s.Intent) // a question said (or not): its answer window opens
	if s.Failed != "" {
		c.noteFault("voice", errors.New(s.Failed))
	}
	if s.Skipped {
		return
	}
	c.stats.mu.Lock()
	c.stats.utterances++
	c.stats.mu.Unlock()
	c.records.Record(journal.Utterance{At: s.At, Person: s.Person, Intent: string(s.Intent), Text: s.Text,
		Lang: s.Lang, Tone: string(s.Tone), Source: string(s.Source)})
}

// noteReported records a step of the self-report dialogue and hands a
// rating the person gave to fusion, where it is the strongest cue; where
// it hurts, answered after the rating, joins that rating there, so the
// carer reads "says 7, looks 5 · back".
func (c *Companion) noteReported(ctx context.Context, r behavior.Reported) {
	rec := journal.SelfReportOf(r)
	c.records.Record(rec)
	if r.Outcome != behavior.OutcomeAsked {
		fmt.Fprintf(c.log, "kindred: self-report (%s, attempt %d): %s %q\n", r.Question, r.Attempt, r.Outcome, r.Reply.Heard)
	}
	var says perception.SelfReport
	if rating, ok := r.Rating(); ok {
		c.lastReport.Store(&rec)
		says = perception.SelfReport{At: r.At, Rating: int(rating), Heard: r.Reply.Heard}
	} else if places := r.Places(); len(places) > 0 {
		last := c.lastReport.Load()
		if last == nil || last.Rating == nil {
			return // no rating to join: the journal has the answer
		}
		joined := *last
		joined.Places = rec.Places
		c.lastReport.Store(&joined)
		// The rating as it was given, now with where: it keeps its age.
		says = perception.SelfReport{At: last.At, Rating: *last.Rating, Heard: last.Heard, Places: rec.Places}
	} else {
		return
	}
	select {
	case c.fusionReports <- says:
	case <-ctx.Done():
		// Dropped at the stop, no alert is lost: fusion is returning, what
		// it might still assess reaches the engine only by a race with the
		// stop, and the stop's alerts come from the engine's own queue
		// (behavior.Engine.Run); the journal has the rating (rec above).
	}
}

// noteFault records a hardware or device fault; the run goes on.
func (c *Companion) noteFault(component string, err error) { c.noteFaults(component, 1, err) }

// noteFaults records n faults of one kind in one record and one line (a
// door's coalesced refusals); the summary counts n.
func (c *Companion) noteFaults(component string, n int, err error) {
	c.stats.mu.Lock()
	c.stats.faults += n
	c.stats.mu.Unlock()
	fmt.Fprintf(c.log, "kindred: fault: %s: %v\n", component, err)
	c.recordFault(component, err)
}

// recordFault hands a fault record to the sinks, or keeps it for them
// until Run.
func (c *Companion) recordFault(component string, err error) {
	f := journal.Fault{At: c.clock.Now(), Component: component, Message: err.Error()}
	c.early.mu.Lock()
	if !c.early.running {
		// The journal, console and fleet are added to the sinks after New:
		// a fault found while the run is built waits for them (Run).
		c.early.faults = append(c.early.faults, f)
		c.early.mu.Unlock()
		return
	}
	c.early.mu.Unlock()
	c.records.Record(f) // after the early ones: startRecording held the lock while it sent them
}

// startRecording hands the faults noted before Run to the sinks, in order,
// and lets later ones through at once.
func (c *Companion) startRecording() {
	c.early.mu.Lock()
	defer c.early.mu.Unlock()
	for _, f := range c.early.faults {
		c.records.Record(f)
	}
	c.early.faults, c.early.running = nil, true
}

// mergeCommands forwards mimicry's and the mouth's commands to the limiter
// until both are closed; the limiter arbitrates between their sources.
//
// A deliberately configured delay (mimicry's human-like lag, in session
// time) is not processing latency, so the observation instant is moved
// forward by its wall-clock share before the limiter measures latency.
func mergeCommands(ctx context.Context, clock *sessiontime.Clock, out chan<- robot.Command, ins ...<-chan robot.Command) error {
	defer close(out)
	var wg sync.WaitGroup
	for _, in := range ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cmd := range in {
				if !cmd.Observed.IsZero() && cmd.Delay > 0 {
					cmd.Observed = cmd.Observed.Add(clock.Wall(cmd.Delay))
				}
				select {
				case out <- cmd:
				case <-ctx.Done():
					// Drain so the producer can finish and close.
				}
			}
		}()
	}
	wg.Wait()
	return nil
}

// annotationOf turns the console's annotate command into a journal record:
// the annotation the door decoded, at the engine's time when it has none.
func annotationOf(cmd behavior.Command) (journal.Annotation, error) {
	a, ok := journal.AnnotationOf(cmd)
	if !ok {
		return journal.Annotation{}, errors.New("annotate: no annotation")
	}
	if a.At == 0 {
		a.At = cmd.At
	}
	return a, nil
}

// sessionClock is session time for what happens between observations
// (ticks, poses, faults). Observations carry their own time; the clock
// follows the newest of them and runs on from it at the run's speed, so a
// tick is never ahead of the media by more than the gap since the last
// observation, however long start-up took. The run's session clock scales
// the time since.
type sessionClock struct {
	scale *sessiontime.Clock
	mu    sync.Mutex
	at    time.Duration
	wall  time.Time
}

func newSessionClock(scale *sessiontime.Clock) *sessionClock {
	return &sessionClock{scale: scale, wall: time.Now()}
}

// observe moves the clock to an observation's time.
func (s *sessionClock) observe(at time.Duration) {
	s.mu.Lock()
	if at >= s.at {
		s.at, s.wall = at, time.Now()
	}
	s.mu.Unlock()
}

func (s *sessionClock) Now() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.at + s.scale.Since(s.wall)
}
