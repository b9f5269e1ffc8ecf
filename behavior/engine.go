package behavior

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// Engine is the companion's behaviour. It owns all of its state; inputs reach
// it only through Run, one at a time, so the fsm is never entered twice.
// What it remembers is split into trackers (trackers.go, dialogue.go), each
// the one owner of its fields.
type Engine struct {
	cfg     Config
	m       *machine
	rng     *rand.Rand
	running atomic.Bool

	now      time.Duration // newest observation time seen; never goes back
	observed time.Time     // wall time of the assessment being handled, else zero
	buf      []Output
	src      Source        // who caused the input being handled
	entered  time.Duration // when the current state was entered
	faulted  bool          // the body reported a fault that has not cleared

	presence presenceTracker // who is there, greeted and named
	pain     painTracker     // the smoothed score and its dwells
	comfort  comfortTracker  // check-ins and the comforting schedule
	alert    alertTracker    // what the carer was told; a call for help waiting
	wizard   wizardTracker   // Wizard-of-Oz proposals awaiting a supervisor
	consent  consentTracker  // quiet asked for; the still owed after an opt-out
	dlg      dialogue        // the self-report question open, if any (dialogue.go)
	speech   speechLimiter   // unprompted speech's gap and rate
	senses   senseTracker    // the camera or microphone lost, and whether the carer was told (senses.go)
	unseen   unseenTracker   // distress heard in assessments the normal path sets aside (unseen.go)
	latched  latchedTracker  // alerts the last run left standing, latched until answered (carried.go)

	override   mirrorOverride
	lastMirror MirrorSettings
}

type mirrorOverride struct {
	gain    *float64
	delay   *time.Duration
	enabled *bool
}

// New validates cfg and returns an engine in the idle state.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	// The engine owns its configuration: the caller's slices are not shared.
	cfg.Pain.Words = slices.Clone(cfg.Pain.Words)
	cfg.Alert.Words = slices.Clone(cfg.Alert.Words)
	cfg.OptOut.Words = slices.Clone(cfg.OptOut.Words)
	cfg.OptOut.Touch = slices.Clone(cfg.OptOut.Touch)
	cfg.OptOut.OptInTouch = slices.Clone(cfg.OptOut.OptInTouch)
	cfg.SelfReport.VoiceLangs = slices.Clone(cfg.SelfReport.VoiceLangs)
	cfg.Names = maps.Clone(cfg.Names)
	e := &Engine{
		cfg:      cfg,
		m:        newMachine(initialState),
		rng:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6b696e64726564)), // "kindred"
		pain:     painTracker{smoothed: painTrack{smoothing: cfg.Pain.Smoothing}},
		speech:   speechLimiter{minGap: cfg.Speech.MinGap, perMinute: cfg.Speech.PerMinute},
		presence: presenceTracker{greeted: make(map[string]time.Duration)},
	}
	e.lastMirror = e.mirror()
	return e, nil
}

// State is the current state. It is safe to call only before Run or after
// it returned; while running, follow the Transition outputs.
func (e *Engine) State() State { return e.m.current() }

// Mermaid is the engine's machine as a Mermaid stateDiagram-v2.
func (e *Engine) Mermaid() string { return Mermaid(e.cfg) }

// Config is the validated configuration the engine runs with.
func (e *Engine) Config() Config { return e.cfg }

// Run handles inputs until in is closed or ctx is done, writing decisions to
// out, which it closes when it returns. The first output is the Session.
//
// Once ctx is done Run waits for no new input, but it finishes what is
// already under way (finish): it hands over the rest of the outputs of the
// step it was in, then handles the inputs already queued in in, one step at
// a time as ever, and hands over theirs. A step has happened (the engine
// counts its alert as sent, its state has moved on), and an input queued
// has been seen or heard: a "help" spotted, or pain assessed, as the run
// was stopped must still reach the carer. A consumer that drains out until
// it is closed therefore gets every output of every input queued before
// the stop; all of it is bounded by StopGrace, so one that has stopped
// reading, or a queue that keeps filling, keeps Run no longer. Run returns
// nil on either ending, or a *StopLoss counting the alerts not taken and
// the queued inputs not handled within StopGrace. An engine runs once.
func (e *Engine) Run(ctx context.Context, in <-chan Input, out chan<- Output) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("behavior: engine already ran")
	}
	defer close(out)
	select {
	case out <- e.session():
	case <-ctx.Done():
		if len(in) == 0 {
			return nil // before any step, with nothing queued: nothing to hand over
		}
		return e.finish(in, out, []Output{e.session()})
	}
	for {
		if ctx.Err() != nil {
			return e.finish(in, out, nil)
		}
		select {
		case <-ctx.Done():
			return e.finish(in, out, nil)
		case x, ok := <-in:
			if !ok {
				// The input has ended: the run has, as on a stop.
				_, err := e.handOver(ctx, in, out, e.stopping())
				return err
			}
			if stopped, err := e.handOver(ctx, in, out, e.step(x)); stopped {
				return err
			}
		}
	}
}

// handOver gives outs to out in order. Stopped while handing over, it
// finishes the run with what is left and says so: a select with both cases
// ready picks either, so without this the alert went missing in most runs
// stopped at the step that raised it.
func (e *Engine) handOver(ctx context.Context, in <-chan Input, out chan<- Output, outs []Output) (stopped bool, err error) {
	for i, o := range outs {
		select {
		case out <- o:
			continue
		case <-ctx.Done():
		}
		return true, e.finish(in, out, outs[i:])
	}
	return false, nil
}

// StopGrace bounds how long Run, once its context is done, takes to finish:
// to hand over the outputs of its last step and to handle the inputs
// already queued. It is wall time, the only wall time the engine keeps, and
// it decides nothing: a consumer that reads takes the outputs at once and a
// step takes microseconds, so it only bounds a consumer that has stopped
// reading.
const StopGrace = 500 * time.Millisecond

// StopLoss is Run's error when it could not finish within StopGrace: what
// it had to give up, so that nothing is lost in silence.
type StopLoss struct {
	// Alerts raised (resolutions included) that the consumer did not take.
	Alerts int
	// Inputs queued when the run stopped that were not handled; ticks,
	// which only advance time, are not counted.
	Inputs int
}

func (l *StopLoss) Error() string {
	var what []string
	if l.Alerts > 0 {
		what = append(what, fmt.Sprintf("%d alert(s) not taken", l.Alerts))
	}
	if l.Inputs > 0 {
		what = append(what, fmt.Sprintf("%d queued input(s) not handled", l.Inputs))
	}
	return fmt.Sprintf("behavior: stopped with %s within %v", strings.Join(what, " and "), StopGrace)
}

