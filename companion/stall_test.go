package companion

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
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

// A body whose writes hang holds no alert back. The bus hangs 3 s into
// the run for five minutes, the real limiter stuck in its write, mimicry
// stuck behind it; meanwhile one pain episode follows another, and every
// alert and its resolution reaches the record (journal, console, fleet,
// stderr) within two seconds of being raised, not when the body answers
// again. Checked against the change switched off (route handing intents
// and mirror settings straight to mimicry, waiting for room): the first
// episode's alert came in time, and every later one only after the bus
// was back, 2 to 4 minutes late.
func TestAStalledBodyHoldsNoAlertBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		p, err := robot.LoadProfile("sim")
		if err != nil {
			t.Fatal(err)
		}
		o := robot.DefaultOpts()
		o.Clock = clock
		const back = 5 * time.Minute
		lim, err := robot.NewLimiter(p.Specs(), &stalledBus{stall: 3 * time.Second, back: back}, o)
		if err != nil {
			t.Fatal(err)
		}
		engine, err := behavior.New(behavior.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		rec := &timedRecorder{start: time.Now()}
		sent := &atomic.Int64{}
		comp, err := New(Parts{Clock: clock, Fuser: episodesFuser{}, Engine: engine, Mirror: chattyMirror{sent},
			Speaker: fakeSpeaker{}, Actuator: lim, Records: rec, Log: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		err = comp.Run(func(ctx context.Context) error {
			comp.Event(perception.Event{At: sec(1), Kind: perception.EventArrived, Person: "ada"})
			time.Sleep(back + time.Minute)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		rec.mu.Lock()
		defer rec.mu.Unlock()
		raised, resolved, worst := 0, 0, time.Duration(0)
		for i, r := range rec.recs {
			a, ok := r.(journal.Alert)
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
