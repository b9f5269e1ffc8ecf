package companion

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
	"github.com/kindred-hri/kindred/voices"
)

// The recording fakes stand for the real stages: each records what it got
// and closes its outputs when it returns, as the real ones do.

type fakeFuser struct{ faces chan perception.FaceObs }

func (f *fakeFuser) Run(ctx context.Context, in fusion.Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case o := <-in.Faces:
			out <- perception.PainAssessment{At: o.At, Person: "ada", Score: 0.7}
		case <-in.Voices:
		case <-in.Postures:
		case <-in.Events:
		}
	}
}

// fakeEngine answers each event input with the outputs respond gives.
type fakeEngine struct {
	mu      sync.Mutex
	inputs  []behavior.Input
	respond func(behavior.Input) []behavior.Output
}

func (e *fakeEngine) Run(ctx context.Context, in <-chan behavior.Input, out chan<- behavior.Output) error {
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case i := <-in:
			if _, tick := i.(*behavior.Tick); tick {
				continue
			}
			e.mu.Lock()
			e.inputs = append(e.inputs, i)
			e.mu.Unlock()
			if e.respond == nil {
				continue
			}
			for _, o := range e.respond(i) {
				select {
				case out <- o:
				case <-ctx.Done():
					return nil
				}
			}
		}
	}
}

func (e *fakeEngine) got() []behavior.Input {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.inputs)
}

type fakeMirror struct{}

func (fakeMirror) Run(ctx context.Context, faces <-chan perception.FaceObs, intents <-chan behavior.Intent,
	settings <-chan behavior.MirrorChange, out chan<- robot.Command) error {
	defer close(out)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-faces:
		case <-settings:
		case in, ok := <-intents:
			if !ok {
				return nil
			}
			if in.Kind == behavior.IntentComfort {
				out <- robot.Command{Source: robot.SourceMimicry, Pose: robot.Pose{robot.HeadPan: 10}}
			}
		}
	}
}

type fakeSpeaker struct{}

func (fakeSpeaker) Run(ctx context.Context, intents <-chan behavior.Intent, mouth chan<- robot.Command, spoken chan<- voices.Spoken) error {
	defer close(mouth)
	defer close(spoken)
	for {
		select {
		case <-ctx.Done():
			return nil
		case in, ok := <-intents:
			if !ok {
				return nil
			}
			if in.Say != nil {
				spoken <- voices.Spoken{At: in.At, Person: in.Person, Intent: in.Kind, Text: in.Say.Text, Source: in.Source}
			}
		}
	}
}
func (fakeSpeaker) Hear(perception.VoiceObs) {}

type fakeActuator struct {
	mu    sync.Mutex
	cmds  []robot.Command
	halts int
}

func (a *fakeActuator) Run(ctx context.Context, cmds <-chan robot.Command) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case c, ok := <-cmds:
			if !ok {
				return nil
			}
			a.mu.Lock()
			a.cmds = append(a.cmds, c)
			a.mu.Unlock()
		}
	}
}

func (a *fakeActuator) Halt() error {
	a.mu.Lock()
	a.halts++
	a.mu.Unlock()
	return nil
}

type recorder struct {
	mu      sync.Mutex
	records []journal.Record
}

func (r *recorder) Record(rec journal.Record) {
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.mu.Unlock()
}

func (r *recorder) kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.records {
		switch rec.(type) {
		case journal.Assessment:
			out = append(out, "assessment")
		case journal.Transition:
			out = append(out, "transition")
		case journal.Alert:
			out = append(out, "alert")
		case journal.Utterance:
			out = append(out, "utterance")
		case journal.Fault:
			out = append(out, "fault")
		case journal.Identification:
			out = append(out, "identification")
		default:
			out = append(out, "other")
		}
	}
	return out
}

type rig struct {
	comp   *Companion
	engine *fakeEngine
	act    *fakeActuator
	rec    *recorder
	log    *bytes.Buffer
}

