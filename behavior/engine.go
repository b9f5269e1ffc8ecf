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
)

// Engine is the companion's behaviour. It owns all of its state; inputs reach
// it only through Run, one at a time, so the fsm is never entered twice.
type Engine struct {
	cfg     Config
	m       *machine
	rng     *rand.Rand
	running atomic.Bool

	now      time.Duration // newest observation time seen; never goes back
	observed time.Time     // wall time of the assessment being handled, else zero
	buf      []Output

	entered time.Duration // when the current state was entered

	person   string
	present  dwell // assessments say someone is there
	absent   dwell // assessments say nobody is there
	faceLost bool  // absence cannot be seen while the camera is lost

	pain                            painTrack
	concern, comfort, severe, eased dwell

	speech        speechLimiter
	checkedIn     bool
	lastCheckIn   time.Duration
	greeted       map[string]time.Duration
	comfortSince  time.Duration
	breathsLeft   int
	nextBreath    time.Duration
	nextComfort   time.Duration
	comfortActive bool

	alertLevel   AlertLevel // highest level raised in this episode
	lastAlert    [3]time.Duration
	alertSent    [3]bool
	pendingAlert *Alert // the alert escalate is about to raise
	openAlert    *Alert // the latest alert raised in this episode, for acknowledgements

	faulted bool // the body reported a fault that has not cleared

	quietGreeting bool // arriving because of a call: greet without words

	stillDue   time.Duration // when the final still after an opt-out acknowledgement is due
	stillIsDue bool

	hushUntil time.Duration // an opt-out word heard in distress: still and silent until then, sensing on

	override   mirrorOverride
	lastMirror MirrorSettings

	nextID  uint64
	pending []Proposal

	src Source // who caused the input being handled

	announced map[string]string // person id → the name their arrival gave

	// A call for help heard once, waiting for a second cue.
	help         bool
	helpAt       time.Duration
	helpWord     string
	offerCall    bool          // entering concerned because of a lone call for help
	helpAlert    bool          // the episode's alert answers a call for help, not a pain score
	distressAt   time.Duration // last assessment showing distress
	distressSeen bool

	dlg dialogue // the self-report question open, if any (dialogue.go)
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
		cfg:     cfg,
		m:       newMachine(initialState),
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x6b696e64726564)), // "kindred"
		pain:    painTrack{smoothing: cfg.Pain.Smoothing},
		speech:  speechLimiter{minGap: cfg.Speech.MinGap, perMinute: cfg.Speech.PerMinute},
		greeted: make(map[string]time.Duration),
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
// It returns nil on either ending; a blocked out cannot keep it from
// returning once ctx is done. An engine runs once.
func (e *Engine) Run(ctx context.Context, in <-chan Input, out chan<- Output) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("behavior: engine already ran")
	}
	defer close(out)
	send := func(o Output) bool {
		select {
		case out <- o:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if !send(Output{Session: e.session()}) {
		return nil
	}
	for {
		if ctx.Err() != nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case x, ok := <-in:
			if !ok {
				return nil
			}
			for _, o := range e.step(x) {
				if !send(o) {
					return nil
				}
			}
		}
	}
}

