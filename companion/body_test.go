package companion

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/journal"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
)

// errBus is what a limiter says when the body's bus keeps failing.
var errBus = errors.New("robot: limiter: write failed 4 times: serial /dev/ttyUSB0: input/output error")

// brokenBody is an Actuator whose bus fails after a few seconds: Run
// takes commands until then and returns errBus, as robot.Limiter does.
type brokenBody struct {
	after time.Duration
	mu    sync.Mutex
	halts int
}

func (b *brokenBody) Run(ctx context.Context, cmds <-chan robot.Command) error {
	t := time.NewTimer(b.after)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			return errBus
		case _, ok := <-cmds:
			if !ok {
				return nil
			}
		}
	}
}

func (b *brokenBody) Halt() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.halts++
	return nil
}

// chattyMirror sends a head command every 100 ms, as mimicry does while
// it follows a face (5° and -5° in turn, so the body keeps moving), waiting for room as the real mirror does: a body
// that stops reading stops it, and with it the intents it takes.
type chattyMirror struct{ sent *atomic.Int64 }

func (m chattyMirror) Run(ctx context.Context, _ <-chan perception.FaceObs, intents <-chan behavior.Intent,
	_ <-chan behavior.MirrorChange, out chan<- robot.Command) error {
	defer close(out)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-intents:
			if !ok {
				return nil
			}
		case <-t.C:
			select {
			case out <- robot.Command{Source: robot.SourceMimicry, Pose: robot.Pose{robot.HeadPan: robot.Degrees(float64(5 - 10*(m.sent.Load()%2)))}}:
				m.sent.Add(1)
			case <-ctx.Done():
				return nil
			}
		}
	}
}

// The body's bus fails 3 s into the run, for good. The run goes on: the
// loss is one fault (component body, the limiter's error) and a warning
// to the carer at once; a "help, help" a minute later is still an urgent
// alert; the run ends when stopped, without error, and the body is halted.
// Checked against the change switched off: with the limiter's error
// returned as before, the run ends at 3 s with errBus (no fault, no alert,
// no urgent alert); with runBody not draining the commands, mimicry blocks
// (78 commands sent in 72 s, not 700); without
// behavior.BodyLost handled, the warning is missing.
func TestALostBodyDoesNotStopCare(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock, err := sessiontime.New(1)
		if err != nil {
			t.Fatal(err)
		}
		engine, err := behavior.New(behavior.DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		body := &brokenBody{after: 3 * time.Second}
		rec, log, sent := &recorder{}, &bytes.Buffer{}, &atomic.Int64{}
		comp, err := New(Parts{Clock: clock, Fuser: &fakeFuser{}, Engine: engine, Mirror: chattyMirror{sent},
			Speaker: fakeSpeaker{}, Actuator: body, Records: rec, Log: log})
		if err != nil {
			t.Fatal(err)
		}
		comp.Bind(t.Context())
		err = comp.Run(func(ctx context.Context) error {
			comp.Event(perception.Event{At: sec(1), Kind: perception.EventArrived, Person: "ada"})
			time.Sleep(60 * time.Second)
			for _, at := range []time.Duration{sec(60), sec(61)} {
				comp.Event(perception.Event{At: at, Kind: perception.EventKeyword, Text: "help", Person: "ada"})
				time.Sleep(time.Second)
			}
			time.Sleep(10 * time.Second)
			comp.Stop()
			return nil
		})
		if err != nil {
			t.Fatalf("the run ended with %v, want it to go on until stopped", err)
		}
		var faults []journal.Fault
		var alerts []journal.Alert
		rec.mu.Lock()
		for _, x := range rec.records {
			switch x := x.(type) {
			case journal.Fault:
				faults = append(faults, x)
			case journal.Alert:
				alerts = append(alerts, x)
			}
		}
		rec.mu.Unlock()
		if len(faults) != 1 || faults[0].Component != "body" || faults[0].Message != errBus.Error() ||
			faults[0].At < sec(3) || faults[0].At > sec(4) {
			t.Errorf("faults %+v, want one at 3 s: body, %q", faults, errBus)
		}
		wantLost := "body lost: the robot cannot move (" + errBus.Error() + ")"
		if len(alerts) != 2 || alerts[0].Level != journal.LevelWarning || alerts[0].Reason != wantLost ||
			alerts[0].Sense != "body" || alerts[0].At > sec(4) || alerts[1].Level != journal.LevelUrgent || alerts[1].At < sec(60) {
			t.Errorf("alerts %+v, want the body lost at once (warning, %q), then the call for help (urgent)", alerts, wantLost)
		}
		if st := comp.Stats(); st.Faults != 1 || st.Alerts != 2 {
			t.Errorf("stats: %d faults, %d alerts; want 1 and 2", st.Faults, st.Alerts)
		}
		for _, want := range []string{"kindred: fault: body: " + errBus.Error() + "\n",
			"kindred: alert (warning) ada: " + wantLost + "\n"} {
			if !strings.Contains(log.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, log)
			}
		}
		if n := sent.Load(); n < 700 { // 72 s of a command every 100 ms
			t.Errorf("mimicry sent %d commands in 72 s: it was blocked once the body was lost", n)
		}
		if body.halts != 1 {
			t.Errorf("Halt called %d times, want 1", body.halts)
		}
	})
}

