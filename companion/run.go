package companion

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/robot/sensors"
)

// AddService runs s from Run beside the stages (the journal's writer, the
// console, the fleet link). Its context ends only after the stages have
// ended and the finishers have run, so it still takes the last records. An
// error from a service ends the run and is part of Run's error. Call it
// before Run.
func (c *Companion) AddService(s func(ctx context.Context) error) {
	c.services = append(c.services, s)
}

// AddFinisher runs f once the stages have ended and the body is in its safe
// pose, before the services stop (the journal's end of session). Its error
// is part of Run's error. Call it before Run.
func (c *Companion) AddFinisher(f func(ctx context.Context) error) {
	c.finishers = append(c.finishers, f)
}

// Stop ends the run: the stages stop and the body goes to its safe pose.
func (c *Companion) Stop() { c.cancel() }

// Run runs the session: the services, then every stage, with the sources
// that start starts, until the context given to Bind ends, Stop is called,
// or a stage or service fails. The stages, the services and the finishers
// are joined in one errgroup; once the stages have ended the doors'
// unreported refusals are flushed (AddDoor), then the finishers run; the
// services stop last. Run returns once the
// body is in its safe pose, with every error joined.
func (c *Companion) Run(start func(ctx context.Context) error) error {
	if c.ctx == nil {
		return errors.New("companion: Run before Bind")
	}
	c.startRecording()
	if c.carried != nil {
		c.behIn <- c.carried // the queue is empty: before any door or source can send
	}
	var all errgroup.Group
	svcCtx, stopServices := context.WithCancel(context.WithoutCancel(c.ctx))
	defer stopServices()
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	for _, s := range c.services {
		all.Go(func() error {
			if err := s(svcCtx); err != nil {
				fail(err)
				c.Stop()
			}
			return nil
		})
	}
	all.Go(func() error {
		defer stopServices()
		if err := c.runStages(start); err != nil {
			fail(err)
		}
		for _, f := range c.flushers {
			f()
		}
		for _, f := range c.finishers {
			if err := f(svcCtx); err != nil {
				fail(err)
			}
		}
		return nil
	})
	_ = all.Wait() // every goroutine reports through fail
	return errors.Join(errs...)
}

// Now is the session time: the newest observation's, run on since.
func (c *Companion) Now() time.Duration { return c.clock.Now() }

// State is the engine's current state ("" before the session starts).
func (c *Companion) State() behavior.State {
	s, _ := c.state.Load().(behavior.State)
	return s
}

// LastSelfReport is the person's latest answered rating, or nil.
func (c *Companion) LastSelfReport() *journal.SelfReport { return c.lastReport.Load() }

// LastAssessment is the newest pain assessment, or nil before the first.
func (c *Companion) LastAssessment() *journal.Assessment { return c.last.Load() }

// Chosen is the mirror condition in force, with the supervisor's changes.
func (c *Companion) Chosen() *behavior.MirrorSettings { return c.chosen.Load() }

// Stats are the counts behind a run's summary.
type Stats struct {
	Visited     []string // states in the order first entered
	Transitions int
	Utterances  int
	Alerts      int // alerts raised (not resolutions)
	Faults      int
	MaxPain     float64
	// DroppedFaces are stale faces replaced before a stage took them.
	DroppedFaces int64
	SensorsOn    bool // false while the person has opted out
	// Session is the engine's account of the session, nil before it starts.
	Session *behavior.Session
}

// Stats is a snapshot of the run's counts.
func (c *Companion) Stats() Stats {
	st := &c.stats
	st.mu.Lock()
	defer st.mu.Unlock()
	s := Stats{
		Visited: append([]string{}, st.visited...), Transitions: st.transitions, Utterances: st.utterances,
		Alerts: st.alerts, Faults: st.faults, MaxPain: st.maxPain,
		DroppedFaces: c.fusionFaces.Dropped() + c.mimicFaces.Dropped(),
		SensorsOn:    c.sensorsOn.Load(),
	}
	if st.session != nil {
		sess := *st.session
		s.Session = &sess
	}
	return s
}

// NoteFault records a hardware or device fault; the run goes on. A fault
// noted before Run is said on the log at once and its record waits for Run,
// so that the journal, console and fleet added meanwhile take it.
func (c *Companion) NoteFault(component string, err error) { c.noteFault(component, err) }

// NoteRecovered records that a component noted faulty works again (the
// fleet's broker back): a line and a fault record saying so, the record
// being the journal's one kind for a component's health, not counted among
// the run's faults.
func (c *Companion) NoteRecovered(component string, news error) {
	fmt.Fprintf(c.log, "kindred: %s: %v\n", component, news)
	c.recordFault(component, news)
}

// CountFaults adds n faults to the run's count that their component has
// logged itself and that come too late for the journal: the fleet's alerts
// the broker had not acknowledged when the services stopped.
func (c *Companion) CountFaults(n int) {
	c.stats.mu.Lock()
	c.stats.faults += n
	c.stats.mu.Unlock()
}

// Fanout hands each record to every consumer (journal, console, fleet);
// each consumer must not block.
type Fanout struct {
	mu    sync.RWMutex
	sinks []func(journal.Record)
}

// Add adds a consumer.
func (f *Fanout) Add(s func(journal.Record)) {
	f.mu.Lock()
	f.sinks = append(f.sinks, s)
	f.mu.Unlock()
}

// Record hands r to every consumer.
func (f *Fanout) Record(r journal.Record) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, s := range f.sinks {
		s(r)
	}
}