// finish is Run's end once ctx is done. It gives the consumer rest, the
// outputs of the step Run was in, then steps through the inputs queued in
// in without waiting for any (a receive that would wait ends it): at most
// cap(in) of them, so a producer that keeps the queue full cannot keep it
// going, and all within StopGrace. What it gives up is counted in a
// *StopLoss: the alerts among the outputs not taken, and the inputs still
// queued, which it takes off the queue to count.
func (e *Engine) finish(in <-chan Input, out chan<- Output, rest []Output) error {
	grace := time.NewTimer(StopGrace)
	defer grace.Stop()
	var loss StopLoss
	expired := false // the grace is over: nothing more is handed over
	lost := func(outs []Output) {
		for _, o := range outs {
			if _, ok := o.(Alert); ok {
				loss.Alerts++
			}
		}
	}
	give := func(outs []Output) bool {
		for i, o := range outs {
			if expired {
				lost(outs[i:])
				return false
			}
			select {
			case out <- o:
				continue
			case <-grace.C:
				expired = true
			}
			lost(outs[i:])
			return false
		}
		return true
	}
	// done settles what the stop cuts short, then counts what is left.
	done := func() error {
		give(e.stopping())
		loss.Inputs += CountQueued(in)
		if loss == (StopLoss{}) {
			return nil
		}
		return &loss
	}
	if !give(rest) {
		return done()
	}
	for range cap(in) {
		var x Input
		select {
		case v, ok := <-in:
			if !ok {
				return done()
			}
			x = v
		default:
			return done() // nothing queued: never wait for new input
		}
		select {
		case <-grace.C:
			expired = true
			if _, tick := x.(*Tick); !tick {
				loss.Inputs++ // x itself, taken but not handled
			}
			return done()
		default:
		}
		if !give(e.step(x)) {
			return done()
		}
	}
	return done()
}

// stopping settles, as the run ends, what the end cuts short. A lone call
// for help waits for its second cue (settleHelp), and every way that wait
// ends tells a carer, at warning level at least, but an opt-out, which
// clears it. A run that stops during the wait would tell nobody: it tells
// the carer now, at warning, saying the run stopped. The robot does not
// move or speak for it. Called again, it has nothing more to settle.
func (e *Engine) stopping() []Output {
	e.buf = e.buf[:0]
	a := &e.alert
	if !a.help || e.State() == StateOptedOut {
		return e.buf
	}
	word, since := a.helpWord, e.now-a.helpAt
	a.answeredHelp()
	if e.State() == StateAlerting && a.level.rank() >= AlertWarning.rank() {
		return e.buf // the carer has been told already (as escalate would find)
	}
	e.raiseAlert(AlertWarning, fmt.Sprintf("asked for help (%q) once; the run stopped %v later, before a second cue or an answer",
		word, since.Round(time.Second)), false)
	return e.buf
}

// CountQueued takes what is queued in in without waiting and counts it,
// ticks aside (they only advance time): the inputs a stopped run leaves
// unhandled.
func CountQueued(in <-chan Input) int {
	n := 0
	for range len(in) {
		select {
		case x, ok := <-in:
			if !ok {
				return n
			}
			if _, tick := x.(*Tick); !tick {
				n++
			}
		default:
			return n
		}
	}
	return n
}

func (e *Engine) session() Session {
	return Session{Preset: e.cfg.Preset, Condition: e.cfg.Condition, Seed: e.cfg.Seed,
		Wizard: e.cfg.Supervision.Wizard, Initial: initialState}
}

// step handles one input. The returned slice is reused by the next call.
func (e *Engine) step(in Input) []Output {
	e.buf = e.buf[:0]
	e.observed = time.Time{}
	e.src = sourceOf(in)
	switch x := in.(type) {
	case *Assessed:
		if x == nil {
			e.reject("input", "no assessment")
			return e.buf
		}
		e.onAssessment(&x.PainAssessment)
	case *Observed:
		if x == nil {
			e.reject("input", "no event")
			return e.buf
		}
		e.onEvent(&x.Event)
	case *Command:
		if x == nil {
			e.reject("input", "no command")
			return e.buf
		}
		e.onCommand(*x)
	case *Fault:
		if x == nil {
			e.reject("input", "no fault")
			return e.buf
		}
		e.onFault(x)
	case *Answered:
		if x == nil {
			e.reject("input", "no answer")
			return e.buf
		}
		e.onAnswer(x)
	case *Tick:
		if x == nil {
			e.reject("input", "no tick")
			return e.buf
		}
		e.advance(x.At)
	case *Sense:
		if x == nil {
			e.reject("input", "no sense")
			return e.buf
		}
		e.onSense(x)
	case *BodyLost:
		if x == nil {
			e.reject("input", "no body report")
			return e.buf
		}
		e.onBodyLost(x)
	case *BodyBack:
		if x == nil {
			e.reject("input", "no body report")
			return e.buf
		}
		e.onBodyBack(x)
	case *Carried:
		if x == nil {
			e.reject("input", "no carried alerts")
			return e.buf
		}
		e.onCarried(x)
	default: // nil
		e.reject("input", "empty input")
		return e.buf
	}
	// What the input set off is the input's doing; what follows from it on
	// evaluation (dwell times, pain) is the engine's reading.
	e.src = SourceSensing
	// Chained conditions (eased and left at once) settle within a few rounds;
	// the bound only guards against a table that could cycle.
	for range len(States) {
		if !e.evaluate() {
			break
		}
	}
	e.easedOutOfEpisode() // a pause or fault carried an episode's alert: eased, it ends
	e.standingEased()     // the person back and calm: the standing alert holds nothing back (standing.go)
	e.standingDue()       // the person back, not eased: the standing alert due is told again (unanswered.go)
	e.repeatCarried()     // and an episode's alert carried out of its episode
	e.unseenAlerts()      // distress heard but not seen (unseen.go)
	e.senseAlerts()       // in every state but opted out, whatever the pain
	e.latchedAlerts()     // the last run's standing alerts, after this step's own (carried.go)
	return e.buf
}

func (e *Engine) advance(at time.Duration) { e.now = max(e.now, at) }

// sourceOf names who caused an input, for the transitions it triggers.
func sourceOf(in Input) Source {
	switch x := in.(type) {
	case *Command:
		if x != nil && x.Source != "" {
			return x.Source
		}
		return SourceConsole
	case *Observed:
		if x != nil && x.Kind == perception.EventKeyword {
			return SourceVoice
		}
		if x != nil && x.Kind == perception.EventTouch {
			return SourceTouch
		}
	}
	return SourceSensing
}