// outageBus is a body whose whole bus fails from 3 s after its first
// write, every write and not joint by joint (a cable pulled), until back
// after that (plugged in again; zero: never). It counts the writes it took
// once back, and its halts.
type outageBus struct {
	back         time.Duration
	mu           sync.Mutex
	start        time.Time
	after, halts int
}

func (b *outageBus) Write(context.Context, robot.Pose) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.start.IsZero() {
		b.start = time.Now()
	}
	switch since := time.Since(b.start); {
	case b.back > 0 && since >= b.back:
		b.after++
	case since >= 3*time.Second:
		return errors.New("serial /dev/ttyUSB0: input/output error")
	}
	return nil
}

func (b *outageBus) Halt() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.halts++
	return nil
}

// limitedCompanion is a companion whose body is the real limiter over bus
// (the sim profile), with a real engine and a mimicry that keeps sending;
// with retry, the limiter retries a lost body, wired to the companion as
// kindred run wires it. It runs for 20 s, then is stopped; it returns the
// records, stderr, the count of commands sent and Run's error.
func limitedCompanion(t *testing.T, bus robot.Actuator, retry bool) (*Companion, *recorder, *bytes.Buffer, *atomic.Int64, error) {
	t.Helper()
	rec := &recorder{}
	comp, log, sent, err := runLimited(t, bus, retry, &fakeFuser{}, rec, func(*Companion) { time.Sleep(20 * time.Second) })
	return comp, rec, log, sent, err
}

// runLimited runs a companion whose body is the real limiter over bus (the
// sim profile; with retry, a lost body retried and wired to the companion
// as kindred run wires it), with fuser, a real engine, a mimicry that keeps
// sending and rec; during is what happens before it is stopped. It returns
// the companion, stderr, the count of commands sent and Run's error.
func runLimited(t *testing.T, bus robot.Actuator, retry bool, fuser Fuser, rec RecordSink,
	during func(*Companion)) (*Companion, *bytes.Buffer, *atomic.Int64, error) {
	t.Helper()
	clock, err := sessiontime.New(1)
	if err != nil {
		t.Fatal(err)
	}
	p, err := robot.LoadProfile("sim")
	if err != nil {
		t.Fatal(err)
	}
	var comp *Companion
	o := robot.DefaultOpts()
	o.Clock = clock
	if retry {
		o.OnBusLost = func(err error) { comp.BodyLost(err) }
		o.OnBusBack = func(time.Duration) { comp.BodyBack() }
	}
	lim, err := robot.NewLimiter(p.Specs(), bus, o)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := behavior.New(behavior.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	log, sent := &bytes.Buffer{}, &atomic.Int64{}
	comp, err = New(Parts{Clock: clock, Fuser: fuser, Engine: engine, Mirror: chattyMirror{sent},
		Speaker: fakeSpeaker{}, Actuator: lim, Records: rec, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	comp.Bind(t.Context())
	err = comp.Run(func(ctx context.Context) error {
		during(comp)
		comp.Stop()
		return nil
	})
	return comp, log, sent, err
}

// The real limiter over a bus that dies: its Run ends with "write failed",
// the run goes on (one fault, one warning) until stopped, and the Halt at
// the end neither hangs nor panics with the bus gone; it returns the
// limiter's halt error, the safe pose that could not be written, which is
// the run's error (exit 1) once the run has been stopped.
func TestARealLimiterOnADeadBusHaltsAtTheEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := &outageBus{}
		comp, _, log, sent, err := limitedCompanion(t, bus, false)
		if err == nil || !strings.Contains(err.Error(), "robot: limiter: halt:") {
			t.Errorf("the run ended with %v, want the limiter's halt error once stopped", err)
		}
		if st := comp.Stats(); st.Faults != 1 || st.Alerts != 1 {
			t.Errorf("stats: %d faults, %d alerts; want 1 and 1\n%s", st.Faults, st.Alerts, log)
		}
		if !strings.Contains(log.String(), "kindred: fault: body: robot: limiter: write failed 4 times: serial /dev/ttyUSB0: input/output error\n") {
			t.Errorf("stderr lacks the body's fault:\n%s", log)
		}
		if n := sent.Load(); n < 190 {
			t.Errorf("mimicry sent %d commands in 20 s", n)
		}
		if bus.halts < 1 {
			t.Error("the actuator was never halted")
		}
	})
}

