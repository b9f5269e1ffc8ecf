package companion

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
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

// stalledBus is a body whose writes hang, without an error, from stall
// until back: a Firmata board over Wi-Fi gone without a word (its TCP
// writes block once the send buffer is full, until TCP gives up minutes
// later), or a native-USB board whose firmware stopped reading. A hung
// write sees no context, so it ignores the one it is given.
type stalledBus struct {
	stall, back time.Duration
	mu          sync.Mutex
	start       time.Time
}

func (b *stalledBus) Write(context.Context, robot.Pose) error {
	b.mu.Lock()
	if b.start.IsZero() {
		b.start = time.Now()
	}
	since := time.Since(b.start)
	b.mu.Unlock()
	if since >= b.stall && since < b.back {
		time.Sleep(b.back - since)
	}
	return nil
}

func (b *stalledBus) Halt() error { return nil }

// episodesFuser assesses a person in front of the robot ten times a
// second, in pain (8 of 10) for the first 40 s of every 80 s from 10 s on,
// calm otherwise: one pain episode after another, each raising an alert
// and resolving it.
type episodesFuser struct{}

func (episodesFuser) Run(ctx context.Context, _ fusion.Inputs, out chan<- perception.PainAssessment) error {
	defer close(out)
	start := time.Now()
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-t.C:
			at := now.Sub(start)
			score := 0.5
			if at >= 10*time.Second && (at-10*time.Second)%(80*time.Second) < 40*time.Second {
				score = 8
			}
			select {
			case out <- perception.PainAssessment{At: at, Person: "ada", Present: true, Confidence: 1, Score: score}:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// timedRecorder records when (on the bubble's clock) each record came.
type timedRecorder struct {
	start time.Time
	mu    sync.Mutex
	at    []time.Duration
	recs  []journal.Record
}

func (r *timedRecorder) Record(rec journal.Record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = append(r.at, time.Since(r.start))
	r.recs = append(r.recs, rec)
}

// A body whose writes hang holds no alert back, and is itself told. The
// bus hangs 3 s into the run for five minutes, the real limiter wired as
// kindred run wires it (OnBusLost, OnBusBack); meanwhile one pain episode
// follows another, and every alert and its resolution reaches the record
// (journal, console, fleet, stderr) within two seconds of being raised,
// not when the body answers again. The hang is the body lost, a second
// after the write that hung: one fault (component body) and a warning
// (sense body) at once; when the write returns, the body is back
// (resolved, after the 4m56s it was lost). Checked against the change switched off (route
// handing intents and mirror settings straight to mimicry, waiting for
// room): the first episode's alert came in time, and every later one
// only after the bus was back, 2 to 4 minutes late; and against the
// limiter calling the actuator without a deadline: no fault, no warning,
// no resolution, the carer never told the robot was frozen.
func TestAStalledBodyHoldsNoAlertBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const back = 5 * time.Minute
		rec := &timedRecorder{start: time.Now()}
		_, log, _, err := runLimited(t, &stalledBus{stall: 3 * time.Second, back: back}, true, episodesFuser{}, rec,
			func(comp *Companion) {
				comp.Event(perception.Event{At: sec(1), Kind: perception.EventArrived, Person: "ada"})
				time.Sleep(back + time.Minute)
			})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		// Session time runs a second ahead of the bubble's clock.
		const stopped = back + time.Minute + time.Second
		raised, resolved, worst := 0, 0, time.Duration(0)
		var faults []journal.Fault
		var body []string
		for i, r := range rec.recs {
			// A fault at the stop (an assessment the fuser sent as the
			// run ended, which the engine did not take) is the stop's,
			// not the hang's: which goroutine the bubble runs first
			// decides whether one comes.
			if f, ok := r.(journal.Fault); ok && f.At < stopped {
				faults = append(faults, f)
			}
			a, ok := r.(journal.Alert)
			if ok && a.Sense == "body" {
				body = append(body, fmt.Sprintf("%v %s: %s", a.At.Round(100*time.Millisecond), a.Level, a.Reason))
				continue
			}
			if !ok || a.At >= back {
				continue
			}
			if a.Level == journal.LevelResolved {
				resolved++
			} else {
				raised++
			}
			late := rec.at[i] - a.At
			worst = max(worst, late)
			if late > 2*time.Second {
				t.Errorf("%s alert raised at %v reached the record %v later (%q)", a.Level, a.At, late.Round(time.Second), a.Reason)
			}
		}
		t.Logf("%d alerts raised and %d resolved while the body hung; the slowest reached the record %v after it was raised", raised, resolved, worst)
		if raised < 3 || resolved < 3 {
			t.Errorf("%d alerts raised and %d resolved while the body hung; want an episode every 80 s", raised, resolved)
		}
		// Session time runs a second ahead of the bubble's clock (the
		// arrival at 1 s sets it): the write that hung began at 4 s, the
		// bus answered again at 5m1s.
		const hung = "robot: limiter: write did not return within 1s: the bus hangs"
		if len(faults) != 1 || faults[0].Component != "body" || faults[0].Message != hung || faults[0].At != sec(5) {
			t.Errorf("faults %+v, want one at 5 s: body, %q", faults, hung)
		}
		want := []string{"5s warning: body lost: the robot cannot move (" + hung + ")",
			"5m1s resolved: body back after 4m56s: the robot can move again"}
		if !slices.Equal(body, want) {
			t.Errorf("body alerts\n%q\nwant\n%q", body, want)
		}
		if !strings.Contains(log.String(), "kindred: fault: body: "+hung+"\n") {
			t.Errorf("stderr lacks the body's fault:\n%s", log)
		}
	})
}