func (e *Engine) emit(o Output) { e.buf = append(e.buf, o) }

func (e *Engine) reject(what, reason string) {
	e.emit(Rejected{At: e.now, What: what, Reason: reason})
}

// --- inputs ---

func (e *Engine) onAssessment(a *perception.PainAssessment) {
	e.advance(a.At)
	if e.State() == StateOptedOut {
		return // sensing is off; whatever still arrives is not looked at
	}
	e.observed = a.Observed
	e.presence.assessed(a)
	usable := a.Present && finite(a.Score) && a.Confidence >= e.cfg.Pain.MinConfidence
	e.heardUnseen(a, usable)
	e.presence.scoredAs(a.Person, usable, a.At)
	if !usable {
		return
	}
	e.pain.add(a, e.cfg.Pain, e.inEpisode())
}

func (e *Engine) onEvent(ev *perception.Event) {
	e.advance(ev.At)
	if ev.Kind == perception.EventForgotten {
		e.forget(ev.Person, ev.Text) // opted out or not: no record of them may name them again
		return
	}
	if e.State() == StateOptedOut {
		if ev.Kind == perception.EventTouch && matchesAny(ev.Text, e.cfg.OptOut.OptInTouch) {
			e.optIn(fmt.Sprintf("touch %q", ev.Text))
		}
		return
	}
	switch ev.Kind {
	case perception.EventArrived:
		if e.presence.person != "" && ev.Person != "" && ev.Person != e.presence.person {
			// Someone else came into view while the person in pain was out of
			// it: the episode was theirs, and it ends with their visit.
			switch e.State() {
			case StateConcerned, StateComforting, StateAlerting:
				e.fire(trLeave, "left")
			case StatePaused, StateFault:
				// Paused or faulty, the robot has no visit to end, but the
				// episode is no more this person's: their pain is news.
				e.visitEnded(fmt.Sprintf("left: %s came into view", ev.Person))
			case StateEngaging, StateAttending:
				if e.alert.open != nil { // an episode's alert a pause carried (easedOutOfEpisode)
					e.visitEnded(fmt.Sprintf("left: %s came into view", ev.Person))
				}
			}
		}
		e.presence.arrived(ev.Person, ev.Text, e.now-e.cfg.Presence.ArriveAfter)
		e.fire(trArrive, "arrived")
	case perception.EventLeft:
		if e.inEpisode() {
			// A face lost while the person is in pain (turned away, a hand
			// over the face, the detector missing a frame or two) does not
			// end the episode: it ends, as any visit does, once nobody has
			// been seen nor distress heard for Presence.LeaveAfter (absentFor).
			e.presence.left(e.now)
			return
		}
		e.presence.left(e.now - e.cfg.Presence.LeaveAfter)
		e.fire(trLeave, "left")
	case perception.EventKeyword:
		switch {
		case matchesAny(ev.Text, e.cfg.OptOut.Words):
			w := normalise(ev.Text)
			switch {
			case e.inDistress():
				e.hush(w)
			case e.askingOptOut():
				e.stopAgainWhenAsked()
			case e.cfg.OptOut.Confirm > 0 && !e.consent.stopAgain(e.now):
				e.quieten(w)
			case e.cfg.OptOut.Confirm > 0 && e.cfg.OptOut.Ask:
				e.askOptOut(w)
			default:
				e.optOut(fmt.Sprintf("said %q", w))
			}
		case matchesAny(ev.Text, e.cfg.Alert.Words):
			e.heardSomeone(ev.Text)
			e.callForHelp(normalise(ev.Text))
		case matchesAny(ev.Text, e.cfg.Pain.Words):
			e.heardSomeone(ev.Text)
			e.fire(trPainRising, fmt.Sprintf("said %q", normalise(ev.Text)))
		}
	case perception.EventTouch:
		if matchesAny(ev.Text, e.cfg.OptOut.Touch) {
			e.optOut(fmt.Sprintf("touch %q", ev.Text))
		}
	case perception.EventModalityLost:
		if ev.Modality == perception.ModFace {
			e.presence.face(true)
		}
	case perception.EventModalityBack:
		if ev.Modality == perception.ModFace {
			e.presence.face(false)
		}
	}
}

// callForHelp handles a spoken call for help. With a second cue (the word
// again, or distress seen within Alert.Corroborate) it raises an urgent
// alert; alone, the robot asks whether to call someone and waits for one
// (settleHelp decides when the wait is over).
func (e *Engine) callForHelp(word string) {
	if e.askingOptOut() {
		// A call for help is no wish to go unwatched. The opt-out question
		// (or its confirmation) open when it came is dropped, so that a
		// yes after it is late: opting out clears a call for help still
		// waiting for its second cue (enter, StateOptedOut), and "stop",
		// "stop", "help", "yes", "yes" switched every alert off with the
		// call never told to anyone. Its let_be record says it ended
		// without an opt-out.
		d := e.dlg
		e.closeDialogue()
		e.emit(Reported{At: e.now, Question: d.q, By: d.by, Attempt: d.attempt, Outcome: OutcomeLetBe,
			Person: e.presence.person, Reply: selfreport.Reply{Kind: questionKind(d.q, d.by), Rating: selfreport.NoRating,
				Confidence: selfreport.Unestimated}})
	}
	if cue := e.secondCue(); cue != "" {
		e.alert.answeredHelp()
		if e.dlg.open && e.dlg.q == QuestionCall {
			e.closeDialogue() // the second cue answers "Shall I call someone?"
		}
		e.dlg.call.awaited = false // an answer after it is late: the carer has been paged
		e.escalate(AlertUrgent, fmt.Sprintf("asked for help (%q), %s", word, cue))
		return
	}
	e.alert.heardHelp(word, e.now)
	switch e.State() {
	case StateEngaging, StateAttending, StateConcerned, StateComforting, StateAlerting:
		// Entering concerned asks instead of checking in (see enter).
		e.alert.offerCall = true
		moved := e.fire(trPainRising, fmt.Sprintf("said %q", word))
		e.alert.offerCall = false
		if !moved {
			e.askToCall()
		}
	}
}

// askToCall asks "Shall I call someone?". A call for help is answered even
// when the nagging limits say quiet; the answer, or a repeat, settles it.
func (e *Engine) askToCall() {
	e.ask(QuestionCall, 1, "asked for help once")
}