// ForwardControls is a service that passes the commands from one route
// (console, fleet) to the engine until ctx ends or ctls closes; a refused
// command is a recorded fault and the run goes on.
func (c *Companion) ForwardControls(ctls <-chan behavior.Command, from behavior.Source) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case ctl, ok := <-ctls:
				if !ok {
					return nil
				}
				if err := c.Control(ctl, from); err != nil {
					c.noteFault(string(from)+" command", fmt.Errorf("refused: %w", err))
				}
			}
		}
	}
}

// Door is a way commands come in from outside (console.Console,
// fleet.Client) that refuses malformed requests itself and reports them
// coalesced, through the functions DoorRefusals and DoorUnauthorised give;
// FlushRefusals reports what it has not yet.
type Door interface {
	Controls() <-chan behavior.Command
	FlushRefusals()
}

// AddDoor forwards a door's commands to the engine (ForwardControls) and,
// once the stages have ended, before the finishers (the journal's end of
// session), flushes the refusals the door has not yet reported, so the
// session's record counts every one. Call it before Run.
func (c *Companion) AddDoor(d Door, from behavior.Source) {
	c.AddService(c.ForwardControls(d.Controls(), from))
	c.flushers = append(c.flushers, d.FlushRefusals)
}

// DoorRefusals records what a door reports it refused before a request
// was a command (malformed, or not taken): each report is one fault record
// and one line, "refused n control request(s) at the door (latest: …)" (from
// the fleet, behavior.SourceMQTT: "refused n control message(s) from the
// fleet (latest: …)"), component "<from> command", and counts n faults in
// the summary. A door coalesces its reports, so a flood of bad requests is
// a few records, not a flooded journal.
func (c *Companion) DoorRefusals(from behavior.Source) func(n int, latest string) {
	what := "control request(s) at the door"
	if from == behavior.SourceMQTT {
		what = "control message(s) from the fleet"
	}
	return c.coalesced(string(from)+" command", "refused", what)
}

// DoorUnauthorised records what a door reports it refused for want of
// access, at any of its endpoints (no token or a wrong one, cross-origin, a
// foreign Host, rate limited): the audit trail of refused access, "refused
// n unauthorised request(s) (latest: …)", component "<from> access", n
// faults.
func (c *Companion) DoorUnauthorised(from behavior.Source) func(n int, latest string) {
	return c.coalesced(string(from)+" access", "refused", "unauthorised request(s)")
}

// coalesced is the report function of a refusals.Coalescer: each report of
// n is one fault record and one line, "<verb> n <what> (latest: …)", of
// component, counting n faults.
func (c *Companion) coalesced(component, verb, what string) func(n int, latest string) {
	return func(n int, latest string) {
		if n <= 0 {
			return
		}
		c.noteFaults(component, n, fmt.Errorf("%s %d %s (latest: %q)", verb, n, what, latest))
	}
}

// SensorReader reads the body's sensors (sensors.Reader).
type SensorReader interface {
	Run(ctx context.Context, events chan<- perception.Event, readings chan<- sensors.Reading) error
}

// Sensors is a service that passes the body's touch sensors to the
// companion (a touch can opt the person out or back in). Analog readings
// (electrodermal activity, pulse) are not asked for: fusion has no item for
// them yet. A failing reader is a fault; the run goes on.
func (c *Companion) Sensors(rd SensorReader) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		events := make(chan perception.Event, 16)
		var g errgroup.Group
		rctx, stop := context.WithCancel(ctx)
		g.Go(func() error {
			for {
				select {
				case <-rctx.Done():
					return nil
				case e := <-events:
					c.Event(e)
				}
			}
		})
		if err := rd.Run(ctx, events, nil); err != nil {
			c.noteFault("sensors", err)
		}
		stop()
		return g.Wait()
	}
}

// scenarioSink is the companion as a scenario's sink: its events go
// through the scenario's lane, in order with its observations.
type scenarioSink struct {
	*Companion
	lane *lane
}

func (s scenarioSink) Event(e perception.Event) { s.event(e, s.lane) }

// Scenario plays a simulated person (scenario.Player).
type Scenario interface {
	Play(ctx context.Context, o scenario.PlayOpts, sink scenario.Sink) error
	Comforted(at time.Duration)
}

// PlayScenario returns a start function that plays the scenario into the
// companion on the session clock, the virtual person answering comfort.
// Once it has played (to its end, or to o.For) the last decisions get one
// second of session time to reach the body, then the run stops.
func (c *Companion) PlayScenario(name string, player Scenario, o scenario.PlayOpts) func(ctx context.Context) error {
	c.onComfort = append(c.onComfort, player.Comforted)
	o.Clock = c.clock.scale
	if r, ok := player.(interface{ Answers() []scenario.Answer }); ok {
		select {
		case c.answers.recorded <- r.Answers():
		default: // a second scenario in one run: the first's answers stand
		}
	}
	// The simulated person is played: fusion takes every observation, in
	// the order played (timeline.go).
	played := c.playedLane()
	c.faceLane, c.voiceLane, c.postureLane = played, played, played
	return func(ctx context.Context) error {
		err := player.Play(ctx, o, scenarioSink{c, played})
		played.end()
		if err != nil {
			return fmt.Errorf("scenario %s: %w", name, err)
		}
		if ctx.Err() == nil {
			c.settleAndStop(ctx)
		}
		return nil
	}
}

// settleAndStop ends the session of a source that has played out (a
// scenario, or the files of a run of files), once the last decisions have
// had a second of session time to reach the body.
func (c *Companion) settleAndStop(ctx context.Context) {
	settle := c.clock.scale.NewTimer(time.Second)
	defer settle.Stop()
	select {
	case <-settle.C:
	case <-ctx.Done():
	}
	c.Stop()
}