// The real limiter, retrying a lost body (OnBusLost and OnBusBack wired to
// the companion as kindred run wires them): the loss is one fault and one
// warning, the body's return a resolved alert saying how long it was gone,
// the body moves again (mimicry's commands reach the bus through the
// limiter), and the run ends cleanly, the body back in its safe pose.
func TestARealLimiterBringsTheBodyBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		bus := &outageBus{back: 10 * time.Second}
		comp, rec, log, sent, err := limitedCompanion(t, bus, true)
		if err != nil {
			t.Errorf("the run ended with %v, want no error: the body was back", err)
		}
		if st := comp.Stats(); st.Faults != 1 || st.Alerts != 1 {
			t.Errorf("stats: %d faults, %d alerts; want 1 and 1\n%s", st.Faults, st.Alerts, log)
		}
		var told []string
		for _, r := range rec.records {
			if a, ok := r.(journal.Alert); ok && a.Sense == "body" {
				told = append(told, string(a.Level)+": "+a.Reason)
			}
		}
		if len(told) != 2 || !strings.HasPrefix(told[0], "warning: body lost: the robot cannot move (robot: limiter: write failed 4 times") ||
			!regexp.MustCompile(`^resolved: body back after [78]s: the robot can move again$`).MatchString(told[1]) {
			t.Errorf("body alerts %q: want the loss, then the body back after 7 or 8 s", told)
		}
		bus.mu.Lock()
		after, halts := bus.after, bus.halts
		bus.mu.Unlock()
		if after < 100 || halts != 1 {
			t.Errorf("%d writes after the body came back, %d halts; want it moving again (mimicry sent %d) and one halt", after, halts, sent.Load())
		}
	})
}

// The real limiter on a bus whose writes hang from 3 s on, for an hour,
// wired as kindred run wires it: the hang is the body lost (one fault,
// one warning) while mimicry goes on sending, and the run stopped at 20 s
// ends within two seconds, not when the bus answers, with the limiter's
// halt error saying the bus hangs (exit 1, as for a body still lost).
// Checked against the change switched off: with the limiter waiting for
// the hung write without a deadline, no fault and no warning, and the run
// ended only when the bus answered, an hour in.
func TestARunEndsWhileTheBodyHangs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		comp, rec, log, sent, err := limitedCompanion(t, &stalledBus{stall: 3 * time.Second, back: time.Hour}, true)
		if took := time.Since(start); took > 22*time.Second {
			t.Errorf("the run stopped at 20 s ended at %v", took)
		}
		if !errors.Is(err, robot.ErrBusHung) || !strings.Contains(err.Error(), "robot: limiter: halt: ") {
			t.Errorf("the run ended with %v, want the limiter's halt error: the bus hangs", err)
		}
		if st := comp.Stats(); st.Faults != 1 || st.Alerts != 1 {
			t.Errorf("stats: %d faults, %d alerts; want 1 and 1\n%s", st.Faults, st.Alerts, log)
		}
		const hung = "robot: limiter: write did not return within 1s: the bus hangs"
		var told []string
		for _, r := range rec.records {
			if a, ok := r.(journal.Alert); ok && a.Sense == "body" {
				told = append(told, string(a.Level)+": "+a.Reason)
			}
		}
		if len(told) != 1 || told[0] != "warning: body lost: the robot cannot move ("+hung+")" {
			t.Errorf("body alerts %q, want the loss alone", told)
		}
		if n := sent.Load(); n < 190 {
			t.Errorf("mimicry sent %d commands in 20 s: it was blocked by the hung body", n)
		}
		time.Sleep(time.Hour) // the hung write returns, and the actuator's Halt queued behind it
	})
}