// secondCue names what corroborates a call for help now, or "".
func (e *Engine) secondCue() string {
	w := e.cfg.Alert.Corroborate
	switch {
	case e.alert.help && e.now-e.alert.helpAt <= w:
		return "said twice"
	case e.pain.distressSeen && e.now-e.pain.distressAt <= w:
		return fmt.Sprintf("with distress seen (pain %.1f)", e.pain.score())
	}
	return ""
}

// settleHelp ends the wait after a lone call for help: distress seen since
// makes it urgent; none within Alert.Corroborate makes it a warning. The
// carer is told either way. It reports whether the state changed.
func (e *Engine) settleHelp() bool {
	a, p := &e.alert, &e.pain
	if !a.help {
		return false
	}
	w := e.cfg.Alert.Corroborate
	if p.distressSeen && p.distressAt >= a.helpAt && p.distressAt-a.helpAt <= w {
		a.answeredHelp()
		return e.escalate(AlertUrgent, fmt.Sprintf("asked for help (%q), then distress seen (pain %.1f)",
			a.helpWord, p.score()))
	}
	if e.now-a.helpAt > w {
		a.answeredHelp()
		return e.escalate(AlertWarning, fmt.Sprintf("asked for help (%q) once, with no other sign of distress within %v",
			a.helpWord, w))
	}
	return false
}

// heardSomeone wakes the robot for a call of pain or for help it hears
// while it believes nobody is there; the greeting stays silent, so what is
// said next answers the call. The voice is presence: whoever called is
// there, seen or not, so the robot stays (concerned, able to ask and
// comfort by voice) until Presence.LeaveAfter passes with nobody seen and
// no distress heard (presenceTracker.assessed), rather than leaving in the
// same instant because the camera has seen nobody for a while.
func (e *Engine) heardSomeone(word string) {
	e.presence.heard()
	if s := e.State(); s == StateAsleep || s == StateIdle {
		e.presence.quiet = true
		e.fire(trArrive, fmt.Sprintf("heard %q", normalise(word)))
		e.presence.quiet = false
	}
}

func (e *Engine) onFault(f *Fault) {
	e.advance(f.At)
	if f.Cleared {
		e.faulted = false
		e.fire(trFaultCleared, "robot fault cleared")
		return
	}
	e.faulted = true
	e.fire(trFault, "robot fault: "+f.Err)
}

func (e *Engine) onCommand(c Command) {
	if c.At == 0 {
		c.At = e.now
	}
	e.advance(c.At)
	what := "command " + string(c.Cmd)
	if err := c.Validate(); err != nil {
		e.reject(what, err.Error())
		return
	}
	state := e.State()
	refuse := func(reason string) { e.reject(what, reason) }
	switch c.Cmd {
	case CmdPause:
		if !e.fire(trPause, "console pause") {
			refuse("cannot pause while " + string(state))
		}
	case CmdResume:
		if state != StatePaused {
			refuse("not paused")
			return
		}
		if e.presence.present.on {
			e.fire(trResumeWithPerson, "console resume")
		} else {
			e.fire(trResumeAlone, "console resume")
		}
	case CmdOptOut:
		if !e.optOut("console opt_out") {
			refuse("already opted out")
		}
	case CmdOptIn:
		if !e.optIn("console opt_in") {
			refuse("not opted out")
		}
	case CmdSay, CmdIntent:
		if state == StateOptedOut {
			refuse("the person opted out")
			return
		}
		kind := c.Kind
		if c.Cmd == CmdSay {
			kind = IntentSay
		}
		it := e.intent(kind, toneFor(kind, e.cfg), kind != IntentStill)
		if it.Say != nil {
			it.Say.Text = c.Text
			e.speech.record(e.now)
		}
		it.Source = c.Source
		e.emit(it)
	case CmdMimicry:
		if c.Gain != nil {
			g := *c.Gain
			e.override.gain = &g
		}
		if c.DelayMS != nil {
			d := time.Duration(*c.DelayMS) * time.Millisecond
			e.override.delay = &d
		}
		if c.Enabled != nil {
			on := *c.Enabled
			e.override.enabled = &on
		}
		e.lastMirror = e.mirror()
		e.emit(MirrorChange{At: e.now, Settings: e.lastMirror, Chosen: e.chosenMirror(), Source: c.Source})
	case CmdAnnotate:
		e.emit(Annotated{c})
	case CmdAcknowledge:
		ack := Acknowledged{At: e.now, By: strings.TrimSpace(c.By), Source: c.Source}
		if al := e.alert.answering(); al != nil {
			a := *al
			ack.Alert = &a
		}
		e.alert.acknowledged(ack.By, e.now) // answered: not repeated for a cooldown (alertTracker.due)
		if st := e.alert.openCall; ack.Alert == nil && st != nil {
			// The call for help left open when the pain eased: answered now.
			ack.Alert, e.alert.openCall = st, nil
			e.emit(ack)
			e.emit(Alert{At: e.now, Level: AlertResolved, Person: st.Person, Score: e.pain.score(),
				Reason: "the call for help was answered: acknowledged" + byName(ack.By) + " after the pain had eased"})
			return
		}
		if ack.Alert == nil {
			ack.Alert = e.latched.answer() // an alert the last run left standing (carried.go)
		} else if e.latched.live {
			e.latched.drop(ack.Alert.Person) // the carer comes to them
		}
		e.emit(ack)
	case CmdIdentify:
		// Who a face is belongs to the wiring that names faces; the
		// arrival it sends is what the engine acts on.
	case CmdApprove, CmdReplace:
		if state == StateOptedOut {
			refuse("the person opted out")
			return
		}
		p, ok := e.wizard.take(c.ID, e.now, e.cfg.Supervision.ProposalTTL)
		if !ok {
			refuse(fmt.Sprintf("no open proposal %d", c.ID))
			return
		}
		it := p.Intent
		if c.Cmd == CmdReplace {
			it = e.intent(c.Intent, p.Intent.Tone, c.Intent != IntentStill)
			it.Observed = p.Intent.Observed
			if it.Say != nil {
				it.Say.Text = c.Text
			}
		}
		it.At, it.Source = e.now, c.Source
		if it.Say != nil {
			e.speech.record(e.now)
		}
		e.emit(it)
	}
}

// --- decisions on time and pain ---

