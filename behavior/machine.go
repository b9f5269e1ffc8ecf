package behavior

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/looplab/fsm"
)

// State is where the companion is in its interaction with a person.
type State string

const (
	StateAsleep     State = "asleep"     // resting; nobody around for a while
	StateIdle       State = "idle"       // awake, waiting for someone
	StateEngaging   State = "engaging"   // someone arrived; greeting them
	StateAttending  State = "attending"  // with the person, no pain of note
	StateConcerned  State = "concerned"  // pain rising: checking in gently
	StateComforting State = "comforting" // pain persists: staying close, soothing
	StateAlerting   State = "alerting"   // a carer has been told; still comforting
	StatePaused     State = "paused"     // a supervisor took over
	StateOptedOut   State = "opted_out"  // the person said stop: sensing off, still
	StateFault      State = "fault"      // the body reported a fault
)

// States lists every state in a stable order.
var States = []State{StateAsleep, StateIdle, StateEngaging, StateAttending, StateConcerned,
	StateComforting, StateAlerting, StatePaused, StateOptedOut, StateFault}

// trigger names an fsm event. It stays inside the package: callers speak in
// Inputs, and the engine decides which trigger an input amounts to.
type trigger string

const (
	trArrive           trigger = "arrive"
	trGreeted          trigger = "greeted"
	trPainRising       trigger = "pain_rising"
	trPainPersists     trigger = "pain_persists"
	trPainEased        trigger = "pain_eased"
	trEscalate         trigger = "escalate"
	trLeave            trigger = "leave"
	trRest             trigger = "rest"
	trPause            trigger = "pause"
	trResumeWithPerson trigger = "resume_with_person"
	trResumeAlone      trigger = "resume_alone"
	trOptOut           trigger = "opt_out"
	trOptIn            trigger = "opt_in"
	trFault            trigger = "fault"
	trFaultCleared     trigger = "fault_cleared"
)

// edge is one row of the transition table: the single source of truth for
// the fsm, the Mermaid diagram and the conditions the engine tests.
type edge struct {
	on   trigger
	from []State
	to   State
	// guards are the conditions that fire the trigger, any one of them;
	// the diagram's label lists them in this order (see guard).
	guards []guard
}

var (
	withPerson = []State{StateEngaging, StateAttending, StateConcerned, StateComforting, StateAlerting}
	active     = []State{StateAsleep, StateIdle, StateEngaging, StateAttending, StateConcerned,
		StateComforting, StateAlerting}
)

func allBut(skip ...State) []State {
	var out []State
	for _, s := range States {
		keep := true
		for _, k := range skip {
			keep = keep && s != k
		}
		if keep {
			out = append(out, s)
		}
	}
	return out
}

// transitions is the machine. Order matters only for the diagram.
func transitions() []edge {
	return []edge{
		{trArrive, []State{StateAsleep, StateIdle}, StateEngaging, []guard{
			onInput("arrived", "arrived"), presentFor(),
			onInput("heard", "a pain word or call for help heard")}},
		{trGreeted, []State{StateEngaging}, StateAttending, []guard{greetedAfter()}},
		{trPainRising, []State{StateEngaging, StateAttending}, StateConcerned, []guard{
			painRising(), onInput("pain word", "a pain word")}},
		{trPainPersists, []State{StateConcerned}, StateComforting, comfortDue()},
		{trPainEased, []State{StateConcerned, StateComforting, StateAlerting}, StateAttending, []guard{painEased()}},
		{trEscalate, []State{StateEngaging, StateAttending, StateConcerned, StateComforting}, StateAlerting, []guard{
			severePain(), noRelief(), onInput("help word", "a help word")}},
		{trLeave, withPerson, StateIdle, []guard{
			{name: "left", when: func(Config) string { return "left" }, in: []State{StateEngaging, StateAttending}},
			absentFor()}},
		{trRest, []State{StateIdle}, StateAsleep, []guard{nobodyFor()}},
		{trPause, active, StatePaused, []guard{onInput("pause", "console pause")}},
		{trResumeWithPerson, []State{StatePaused}, StateAttending, []guard{
			onInput("resume with person", "console resume, person present")}},
		{trResumeAlone, []State{StatePaused}, StateIdle, []guard{onInput("resume alone", "console resume, nobody present")}},
		{trOptOut, allBut(StateOptedOut), StateOptedOut, []guard{
			onInput("stop word", "stop word"), onInput("opt-out touch", "opt-out touch"),
			onInput("console opt_out", "console opt_out")}},
		{trOptIn, []State{StateOptedOut}, StateIdle, []guard{{name: "opt in", when: func(c Config) string {
			if len(c.OptOut.OptInTouch) > 0 {
				return "console opt_in or opt-in touch"
			}
			return "console opt_in"
		}}}},
		{trFault, allBut(StateOptedOut, StateFault), StateFault, []guard{onInput("fault", "robot fault")}},
		{trFaultCleared, []State{StateFault}, StateIdle, []guard{onInput("fault cleared", "robot fault cleared")}},
	}
}