func (e *Engine) session() *Session {
	return &Session{Preset: e.cfg.Preset, Condition: e.cfg.Condition, Seed: e.cfg.Seed,
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
	e.emit(Output{Rejected: &Rejected{At: e.now, What: what, Reason: reason}})
}

// --- inputs ---

func (e *Engine) onAssessment(a *perception.PainAssessment) {
	e.advance(a.At)
	if e.State() == StateOptedOut {
		return // sensing is off; whatever still arrives is not looked at
	}
	e.observed = a.Observed
	if a.Person != "" {
		e.person = a.Person
	}
	if a.Present {
		e.present.update(true, a.At)
		e.absent.update(false, a.At)
	} else if !e.faceLost {
		e.present.update(false, a.At)
		e.absent.update(true, a.At)
	}
	if !a.Present || !finite(a.Score) || !(a.Confidence >= e.cfg.Pain.MinConfidence) {
		return
	}
	if e.pain.have && a.At-e.pain.last > e.cfg.Pain.StaleAfter {
		e.resetPain() // after a gap, dwell times start again from fresh evidence
	}
	e.pain.add(a.Score, a.At)
	p, s := e.cfg.Pain, e.pain.score
	// PAINAD: 1 on vocalisation is an occasional moan or groan, 1 on the
	// face a frown; either, or a score of concern, corroborates a call for help.
	if s >= p.Concern || a.Items.Vocalisation >= 1 || a.Items.Face >= 1 {
		e.distressAt, e.distressSeen = a.At, true
	}
	e.concern.update(s >= p.Concern, a.At)
	e.comfort.update(s >= p.Comfort, a.At)
	e.severe.update(s >= p.Severe, a.At)
	e.eased.update(s < p.Clear, a.At)
}

func (e *Engine) onEvent(ev *perception.Event) {
	e.advance(ev.At)
	if e.State() == StateOptedOut {
		if ev.Kind == perception.EventTouch && matchesAny(ev.Text, e.cfg.OptOut.OptInTouch) {
			e.optIn(fmt.Sprintf("touch %q", ev.Text))
		}
		return
	}
	switch ev.Kind {
	case perception.EventArrived:
		if ev.Person != "" {
			e.person = ev.Person
			if name := strings.TrimSpace(ev.Text); name != "" {
				if e.announced == nil {
					e.announced = map[string]string{}
				}
				e.announced[ev.Person] = name
			}
		}
		e.present.update(true, e.now-e.cfg.Presence.ArriveAfter)
		e.absent.reset()
		e.fire(trArrive, "arrived")
	case perception.EventLeft:
		e.present.reset()
		e.absent.update(true, e.now-e.cfg.Presence.LeaveAfter)
		e.fire(trLeave, "left")
	case perception.EventKeyword:
		switch {
		case matchesAny(ev.Text, e.cfg.OptOut.Words):
			if e.inDistress() {
				e.hush(normalise(ev.Text))
				break
			}
			e.optOut(fmt.Sprintf("said %q", normalise(ev.Text)))
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
			e.faceLost = true
			e.absent.reset()
		}
	case perception.EventModalityBack:
		if ev.Modality == perception.ModFace {
			e.faceLost = false
		}
	}
}

// callForHelp handles a spoken call for help. With a second cue (the word
// again, or distress seen within Alert.Corroborate) it raises an urgent
// alert; alone, the robot asks whether to call someone and waits for one
// (settleHelp decides when the wait is over).
func (e *Engine) callForHelp(word string) {
	if cue := e.secondCue(); cue != "" {
		e.help = false
		e.helpAlert = true
		if e.dlg.open && e.dlg.q == QuestionCall {
			e.closeDialogue() // the second cue answers "Shall I call someone?"
		}
		e.escalate(AlertUrgent, fmt.Sprintf("asked for help (%q), %s", word, cue))
		return
	}
	e.help, e.helpAt, e.helpWord = true, e.now, word
	switch e.State() {
	case StateEngaging, StateAttending, StateConcerned, StateComforting, StateAlerting:
		// Entering concerned asks instead of checking in (see enter).
		e.offerCall = true
		moved := e.fire(trPainRising, fmt.Sprintf("said %q", word))
		e.offerCall = false
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
	case e.help && e.now-e.helpAt <= w:
		return "said twice"
	case e.distressSeen && e.now-e.distressAt <= w:
		return fmt.Sprintf("with distress seen (pain %.1f)", e.pain.score)
	}
	return ""
}

// settleHelp ends the wait after a lone call for help: distress seen since
// makes it urgent; none within Alert.Corroborate makes it a warning. The
// carer is told either way. It reports whether the state changed.
func (e *Engine) settleHelp() bool {
	if !e.help {
		return false
	}
	w := e.cfg.Alert.Corroborate
	if e.distressSeen && e.distressAt >= e.helpAt && e.distressAt-e.helpAt <= w {
		e.help, e.helpAlert = false, true
		return e.escalate(AlertUrgent, fmt.Sprintf("asked for help (%q), then distress seen (pain %.1f)",
			e.helpWord, e.pain.score))
	}
	if e.now-e.helpAt > w {
		e.help, e.helpAlert = false, true
		return e.escalate(AlertWarning, fmt.Sprintf("asked for help (%q) once, with no other sign of distress within %v",
			e.helpWord, w))
	}
	return false
}

// heardSomeone wakes the robot for a call of pain or for help it hears
// while it believes nobody is there; the greeting stays silent, so what is
// said next answers the call.
func (e *Engine) heardSomeone(word string) {
	if s := e.State(); s == StateAsleep || s == StateIdle {
		e.quietGreeting = true
		e.fire(trArrive, fmt.Sprintf("heard %q", normalise(word)))
		e.quietGreeting = false
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
		if e.present.on {
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
		e.emit(Output{Intent: &it})
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
		e.emit(Output{Mirror: &MirrorChange{At: e.now, Settings: e.lastMirror, Chosen: e.chosenMirror()}})
	case CmdAnnotate:
		e.emit(Output{Annotation: &c})
	case CmdAcknowledge:
		ack := Acknowledged{At: e.now, By: strings.TrimSpace(c.By), Source: c.Source}
		if e.openAlert != nil {
			a := *e.openAlert
			ack.Alert = &a
		}
		e.emit(Output{Acknowledged: &ack})
	case CmdIdentify:
		// Who a face is belongs to the wiring that names faces; the
		// arrival it sends is what the engine acts on.
	case CmdApprove, CmdReplace:
		if state == StateOptedOut {
			refuse("the person opted out")
			return
		}
		p, ok := e.takeProposal(c.ID)
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
		it.At = e.now
		if it.Say != nil {
			e.speech.record(e.now)
		}
		e.emit(Output{Intent: &it})
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
			return e.escalate(g.alert, reason)
		}
		return e.fire(g.on, reason)
	}
	// No edge's condition holds: what the state does meanwhile.
	now, p, s := v.now, e.cfg.Pain, v.score
	switch v.state {
	case StateOptedOut:
		if e.stillIsDue && now >= e.stillDue {
			e.stillIsDue = false
			e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
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
		switch {
		case v.severeHeld():
			e.escalate(AlertUrgent, fmt.Sprintf("severe pain %.1f for %v while %s", s, p.SevereDwell, why))
		case v.fresh && v.comfort.held(now, e.cfg.Alert.ReliefTimeout):
			// Nobody is comforting: lasting pain is a carer's business.
			e.escalate(AlertWarning, fmt.Sprintf("pain %.1f ≥ %g for %v while %s", s, p.Comfort,
				e.cfg.Alert.ReliefTimeout, why))
		}
	case StateComforting:
		e.comfortSchedule()
	case StateAlerting:
		if v.severeHeld() && AlertUrgent.rank() > e.alertLevel.rank() {
			e.escalate(AlertUrgent, fmt.Sprintf("severe pain %.1f for %v", s, p.SevereDwell))
		}
		// An alert nobody answered is raised again once its cooldown has
		// passed, as long as the pain is still there.
		if r := e.alertLevel.rank(); r > 0 && v.fresh && e.concern.on && now-e.lastAlert[r] >= e.cfg.Alert.Cooldown {
			e.raiseAlert(e.alertLevel, fmt.Sprintf("pain %.1f persists %v after the alert", s, now-e.lastAlert[r]), true)
		}
		e.comfortSchedule()
	}
	return false
}

// escalate raises an alert: from a state with a person it moves to alerting;
// in alerting it raises the alert only when it is more urgent than the last.
func (e *Engine) escalate(level AlertLevel, reason string) bool {
	switch e.State() {
	case StateAlerting:
		if level.rank() > e.alertLevel.rank() {
			e.raiseAlert(level, reason, true)
		}
		return false
	case StateEngaging, StateAttending, StateConcerned, StateComforting:
		e.pendingAlert = &Alert{Level: level, Reason: reason}
		return e.fire(trEscalate, reason)
	case StatePaused, StateFault, StateIdle, StateAsleep:
		// No state to move to: a supervisor has the robot, it is broken, or
		// the person is out of view (someone who called for help and then
		// left the camera's view may have fallen). The carer is told all
		// the same; the robot says nothing.
		e.raiseAlert(level, reason, false)
	}
	return false
}

// raiseAlert tells a carer unless the same level went out within the
// cooldown; it reports whether it did.
func (e *Engine) raiseAlert(level AlertLevel, reason string, notice bool) bool {
	r := level.rank()
	if e.alertSent[r] && e.now-e.lastAlert[r] < e.cfg.Alert.Cooldown {
		return false // the carer heard this within the cooldown; not again
	}
	e.alertSent[r], e.lastAlert[r] = true, e.now
	e.alertLevel = level
	a := Alert{At: e.now, Level: level, Reason: e.alertReason(reason), Person: e.person, Score: e.pain.score}
	e.openAlert = &a
	e.emit(Output{Alert: &a})
	if notice {
		e.speech.record(e.now)
		e.act(e.intent(IntentAlertNotice, ToneGentle, true), "told a carer")
	}
	return true
}

// comfortSchedule paces the breathing exercise, then comforts again now and
// then while the pain lasts.
func (e *Engine) comfortSchedule() {
	if !e.comfortActive {
		return
	}
	e.offerBreathing()
	now := e.now
	if e.breathsLeft > 0 {
		if now >= e.nextBreath {
			e.breathsLeft--
			e.nextBreath = now + e.cfg.Comfort.BreathingCycle
			// A paced cue is part of an exercise already offered, so the
			// nagging limits do not apply to it; comfort speech off mutes it.
			it := e.intent(IntentBreathingGuide, ToneGentle, e.cfg.Condition.ComfortSpeech)
			e.act(it, "breathing cue")
			if e.breathsLeft == 0 {
				e.nextComfort = now + e.jitter(e.cfg.Comfort.Repeat)
			}
		}
		return
	}
	if now >= e.nextComfort && !e.dlg.open { // an answer's window is not talked over
		e.nextComfort = now + e.jitter(e.cfg.Comfort.Repeat)
		kind := IntentComfort
		if e.rng.IntN(3) == 0 {
			kind = IntentReassure
		}
		e.act(e.intent(kind, ToneGentle, !e.comfortsQuietly() && e.mayComfortAloud()), "pain persists")
	}
}

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
	e.emit(Output{Transition: &Transition{At: e.now, From: from, To: to, Reason: reason, Source: e.src}})
	e.enter(t, from, to)
	if m := e.mirror(); m != e.lastMirror {
		e.lastMirror = m
		e.emit(Output{Mirror: &MirrorChange{At: e.now, Settings: m, Chosen: e.chosenMirror()}})
	}
	return true
}

func (e *Engine) enter(t trigger, from, to State) {
	if to != StateComforting && to != StateAlerting {
		e.comfortActive = false
	}
	switch to {
	case StateAsleep:
		e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
	case StateIdle:
		switch t {
		case trLeave:
			e.dropProposals() // nothing meant for the person should follow them out
			e.closeDialogue()
			e.act(e.intent(IntentGoodbye, ToneGentle, e.mayTalk()), "the person left")
			e.endEpisode()
			e.resetPain() // the next visit starts from its own evidence
			e.person = ""
		case trOptIn:
			e.stillIsDue = false
			e.emit(Output{Sensors: &SensorsChange{At: e.now, On: true, Reason: "opted back in"}})
			e.emit(Output{Intent: ptr(e.intent(IntentOptInAck, ToneNeutral, true))})
			e.speech.record(e.now)
		}
	case StateEngaging:
		last, seen := e.greeted[e.person]
		aloud := !e.quietGreeting && (!seen || e.now-last >= e.cfg.Presence.GreetCooldown) && e.mayTalk()
		if aloud {
			maps.DeleteFunc(e.greeted, func(_ string, at time.Duration) bool {
				return e.now-at >= e.cfg.Presence.GreetCooldown
			})
			e.greeted[e.person] = e.now
		}
		e.act(e.intent(IntentGreet, e.cfg.Speech.GreetTone, aloud), "greeting")
	case StateAttending:
		if t == trResumeWithPerson {
			// Mimicry stays still until an intent other than still arrives; a
			// silent greeting nod says the robot is back with the person.
			e.act(e.intent(IntentGreet, e.cfg.Speech.GreetTone, false), "resumed")
		}
		if t == trPainEased {
			if e.alertLevel != "" {
				e.emit(Output{Alert: &Alert{At: e.now, Level: AlertResolved, Person: e.person, Score: e.pain.score,
					Reason: fmt.Sprintf("pain eased to %.1f", e.pain.score)}})
			}
			if !e.cfg.Condition.PresenceOnly {
				e.act(e.intent(IntentReassure, ToneGentle, e.mayComfortAloud()), "pain eased")
			}
			e.endEpisode()
		}
	case StateConcerned:
		if e.offerCall {
			e.askToCall()
			return
		}
		if e.cfg.Condition.PresenceOnly {
			return
		}
		if e.askRating("concern rose") {
			return // the rating question is the check-in
		}
		aloud := (!e.checkedIn || e.now-e.lastCheckIn >= e.cfg.Speech.CheckInCooldown) && e.mayComfortAloud()
		if aloud {
			e.checkedIn, e.lastCheckIn = true, e.now
		}
		e.act(e.intent(IntentCheckIn, ToneGentle, aloud), "checking in")
	case StateComforting:
		e.startComfort()
	case StateAlerting:
		// Easing counts from the alert on: an alert is never resolved in the
		// instant it is raised.
		e.eased.reset()
		a := e.pendingAlert
		e.pendingAlert = nil
		if a != nil {
			e.raiseAlert(a.Level, a.Reason, true)
		}
		if from != StateComforting {
			e.startComfort()
		}
	case StatePaused:
		e.closeDialogue()
		e.dropProposals()
		e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
	case StateOptedOut:
		e.closeDialogue()
		e.dropProposals()
		e.help = false // the person asked to be left alone; that answers it
		e.endEpisode()
		e.resetPain()
		e.present.reset()
		e.absent.reset()
		e.person = ""
		e.emit(Output{Sensors: &SensorsChange{At: e.now, On: false, Reason: "opted out"}})
		// Still first: stop talking and moving at once. Then say so, once;
		// the final still waits until the acknowledgement has been said,
		// because voices cuts speech short on IntentStill.
		e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
		e.emit(Output{Intent: ptr(e.intent(IntentOptOutAck, ToneNeutral, true))})
		e.speech.record(e.now)
		e.stillDue, e.stillIsDue = e.now+e.cfg.OptOut.AckGrace, true
	case StateFault:
		e.closeDialogue()
		e.dropProposals()
		e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
	}
}

func (e *Engine) startComfort() {
	if e.now < e.hushUntil {
		return // asked to stop: no comfort starts while hushed (alerts go on)
	}
	e.comfortSince = e.now
	e.emit(Output{Comforted: &Comforted{At: e.now, Person: e.person}})
	if e.cfg.Condition.PresenceOnly {
		return // social buffering: being there is the intervention
	}
	e.comfortActive = true
	e.act(e.intent(IntentComfort, ToneGentle, e.mayComfortAloud()), "comforting")
	e.planBreathing() // started, or offered first (breathing.go)
}

func (e *Engine) resetPain() {
	e.pain.reset()
	e.concern.reset()
	e.comfort.reset()
	e.severe.reset()
	e.eased.reset()
}

// endEpisode forgets what belonged to one bout of pain.
func (e *Engine) endEpisode() {
	e.comfortActive = false
	e.breathsLeft = 0
	e.alertLevel = ""
	e.pendingAlert = nil
	e.helpAlert = false
	e.openAlert = nil
	e.forgetSaid()
}

func (e *Engine) optOut(reason string) bool { return e.fire(trOptOut, reason) }

// inDistress says whether the person is in pain now: the robot is
// concerned, comforting or alerting, a call for help awaits its second cue,
// or the pain score has reached Pain.Concern. A frown of irritation alone
// (PAINAD face 1) is not distress here: an annoyed "stop" opts out.
func (e *Engine) inDistress() bool {
	switch e.State() {
	case StateConcerned, StateComforting, StateAlerting:
		return true
	}
	return e.help || (e.pain.have && e.pain.score >= e.cfg.Pain.Concern)
}

// hush answers an opt-out word heard while the person is in distress. "Stop!"
// cried in pain, or a keyword spotter's mishearing of a cry, is not a calm
// choice to go unwatched, and opting out would silence every alert (DOMAIN:
// alerts are silenced only by an explicit opt-out). So the robot does what
// was asked of it, stops moving and talking at once and for OptOut.Hush,
// but keeps sensing, and a carer is told. A touch or the console still opts
// out at any time, and the same word said once calm opts out as always.
func (e *Engine) hush(word string) {
	e.hushUntil = e.now + e.cfg.OptOut.Hush
	e.closeDialogue()
	e.dropProposals()
	e.emit(Output{Intent: ptr(e.intent(IntentStill, ToneNeutral, false))})
	e.escalate(AlertWarning, fmt.Sprintf("said %q while in distress: the robot is still and quiet for %v, and still watching",
		word, e.cfg.OptOut.Hush))
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
	name, ok := e.cfg.Names[e.person]
	if !ok {
		name = e.announced[e.person]
	}
	it := Intent{At: e.now, Kind: kind, Tone: tone, Mirror: e.mirror(), Person: name, Observed: e.observed}
	if speak {
		it.Say = &Utterance{Lang: e.cfg.Speech.Lang}
	}
	return it
}

// act emits an intent, or in Wizard-of-Oz mode proposes it. While hushed
// the robot does nothing of its own accord; a supervisor's commands and
// alerts to carers go on.
func (e *Engine) act(it Intent, reason string) {
	if e.now < e.hushUntil {
		return
	}
	if !e.cfg.Supervision.Wizard {
		e.emit(Output{Intent: &it})
		return
	}
	e.prune()
	e.nextID++
	p := Proposal{ID: e.nextID, At: e.now, Intent: it, Reason: reason}
	e.pending = append(e.pending, p)
	e.emit(Output{Proposal: &p})
}

const maxPending = 32

func (e *Engine) prune() {
	i := 0
	for i < len(e.pending) && (e.now-e.pending[i].At > e.cfg.Supervision.ProposalTTL || len(e.pending)-i >= maxPending) {
		i++
	}
	e.pending = append(e.pending[:0], e.pending[i:]...)
}

func (e *Engine) takeProposal(id uint64) (Proposal, bool) {
	e.prune()
	for i, p := range e.pending {
		if p.ID == id {
			e.pending = append(e.pending[:i], e.pending[i+1:]...)
			return p, true
		}
	}
	return Proposal{}, false
}

func (e *Engine) dropProposals() { e.pending = e.pending[:0] }

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

func ptr[T any](v T) *T { return &v }