// evaluate fires at most one trigger that time or pain calls for, and runs
// the comforting schedule. It reports whether the state changed. The
// conditions it tests are the guards on the edges leaving the current
// state (transitions), tried in rank order.
func (e *Engine) evaluate() bool {
	if e.State() != StateOptedOut && e.settleHelp() {
		return true
	}
	if e.State() != StateOptedOut {
		e.dialogueDue()
	}
	v := e.view()
	for _, g := range e.m.leaving {
		reason, ok := g.holds(v)
		if !ok {
			continue
		}
		if g.on == trEscalate {
			return e.escalatePain(g.alert, reason)
		}
		return e.fire(g.on, reason)
	}
	// No edge's condition holds: what the state does meanwhile.
	now, p, s := v.now, e.cfg.Pain, v.score
	switch v.state {
	case StateOptedOut:
		if e.consent.stillOwed(now) {
			e.emit(e.intent(IntentStill, ToneNeutral, false))
		}
	case StatePaused, StateFault:
		// A supervisor has the robot, or it is broken: it does not act, but
		// it still perceives, so a carer is told all the same. Pausing stops
		// the robot's behaviour, never the alerts; only an opt-out stops
		// sensing.
		why := "the robot is paused"
		if v.state == StateFault {
			why = "the robot is faulty"
		}
		v = e.oweComfort(v)
		if v.severeHeld() {
			e.escalatePain(AlertUrgent, fmt.Sprintf("severe pain %.1f for %v while %s", s, p.SevereDwell, why))
		} else if reason, ok := v.uncomforted(); ok {
			// Nobody is comforting: lasting pain is a carer's business.
			e.escalatePain(AlertWarning, fmt.Sprintf("%s while %s", reason, why))
		}
		if e.alert.open != nil {
			e.repeatUnanswered(v) // an episode's alert the pause or fault carried
		}
	case StateComforting:
		e.resumeComfort(v)
		e.comfortSchedule()
	case StateAlerting:
		if v.severeHeld() && AlertUrgent.rank() > e.alert.level.rank() {
			e.escalatePain(AlertUrgent, fmt.Sprintf("severe pain %.1f for %v", s, p.SevereDwell))
		}
		e.repeatUnanswered(v)
		e.resumeComfort(v) // after the alerts: they never wait
		e.comfortSchedule()
	}
	return false
}

// oweComfort keeps, where nobody comforts, since when pain has called for
// comfort, as concerned and comforting would have: from when a guard of
// comfortDue first holds (or comfort given before a pause or fault began)
// until the pain eases (painEased) or the person has left (absentFor). It
// returns v with it.
func (e *Engine) oweComfort(v view) view {
	_, eased := painEased().holds(v)
	_, gone := absentFor().holds(v)
	switch {
	case eased || gone:
		e.comfort.settle()
	case v.called():
		e.comfort.owe(v.now)
	}
	v.comfortSince, v.owed = e.comfort.since, e.comfort.owing()
	return v
}

// escalate raises an alert: from a state with a person it moves to alerting;
// in alerting it raises the alert when it is more urgent than the last, or
// when the episode's alert, unanswered, is due again (alertTracker.due).
func (e *Engine) escalate(level AlertLevel, reason string) bool {
	return e.escalateAbout(e.presence.person, level, reason)
}

// escalatePain is escalate for pain seen: the only alert a standing one
// (standing.go) may stand in for.
func (e *Engine) escalatePain(level AlertLevel, reason string) bool {
	return e.escalateFor(causePain, e.presence.person, level, reason)
}

// escalateAbout is escalate for an alert about person, who may have left
// since what it answers (a yes to "Shall I call someone?").
func (e *Engine) escalateAbout(person string, level AlertLevel, reason string) bool {
	return e.escalateFor(causeOther, person, level, reason)
}

// escalateFor is escalateAbout for an alert raised for cause.
func (e *Engine) escalateFor(cause alertCause, person string, level AlertLevel, reason string) bool {
	switch e.State() {
	case StateAlerting:
		if level.rank() > e.alert.level.rank() {
			e.raiseAlertFor(cause, person, level, reason, true)
			return false
		}
		// Asked for help again (or distress heard again) a cooldown after
		// the episode's page went out, with no carer's acknowledgement
		// since: the page goes out again at the episode's level. The
		// repeat of lasting pain (evaluate) needs a fresh pain score at
		// concern; a person who keeps calling "help" while seen too dimly
		// to score, or with a calm face, would otherwise be paged once
		// and never again, however often and long they called.
		episode := e.alert.level
		if since, ok := e.alert.due(episode, e.now, e.cfg.Alert.Cooldown); ok {
			e.raiseAlertAbout(person, episode, reason+e.again(episode, since), true)
		}
		return false
	case StateEngaging, StateAttending, StateConcerned, StateComforting:
		e.alert.pending = &pendingAlert{Alert: Alert{Level: level, Reason: reason, Person: person}, cause: cause}
		return e.fire(trEscalate, reason)
	case StatePaused, StateFault, StateIdle, StateAsleep:
		// No state to move to: a supervisor has the robot, it is broken, or
		// the person is out of view (someone who called for help and then
		// left the camera's view may have fallen). The carer is told all
		// the same; the robot says nothing.
		e.raiseAlertFor(cause, person, level, reason, false)
	}
	return false
}

// raiseAlert tells a carer unless the same level already went out in this
// episode within the cooldown; it reports whether it did. The cooldown only
// keeps one episode from repeating itself: once the carer has been told an
// episode ended, a new one is news and goes out at once, saying how soon it
// came back.
func (e *Engine) raiseAlert(level AlertLevel, reason string, notice bool) bool {
	return e.raiseAlertAbout(e.presence.person, level, reason, notice)
}

// raiseAlertAbout is raiseAlert for an alert about person.
func (e *Engine) raiseAlertAbout(person string, level AlertLevel, reason string, notice bool) bool {
	return e.raiseAlertFor(causeOther, person, level, reason, notice)
}

// raiseAlertFor is raiseAlertAbout for an alert raised for cause. Pain seen
// that the carer's standing alert already tells of is no page
// (holdStanding): the standing alert becomes the episode's again.
func (e *Engine) raiseAlertFor(cause alertCause, person string, level AlertLevel, reason string, notice bool) bool {
	if cause == causePain {
		if level.rank() < e.alert.level.rank() {
			// The episode told the carer of worse (urgent), and repeats
			// it when due (repeatUnanswered): the same pain at a lower
			// level is no news, and paged, it would read as the pain
			// lessening while nobody saw it ease.
			return false
		}
		held, again := e.holdStanding(person, level)
		if held {
			return false
		}
		reason += again
	}
	if !e.alert.mayRaise(level, e.now, e.cfg.Alert.Cooldown) {
		return false // the carer heard this within the cooldown; not again
	}
	if since, ok := e.alert.recurred(level, e.now, e.cfg.Alert.Cooldown); ok {
		reason += e.again(level, since) // a new episode: no acknowledgement of it to name
	}
	a := Alert{At: e.now, Level: level, Reason: e.alertReason(reason), Person: person, Score: e.pain.score()}
	e.alert.raised(a)
	e.emit(a)
	if notice {
		e.speech.record(e.now)
		e.act(e.intent(IntentAlertNotice, ToneGentle, true), "told a carer")
	}
	return true
}