func newRig(t *testing.T, speed float64, respond func(behavior.Input) []behavior.Output) *rig {
	t.Helper()
	clock, err := sessiontime.New(speed)
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{engine: &fakeEngine{respond: respond}, act: &fakeActuator{}, rec: &recorder{}, log: &bytes.Buffer{}}
	r.comp, err = New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: r.engine, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: r.act, Records: r.rec, Log: r.log})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNewNeedsEveryPart(t *testing.T) {
	clock := sessiontime.RealTime()
	full := Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: &fakeEngine{}, Mirror: fakeMirror{},
		Speaker: fakeSpeaker{}, Actuator: &fakeActuator{}, Records: &recorder{}}
	if _, err := New(full); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Parts){
		"clock":    func(p *Parts) { p.Clock = nil },
		"fuser":    func(p *Parts) { p.Fuser = nil },
		"engine":   func(p *Parts) { p.Engine = nil },
		"mirror":   func(p *Parts) { p.Mirror = nil },
		"speaker":  func(p *Parts) { p.Speaker = nil },
		"actuator": func(p *Parts) { p.Actuator = nil },
		"records":  func(p *Parts) { p.Records = nil },
	} {
		p := full
		edit(&p)
		if _, err := New(p); err == nil {
			t.Errorf("no %s: no error", name)
		}
	}
}

func TestRunNeedsBind(t *testing.T) {
	r := newRig(t, 1, nil)
	if err := r.comp.Run(func(context.Context) error { return nil }); err == nil {
		t.Error("Run before Bind: no error")
	}
}

// TestRunRoutesAndShutsDown: observations reach fusion and the engine,
// decisions reach the record, voice and body; Stop ends every stage, the
// body is halted, the finisher runs while the services still run, and
// the services stop last.
func TestRunRoutesAndShutsDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, 20, func(in behavior.Input) []behavior.Output {
			ev, ok := in.(*behavior.Observed)
			if !ok || ev.Kind != perception.EventArrived {
				return nil
			}
			at := ev.At
			return []behavior.Output{
				behavior.Transition{At: at, From: "idle", To: "engaged", Reason: "arrived"},
				behavior.Intent{At: at, Kind: behavior.IntentComfort, Person: "ada", Say: &behavior.Utterance{Text: "hello"}},
				behavior.Alert{At: at, Person: "ada", Level: behavior.AlertWarning, Reason: "test"},
			}
		})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r.comp.Bind(ctx)

		var order []string
		var mu sync.Mutex
		note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
		r.comp.AddService(func(ctx context.Context) error {
			<-ctx.Done()
			note("service stopped")
			return nil
		})
		r.comp.AddFinisher(func(ctx context.Context) error {
			if ctx.Err() != nil {
				t.Error("the finisher ran after the services' context ended")
			}
			note("finished")
			return nil
		})
		start := func(ctx context.Context) error {
			r.comp.Face(perception.FaceObs{At: time.Second})
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			time.Sleep(time.Second)
			synctest.Wait()
			r.comp.Stop()
			return nil
		}
		if err := r.comp.Run(start); err != nil {
			t.Fatal(err)
		}
		if got := r.engine.got(); len(got) < 2 {
			t.Errorf("engine got %d inputs, want the assessment and the arrival", len(got))
		}
		kinds := r.rec.kinds()
		for _, want := range []string{"assessment", "transition", "alert", "utterance"} {
			if !slices.Contains(kinds, want) {
				t.Errorf("records %v lack %s", kinds, want)
			}
		}
		if len(r.act.cmds) != 1 {
			t.Errorf("body got %d commands, want the comfort's one", len(r.act.cmds))
		}
		if r.act.halts != 1 {
			t.Errorf("body halted %d times, want 1", r.act.halts)
		}
		st := r.comp.Stats()
		if st.Alerts != 1 || st.Transitions != 1 || st.Utterances != 1 || st.MaxPain != 0.7 {
			t.Errorf("stats %+v", st)
		}
		if r.comp.State() != "engaged" {
			t.Errorf("state %q, want engaged", r.comp.State())
		}
		if !slices.Equal(order, []string{"finished", "service stopped"}) {
			t.Errorf("shutdown order %v, want the finisher before the services stop", order)
		}
	})
}