// machine wraps looplab/fsm. It registers no callbacks at all: the engine
// runs entry actions itself after Event returns, so nothing can re-enter the
// fsm from inside a callback (looplab/fsm #36, #102), and it passes a context
// that is never cancelled, so a cancelled run cannot leave the fsm stuck
// mid-transition (the v1.0.3 bug).
type machine struct {
	f     *fsm.FSM
	state State // the fsm's current state, cached: its getter takes a lock
	// timed is, per state, the tested guards of the edges leaving it, in
	// the order the engine tries them; leaving is the current state's.
	timed   map[State][]timedGuard
	leaving []timedGuard
}

func newMachine(initial State) *machine {
	var events fsm.Events
	edges := transitions()
	for _, e := range edges {
		src := make([]string, len(e.from))
		for i, s := range e.from {
			src[i] = string(s)
		}
		events = append(events, fsm.EventDesc{Name: string(e.on), Src: src, Dst: string(e.to)})
	}
	m := &machine{f: fsm.NewFSM(string(initial), events, nil), state: initial, timed: timedFrom(edges)}
	m.leaving = m.timed[initial]
	return m
}

func (m *machine) current() State { return m.state }

func (m *machine) can(t trigger) bool { return m.f.Can(string(t)) }

// fire moves the machine; it reports false when the trigger does not apply
// in the current state.
func (m *machine) fire(t trigger) (from, to State, ok bool, err error) {
	from = m.current()
	if !m.can(t) {
		return from, from, false, nil
	}
	if err := m.f.Event(context.Background(), string(t)); err != nil {
		if errors.As(err, new(fsm.NoTransitionError)) {
			return from, from, false, nil
		}
		return from, from, false, fmt.Errorf("behavior: fsm %s from %s: %w", t, from, err)
	}
	m.state = State(m.f.Current())
	m.leaving = m.timed[m.state]
	return from, m.state, true, nil
}

// Mermaid renders the machine as a Mermaid stateDiagram-v2, generated from
// the same transition table the engine runs, with guards labelled from cfg.
// Each arrow lists the guards that apply from its source state.
func Mermaid(cfg Config) string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	fmt.Fprintf(&b, "    [*] --> %s\n", initialState)
	for _, e := range transitions() {
		for _, from := range e.from {
			fmt.Fprintf(&b, "    %s --> %s: %s [%s]\n", from, e.to, e.on, label(e.guardsFrom(from), cfg))
		}
	}
	return b.String()
}

// guardsFrom is the edge's guards that apply from state s.
func (e edge) guardsFrom(s State) []guard {
	var gs []guard
	for _, g := range e.guards {
		if g.appliesIn(s) {
			gs = append(gs, g)
		}
	}
	return gs
}

const initialState = StateIdle