// again is what an alert told before ends with: " (again: the last
// urgent alert went out 10m0s ago)", and ", acknowledged by Mary 10m0s
// ago" inside the brackets when a carer acknowledged that level in this
// episode (alertTracker.ackNote).
func (e *Engine) again(level AlertLevel, since time.Duration) string {
	return fmt.Sprintf(" (again: the last %s alert went out %v ago%s)", level, since.Round(time.Second), e.alert.ackNote(level, e.now))
}

// comfortSchedule paces the breathing exercise, then comforts again now and
// then while the pain lasts.
func (e *Engine) comfortSchedule() {
	if !e.comfort.active {
		return
	}
	e.offerBreathing()
	// An answer's window is not talked over: comfort waits for it.
	breath, again := e.comfort.due(e.now, e.cfg.Comfort.BreathingCycle, e.repeatComfort, e.dlg.open)
	switch {
	case breath:
		// A paced cue is part of an exercise already offered, so the
		// nagging limits do not apply to it; comfort speech off mutes it.
		e.act(e.intent(IntentBreathingGuide, ToneGentle, e.cfg.Condition.ComfortSpeech), "breathing cue")
	case again:
		kind := IntentComfort
		if e.rng.IntN(3) == 0 {
			kind = IntentReassure
		}
		e.act(e.intent(kind, ToneGentle, !e.comfortsQuietly() && e.mayComfortAloud()), "pain persists")
	}
}

// repeatComfort is the gap before comforting again, jittered.
func (e *Engine) repeatComfort() time.Duration { return e.jitter(e.cfg.Comfort.Repeat) }

func (e *Engine) jitter(d time.Duration) time.Duration {
	f := 1 + e.cfg.Comfort.Jitter*(2*e.rng.Float64()-1)
	return time.Duration(float64(d) * f)
}

// --- transitions and what entering a state does ---

// fire moves the machine and runs the entry actions; false when the trigger
// does not apply in the current state.
func (e *Engine) fire(t trigger, reason string) bool {
	from, to, ok, err := e.m.fire(t)
	if err != nil {
		e.reject("transition", err.Error())
		return false
	}
	if !ok {
		return false
	}
	e.entered = e.now
	if to == StateIdle && t != trOptIn {
		reason += e.alert.standsNote(e.now) // the console and journal show it stood
	}
	e.emit(Transition{At: e.now, From: from, To: to, Reason: reason, Source: e.src})
	e.enter(t, from, to)
	if m := e.mirror(); m != e.lastMirror {
		e.lastMirror = m
		e.emit(MirrorChange{At: e.now, Settings: m, Chosen: e.chosenMirror()})
	}
	return true
}

func (e *Engine) enter(t trigger, from, to State) {
	switch to {
	case StateComforting, StateAlerting:
	case StatePaused, StateFault:
		e.comfort.withhold() // the pain still calls for the comfort given (oweComfort)
	default:
		e.comfort.stop()
	}
	switch to {
	case StateAsleep:
		e.emit(e.intent(IntentStill, ToneNeutral, false))
	case StateIdle:
		switch t {
		case trLeave:
			e.wizard.drop() // nothing meant for the person should follow them out
			e.closeDialogue()
			e.act(e.intent(IntentGoodbye, ToneGentle, e.mayTalk()), "the person left")
			e.endVisit()
			e.presence.person = ""
		case trResumeAlone, trFaultCleared:
			// Nobody there, or the robot starts over: whoever was in pain
			// before the pause or fault left, as far as the robot knows.
			e.endVisit()
		case trOptIn:
			e.consent.settle()
			e.emit(SensorsChange{At: e.now, On: true, Reason: "opted back in"})
			e.emit(e.intent(IntentOptInAck, ToneNeutral, true))
			e.speech.record(e.now)
		}
	case StateEngaging:
		e.alert.cameBack(e.now)
		cooldown := e.cfg.Presence.GreetCooldown
		aloud := e.presence.greetAloudDue(e.now, cooldown) && e.mayTalk()
		if aloud {
			e.presence.greetedAloud(e.now, cooldown)
		}
		e.act(e.intent(IntentGreet, e.cfg.Speech.GreetTone, aloud), "greeting")
	case StateAttending:
		if t == trResumeWithPerson {
			e.alert.cameBack(e.now)
			// Mimicry stays still until an intent other than still arrives; a
			// silent greeting nod says the robot is back with the person.
			e.act(e.intent(IntentGreet, e.cfg.Speech.GreetTone, false), "resumed")
		}
		if t == trPainEased {
			e.easedAlert(to)
			if !e.cfg.Condition.PresenceOnly {
				e.act(e.intent(IntentReassure, ToneGentle, e.mayComfortAloud()), "pain eased")
			}
			e.endEpisode()
		}
	case StateConcerned:
		if e.alert.offerCall {
			e.askToCall()
			return
		}
		if e.cfg.Condition.PresenceOnly {
			return
		}
		if e.askRating("concern rose") {
			return // the rating question is the check-in
		}
		aloud := e.comfort.checkInDue(e.now, e.cfg.Speech.CheckInCooldown) && e.mayComfortAloud()
		if aloud {
			e.comfort.checkedInAt(e.now)
		}
		e.act(e.intent(IntentCheckIn, ToneGentle, aloud), "checking in")
	case StateComforting:
		e.startComfort()
	case StateAlerting:
		// Easing counts from the alert on: an alert is never resolved in the
		// instant it is raised.
		e.pain.eased.reset()
		a := e.alert.pending
		e.alert.pending = nil
		if a != nil {
			e.raiseAlertFor(a.cause, a.Person, a.Level, a.Reason, true)
		}
		if from != StateComforting {
			e.startComfort()
		}
	case StatePaused:
		e.closeDialogue()
		e.wizard.drop()
		e.emit(e.intent(IntentStill, ToneNeutral, false))
	case StateOptedOut:
		e.closeDialogue()
		e.wizard.drop()
		e.alert.help = false       // the person asked to be left alone; that answers it
		e.alert.openCall = nil     // and a call for help left open
		e.dlg.call.awaited = false // and "Shall I call someone?" with it
		e.endEpisode()
		e.alert.forgetStanding() // sensing stops: after an opt-in, pain is news
		e.latched.forget()
		e.pain.reset()
		e.presence.forget()
		e.senses.forget() // the devices are closed: no loss of them is news
		e.unseen.forget()
		e.emit(SensorsChange{At: e.now, On: false, Reason: "opted out"})
		// Still first: stop talking and moving at once. Then say so, once;
		// the final still waits until the acknowledgement has been said,
		// because voices cuts speech short on IntentStill.
		e.emit(e.intent(IntentStill, ToneNeutral, false))
		e.emit(e.intent(IntentOptOutAck, ToneNeutral, true))
		e.speech.record(e.now)
		e.consent.owe(e.now + e.cfg.OptOut.AckGrace)
	case StateFault:
		e.closeDialogue()
		e.wizard.drop()
		e.emit(e.intent(IntentStill, ToneNeutral, false))
	}
}