// TestServiceFailureEndsTheRun: a failing service ends the session, its
// error is returned, and the body is still halted.
func TestServiceFailureEndsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, 1, nil)
		r.comp.Bind(t.Context())
		boom := errors.New("console: address in use")
		r.comp.AddService(func(ctx context.Context) error { return boom })
		err := r.comp.Run(func(ctx context.Context) error { <-ctx.Done(); return nil })
		if !errors.Is(err, boom) {
			t.Errorf("Run = %v, want the service's error", err)
		}
		if r.act.halts != 1 {
			t.Errorf("body halted %d times, want 1", r.act.halts)
		}
	})
}

// TestClosedSensorsDropObservations: while the person has opted out,
// observations are discarded at the door; a touch still gets through.
func TestClosedSensorsDropObservations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, 1, func(in behavior.Input) []behavior.Output {
			if ev, ok := in.(*behavior.Observed); ok && ev.Kind == perception.EventArrived {
				return []behavior.Output{behavior.SensorsChange{On: false}}
			}
			return nil
		})
		r.comp.Bind(t.Context())
		start := func(ctx context.Context) error {
			r.comp.Event(perception.Event{At: time.Second, Kind: perception.EventArrived, Person: "ada"})
			synctest.Wait()
			r.comp.Event(perception.Event{At: 2 * time.Second, Kind: perception.EventLeft, Person: "ada"})
			r.comp.Event(perception.Event{At: 3 * time.Second, Kind: perception.EventTouch})
			synctest.Wait()
			r.comp.Stop()
			return nil
		}
		if err := r.comp.Run(start); err != nil {
			t.Fatal(err)
		}
		var kinds []perception.EventKind
		for _, in := range r.engine.got() {
			if ev, ok := in.(*behavior.Observed); ok {
				kinds = append(kinds, ev.Kind)
			}
		}
		if !slices.Equal(kinds, []perception.EventKind{perception.EventArrived, perception.EventTouch}) {
			t.Errorf("engine got events %v, want the arrival and the touch only", kinds)
		}
		if r.comp.Stats().SensorsOn {
			t.Error("summary says sensors on after opt-out")
		}
	})
}

// TestMergeCommandsMovesObservedByTheDelaysWallShare: a configured mimicry
// delay is not latency; at speed 20 a 400 ms delay is 20 ms of wall time.
func TestMergeCommandsMovesObservedByTheDelaysWallShare(t *testing.T) {
	clock, _ := sessiontime.New(20)
	in := make(chan robot.Command, 1)
	out := make(chan robot.Command, 1)
	t0 := time.Unix(1000, 0)
	in <- robot.Command{Observed: t0, Delay: 400 * time.Millisecond}
	close(in)
	if err := mergeCommands(context.Background(), clock, out, in); err != nil {
		t.Fatal(err)
	}
	if got := (<-out).Observed.Sub(t0); got != 20*time.Millisecond {
		t.Errorf("observed moved by %v, want 20ms", got)
	}
}

// The run's last line names its session, the session time it covered,
// the alerts that went out (in words for none and one) and the summary.
func TestEndLine(t *testing.T) {
	tests := []struct {
		session string
		ended   time.Duration
		alerts  int
		told    int
		summary string
		want    string
	}{
		{"s-1", 90400 * time.Millisecond, 0, 0, "", "kindred: run ended, session s-1 (1m30s of session time); no alerts went out"},
		{"", 3 * time.Second, 1, 0, "", "kindred: run ended (3s of session time); 1 alert went out"},
		{"s-2", time.Minute, 4, 0, "s.json", "kindred: run ended, session s-2 (1m0s of session time); 4 alerts went out; summary in s.json"},
		{"s-3", time.Minute, 3, 2, "", "kindred: run ended, session s-3 (1m0s of session time); 3 alerts went out (with 2 standing from the last run, carried into this one)"},
	}
	for _, tt := range tests {
		if got := EndLine(tt.session, tt.ended, tt.alerts, tt.told, tt.summary); got != tt.want {
			t.Errorf("EndLine(%q, %v, %d, %d, %q) = %q, want %q", tt.session, tt.ended, tt.alerts, tt.told, tt.summary, got, tt.want)
		}
	}
}