// stuckSpeaker takes no intent until the run ends: a speech engine or a
// sound server that hangs in the middle of a line.
type stuckSpeaker struct{}

func (stuckSpeaker) Run(ctx context.Context, _ <-chan behavior.Intent, mouth chan<- robot.Command, spoken chan<- voices.Spoken) error {
	defer close(mouth)
	defer close(spoken)
	<-ctx.Done()
	return nil
}
func (stuckSpeaker) Hear(perception.VoiceObs) {}

// A voice that hangs holds no alert back either: the engine decides a
// hundred lines, then an alert, and the alert reaches the record at once;
// the lines the voice could not take beyond the 64 held are coalesced
// faults, each counted. Checked against the change switched off: the alert never reached
// the record while the voice hung (route waited on the 17th line).
func TestAStuckVoiceHoldsNoAlertBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		engine := &fakeEngine{respond: func(in behavior.Input) []behavior.Output {
			var outs []behavior.Output
			for range 100 {
				outs = append(outs, behavior.Intent{Kind: behavior.IntentComfort, Say: &behavior.Utterance{}})
			}
			return append(outs, behavior.Alert{At: sec(1), Level: behavior.AlertUrgent, Person: "ada", Reason: "asked for help"})
		}}
		rec, log := &timedRecorder{start: time.Now()}, &bytes.Buffer{}
		comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: fakeMirror{},
			Speaker: stuckSpeaker{}, Actuator: &fakeActuator{}, Records: rec, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		var alerted bool
		err = comp.Run(func(ctx context.Context) error {
			comp.Event(perception.Event{At: sec(1), Kind: perception.EventKeyword, Text: "help"})
			time.Sleep(10 * time.Second)
			rec.mu.Lock()
			for _, r := range rec.recs {
				_, ok := r.(journal.Alert)
				alerted = alerted || ok
			}
			rec.mu.Unlock()
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		if !alerted {
			t.Errorf("the alert did not reach the record while the voice hung\n%s", log)
		}
		// 100 lines: 16 wait in the voice's channel, one is on its way, 64
		// are held, and the oldest of the rest are dropped.
		want := `decision(s) a stage did not take (latest: "voice: intent comfort")`
		if !bytes.Contains(log.Bytes(), []byte("kindred: fault: behaviour: dropped ")) || !bytes.Contains(log.Bytes(), []byte(want)) {
			t.Errorf("stderr lacks the dropped lines (%q):\n%s", want, log)
		}
		if n := comp.Stats().Faults; n < 100-16-1-maxHeld {
			t.Errorf("%d faults, want the %d lines dropped counted", n, 100-16-1-maxHeld)
		}
	})
}