// easedAlert tells the carer the pain was seen to ease, in state: the
// episode's alert is resolved, or a call for help no carer acknowledged
// stays open (calm is no answer to it; alertTracker.leaveCallOpen). Pain
// after it is news.
func (e *Engine) easedAlert(state State) {
	switch {
	case e.alert.level == "":
	case e.alert.helpAlert && !e.alert.answered():
		e.alert.leaveCallOpen()
		e.emit(Transition{At: e.now, From: state, To: state, Source: SourceSensing,
			Reason: fmt.Sprintf("pain eased to %.1f; the call for help stays open until a carer acknowledges it", e.pain.score())})
	default:
		e.emit(Alert{At: e.now, Level: AlertResolved, Person: e.presence.person, Score: e.pain.score(),
			Reason: fmt.Sprintf("pain eased to %.1f", e.pain.score())})
	}
	e.alert.forgetStanding() // seen to ease: pain after it is news
}

// easedOutOfEpisode ends an episode's alert that a pause or a fault carried
// out of its episode (paused, faulty, or resumed with the person there,
// attending) once the pain is seen to ease (painEased, as alerting would
// read it: a call for help's calm lasts Alert.ReliefTimeout), as the pain
// easing in the episode does (easedAlert). Before, it was never resolved,
// and within its cooldown it held back the page for the next pain
// (mayRaise): severe pain 3 minutes after a resume went unpaged for 7. Seen
// in someone else, the calm resolves nothing, but their pain is news.
func (e *Engine) easedOutOfEpisode() {
	o := e.alert.open
	switch e.State() {
	case StatePaused, StateFault, StateEngaging, StateAttending:
	default:
		return
	}
	if o == nil {
		return
	}
	v := e.view()
	v.state = StateAlerting
	if _, ok := painEased().holds(v); !ok {
		return
	}
	if o.Person == e.presence.person {
		e.easedAlert(e.State())
	}
	e.endEpisode()
}

func (e *Engine) startComfort() {
	if e.consent.hushed(e.now) {
		// Asked to stop: no comfort starts while hushed. It is owed from
		// now, so lasting pain still reaches a carer (noRelief).
		e.comfort.owe(e.now)
		return
	}
	e.comfort.started(e.now)
	e.emit(Comforted{At: e.now, Person: e.presence.person})
	if e.cfg.Condition.PresenceOnly {
		return // social buffering: being there is the intervention
	}
	e.act(e.intent(IntentComfort, ToneGentle, e.mayComfortAloud()), "comforting")
	e.comfort.begin()
	e.planBreathing() // started, or offered first (breathing.go)
}

// resumeComfort starts the comfort a quiet held back. The quiet asked for
// ("stop" cried in pain, hush; or said calmly, quieten) was for a while: a
// person still in pain when it ends is comforted then, as if comfort had
// just become due, rather than sat beside in silence for the rest of the
// episode. It starts once, at the first evaluation after the quiet when
// the robot is comforting or alerting, entered while quiet (so no comfort
// started in the episode: startComfort only owed it), and the pain calls
// for comfort now (comfortDue). The person leaving, the pain easing or an
// opt-out leave those states and forget what was owed; a quiet asked for
// again holds it back until that one ends. Comfort started before the
// quiet needs none of this: its schedule goes on, and act stays silent
// while hushed. The transition it records names no new state (there is
// none; the robot stays where it is) but says why comfort began.
func (e *Engine) resumeComfort(v view) {
	if e.consent.hushed(e.now) || !e.comfort.owing() {
		return
	}
	why, ok := v.calledFor()
	if !ok {
		return
	}
	e.emit(Transition{At: e.now, From: v.state, To: v.state, Source: SourceSensing,
		Reason: "comfort resumes after the quiet asked for: " + why})
	e.comfort.resume()
	e.startComfort()
}

// endEpisode forgets what belonged to one bout of pain.
func (e *Engine) endEpisode() {
	e.comfort.end()
	e.alert.end()
	e.forgetSaid()
}

// optOut switches sensing, and with it every alert, off. Whatever brought
// it about (two words, a touch, the console), a lone opt-out word heard
// before is spent: after an opt-in, one word must not opt out again as the
// pair's second.
func (e *Engine) optOut(reason string) bool {
	if !e.fire(trOptOut, reason) {
		return false
	}
	e.consent.forgetStop()
	return true
}

// inEpisode says a pain episode is under way: concerned, comforting or
// alerting.
func (e *Engine) inEpisode() bool {
	switch e.State() {
	case StateConcerned, StateComforting, StateAlerting:
		return true
	}
	return false
}

// inDistress says whether the person is in pain now: the robot is
// concerned, comforting or alerting, a call for help awaits its second cue,
// or the pain score has reached Pain.Concern. A frown of irritation alone
// (PAINAD face 1) is not distress here: an annoyed "stop" opts out. Nor is
// only being heard: distress heard in the last unseenWindow while nobody
// could be seen (unseen.go) is distress too.
func (e *Engine) inDistress() bool {
	return e.inEpisode() || e.alert.help || (e.pain.known() && e.pain.score() >= e.cfg.Pain.Concern) ||
		e.unseen.distressed(e.now) // moaning out of view: a "stop" is no calm choice either
}

