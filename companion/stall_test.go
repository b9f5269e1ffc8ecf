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
		raised, resolved := 0, 0
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
			if late := rec.at[i] - a.At; late > 2*time.Second {
				t.Errorf("%s alert raised at %v reached the record %v later (%q)", a.Level, a.At, late.Round(time.Second), a.Reason)
			}
		}
		if raised < 3 || resolved < 3 {
			t.Errorf("%d alerts raised and %d resolved while the body hung; want an episode every 80 s", raised, resolved)
		}
	})
}