// hush answers an opt-out word heard while the person is in distress. "Stop!"
// cried in pain, or a keyword spotter's mishearing of a cry, is not a calm
// choice to go unwatched, and opting out would silence every alert (DOMAIN:
// alerts are silenced only by an explicit opt-out). So the robot does what
// was asked of it, stops moving and talking at once and for OptOut.Hush,
// but keeps sensing, and a carer is told. A touch or the console still opts
// out at any time, and the same word said calmly stills the robot
// (quieten) and, said again, asks whether to stop (optout.go).
func (e *Engine) hush(word string) {
	e.goQuiet(e.now + e.cfg.OptOut.Hush)
	e.escalate(AlertWarning, fmt.Sprintf("said %q while in distress: the robot is still and quiet for %v, and still watching",
		word, e.cfg.OptOut.Hush))
}

// quieten answers a lone opt-out word said while calm. Opting out
// switches sensing off, and with it every alert, until someone opts back
// in; a keyword spotter hears "stop" in ordinary speech now and then (on
// the hour of speech `kindred eval --only words` uses, "stop" was heard
// falsely several times an hour). So one word does what was asked of the
// robot, which stops moving and talking at once, for OptOut.Confirm, still
// sensing; the word again within that time asks whether to stop
// (askOptOut, or opts out with OptOut.Ask off), and a touch or the console
// opts out. Like a lone call for help, one spotted word is not enough to
// act on alone.
func (e *Engine) quieten(word string) {
	until := e.now + e.cfg.OptOut.Confirm
	e.consent.heardStop(word, until)
	e.goQuiet(until)
}

// goQuiet stills the robot at once and keeps it from acting of its own
// accord until until: no question open, no proposal waiting. Sensing and
// alerts go on.
func (e *Engine) goQuiet(until time.Duration) {
	e.consent.hush(until)
	e.closeDialogue()
	e.wizard.drop()
	e.emit(e.intent(IntentStill, ToneNeutral, false))
}

func (e *Engine) optIn(reason string) bool {
	if !e.fire(trOptIn, reason) {
		return false
	}
	if e.faulted {
		e.fire(trFault, "robot fault reported while opted out")
	}
	return true
}

// --- intents, speech and proposals ---

// mayTalk says whether unprompted speech is allowed now, and counts it.
func (e *Engine) mayTalk() bool {
	if !e.speech.allow(e.now) {
		return false
	}
	e.speech.record(e.now)
	return true
}

func (e *Engine) mayComfortAloud() bool { return e.cfg.Condition.ComfortSpeech && e.mayTalk() }

func (e *Engine) intent(kind IntentKind, tone Tone, speak bool) Intent {
	// A person is spoken to by a name someone gave: the configuration, or
	// the source that announced them (a scenario, a session started for
	// them). Never by an id such as "face-1": someone the robot does not
	// know is spoken to without a name.
	it := Intent{At: e.now, Kind: kind, Tone: tone, Mirror: e.mirror(), Person: e.presence.name(e.cfg.Names),
		Observed: e.observed}
	if speak {
		it.Say = &Utterance{Lang: e.cfg.Speech.Lang}
	}
	return it
}

// act emits an intent, or in Wizard-of-Oz mode proposes it. While hushed
// the robot does nothing of its own accord; a supervisor's commands and
// alerts to carers go on.
func (e *Engine) act(it Intent, reason string) {
	if e.consent.hushed(e.now) {
		return
	}
	if !e.cfg.Supervision.Wizard {
		e.emit(it)
		return
	}
	e.emit(e.wizard.propose(it, reason, e.now, e.cfg.Supervision.ProposalTTL))
}

// chosenMirror is the condition with the supervisor's overrides: what the
// researcher has asked for, whatever the state allows now.
func (e *Engine) chosenMirror() MirrorSettings {
	m := e.cfg.Condition.Mirror()
	if e.override.gain != nil {
		m.Gain = *e.override.gain
	}
	if e.override.delay != nil {
		m.Delay = *e.override.delay
	}
	if e.override.enabled != nil {
		m.Enabled = *e.override.enabled
	}
	return m
}

// mirror is what mimicry should do now: the condition, the supervisor's
// overrides, and the concern the current state calls for.
func (e *Engine) mirror() MirrorSettings {
	m := e.chosenMirror()
	c := e.cfg.Condition
	switch e.State() {
	case StateAttending, StateEngaging:
		m.Concern = e.cfg.Comfort.AttendingConcern
	case StateConcerned:
		m.Concern = e.cfg.Comfort.ConcernedConcern
	case StateComforting, StateAlerting:
		m.Concern = e.cfg.Comfort.ComfortingConcern
	case StateAsleep, StateIdle, StatePaused, StateOptedOut, StateFault:
		m.Enabled = false // nobody to mirror, or told to keep still
	}
	if c.PresenceOnly {
		m.Enabled, m.Concern = false, 0
	}
	return m
}

func toneFor(kind IntentKind, cfg Config) Tone {
	switch kind {
	case IntentGreet:
		return cfg.Speech.GreetTone
	case IntentOptOutAck, IntentOptInAck, IntentStill:
		return ToneNeutral
	}
	return ToneGentle
}

// forget makes person, just deleted, known as as (a pseudonym) in all the
// engine holds: who is there, the alerts raised, pending, standing or left
// open about them, the question whose answer is theirs, the proposals
// awaiting a supervisor; and their configured name is dropped, so they are
// not spoken to by it again. Nothing else changes: an episode under way
// goes on, and its alerts are acknowledged, repeated and resolved as
// before, about nobody the robot knows (a deletion must not stop care).
// Before, the engine kept their id and name, and every later alert,
// transition and line spoken named them again.
func (e *Engine) forget(person, as string) {
	if person == "" {
		return
	}
	rename := func(p *string) {
		if *p == person {
			*p = as
		}
	}
	name := e.presence.name(e.cfg.Names)
	if e.presence.person != person {
		name = ""
	}
	e.presence.rename(person, as)
	delete(e.cfg.Names, person)
	alerts := func(a *alertTracker) {
		for _, open := range []*Alert{a.open, a.openCall} {
			if open != nil {
				rename(&open.Person)
			}
		}
		if a.pending != nil {
			rename(&a.pending.Person)
		}
	}
	alerts(&e.alert)
	if s := e.alert.standing; s != nil {
		alerts(&s.episode)
	}
	if t := e.unseen.told; t != nil {
		rename(&t.Person)
	}
	rename(&e.unseen.whose)
	rename(&e.unseen.seen)
	rename(&e.dlg.call.person)
	for i := range e.latched.alerts { // carried from the last run (carried.go)
		rename(&e.latched.alerts[i].Person)
	}
	for i := range e.wizard.pending {
		if it := &e.wizard.pending[i].Intent; name != "" && it.Person == name {
			it.Person = ""
		}
	}
}
