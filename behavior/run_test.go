package behavior

import (
	"context"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func startRun(t *testing.T, ctx context.Context, cfg Config, out chan Output) (chan<- Input, <-chan error) {
	t.Helper()
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan Input)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, in, out) }()
	return in, done
}

func TestRunEndsWithItsInput(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := make(chan Output, 1024)
		in, done := startRun(t, t.Context(), DefaultConfig(), out)
		for at := 0.0; at < 3; at += 0.1 {
			in <- AssessmentInput(assessment(at, 0))
		}
		close(in)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		var got []Output
		for o := range out { // closed by Run
			got = append(got, o)
		}
		if len(got) == 0 || of[Session](got[0]) == nil || of[Session](got[0]).Seed != 1 || of[Session](got[0]).Preset != PresetElderCare {
			t.Fatalf("first output is not the session: %s", describe(got))
		}
		if want := []State{StateEngaging}; !slices.Equal(visited(got), want) {
			t.Errorf("visited %v, want %v", visited(got), want)
		}
	})
}

// A cancelled context cannot wedge the engine: not when nobody reads its
// output, not when nobody writes its input, not when already cancelled.
func TestRunReturnsWhenCancelled(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"output blocked", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			in, done := startRun(t, ctx, DefaultConfig(), make(chan Output)) // nobody reads
			go func() {
				select {
				case in <- EventInput(stopWord(1)):
				case <-ctx.Done():
				}
			}()
			synctest.Wait()
			cancel()
			synctest.Wait()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			default:
				t.Fatal("Run still blocked after cancel")
			}
		}},
		{"input idle", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			out := make(chan Output, 8)
			_, done := startRun(t, ctx, DefaultConfig(), out)
			synctest.Wait()
			cancel()
			synctest.Wait()
			select {
			case <-done:
			default:
				t.Fatal("Run still blocked after cancel")
			}
		}},
		{"cancelled before start", func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			out := make(chan Output)
			_, done := startRun(t, ctx, DefaultConfig(), out)
			synctest.Wait()
			select {
			case <-done:
			default:
				t.Fatal("Run did not return")
			}
			if _, open := <-out; open {
				t.Error("out not closed")
			}
		}},
		{"output blocked at an alert", func(t *testing.T) {
			// The consumer stops reading at the step that raises the
			// alert: Run waits StopGrace for it, then returns and says so.
			ctx, cancel := context.WithCancel(t.Context())
			out := make(chan Output)
			in, done := startRun(t, ctx, DefaultConfig(), out)
			go func() {
				for o := range out {
					if tr, ok := o.(Transition); ok && tr.To == StateAlerting {
						return // and reads no more
					}
				}
			}()
			for at := 0.0; at < 6; at += 0.1 {
				in <- AssessmentInput(assessment(at, 0))
			}
			in <- EventInput(perception.Event{At: sec(10), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
			in <- EventInput(perception.Event{At: sec(25), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
			synctest.Wait()
			cancel()
			time.Sleep(StopGrace)
			synctest.Wait()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "1 alert(s)") {
					t.Errorf("Run: %v, want the dropped alert reported", err)
				}
			default:
				t.Fatal("Run still blocked StopGrace after cancel")
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { synctest.Test(t, tc.run) })
	}
}

// The step that raises an alert may be a run's last: its input comes in as
// the run is stopped. The carer must still be told, so Run hands over the
// outputs of the step it is in before it returns (engine.go, handOver).
// Each trial stops the run just as the engine takes the input that raises an
// urgent alert (a second "help"), with a consumer that is ready or still busy
// with the step before (0 to 3 ms an output) and 0 to 2 slots of channel
// between them; every trial must deliver the alert. Without the handover
// (Run gives up its step's outputs once ctx is done) about 180 of the 200
// trials lose it.
func TestRunHandsOverTheAlertOfItsLastStep(t *testing.T) {
	const trials = 200
	help := func(at float64) Input {
		return EventInput(perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
	}
	var lost []int
	for trial := range trials {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			out := make(chan Output, trial%3)
			in, done := startRun(t, ctx, DefaultConfig(), out)
			pace := time.Duration(trial%4) * time.Millisecond
			got := make(chan []Output, 1)
			go func() {
				var outs []Output
				for o := range out {
					outs = append(outs, o)
					time.Sleep(pace)
				}
				got <- outs
			}()
			for at := 0.0; at < 6; at += 0.1 {
				in <- AssessmentInput(assessment(at, 0))
			}
			in <- help(10)
			in <- help(25) // the engine has it: it steps into alerting now
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run: %v", err)
			}
			if outs := <-got; !slices.Contains(alerts(outs), AlertUrgent) {
				lost = append(lost, trial)
			}
		})
	}
	if len(lost) > 0 {
		t.Errorf("%d of %d runs stopped at the alerting step lost the alert (first: trials %v)", len(lost), trials, lost[:min(len(lost), 8)])
	}
}

// Timers run on observation time: hours of wall-clock silence decide
// nothing, and minutes of observations decide at once.
func TestRunIgnoresTheWallClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		out := make(chan Output, 4096)
		in, done := startRun(t, t.Context(), DefaultConfig(), out)
		for at := 0.0; at < 8; at += 0.1 {
			in <- AssessmentInput(assessment(at, 0))
		}
		synctest.Wait()
		before := len(out)
		time.Sleep(3 * time.Hour) // fake time: no relief timeout, no rest, no goodbye
		synctest.Wait()
		if after := len(out); after != before {
			t.Fatalf("%d outputs appeared with only wall time passing", after-before)
		}
		start := time.Now()
		for at := 8.0; at < 300; at += 0.1 {
			in <- AssessmentInput(assessment(at, 5.5))
		}
		close(in)
		<-done
		if elapsed := time.Since(start); elapsed != 0 {
			t.Errorf("the engine waited %v of wall time", elapsed)
		}
		var got []Output
		for o := range out {
			got = append(got, o)
		}
		if !slices.Contains(alerts(got), AlertWarning) {
			t.Errorf("five minutes of observed pain raised no alert:\n%s", describe(got))
		}
	})
}

func TestRunOnce(t *testing.T) {
	e, err := New(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	in := make(chan Input)
	close(in)
	if err := e.Run(t.Context(), in, make(chan Output, 1)); err != nil {
		t.Fatal(err)
	}
	if err := e.Run(t.Context(), in, make(chan Output, 1)); err == nil {
		t.Fatal("a second Run was allowed")
	}
}

// behavior is a core package: it must build without cgo and must not pull
// in a device binding.
func TestNoCgoDependencies(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("go list unavailable: %v\n%s", err, outb)
	}
	for _, dep := range strings.Fields(string(outb)) {
		for _, banned := range []string{"gocv.io", "gen2brain/malgo", "ebitengine/oto", "runtime/cgo"} {
			if strings.Contains(dep, banned) {
				t.Errorf("behavior depends on %s", dep)
			}
		}
	}
}

// An input queued when the run is stopped has been seen or heard: a "help"
// spotted just before Ctrl-C must still page a carer. Run handles what is
// queued (finish) within StopGrace, without waiting for more, and counts
// what it cannot. Each case queues the inputs of a call for help behind an
// engine busy handing over, then stops the run. Without the drain (Run
// hands over its last step and returns) the first two cases lose the
// alert and the third reports no lost inputs.
func TestRunHandlesWhatIsQueuedWhenStopped(t *testing.T) {
	help := func(at float64) Input {
		return EventInput(perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
	}
	arrive := EventInput(perception.Event{At: 0, Kind: perception.EventArrived, Person: "ada"})
	call := []Input{help(10), help(11), TickInput(sec(12))}
	for _, tc := range []struct {
		name string
		// busy is what the engine has taken before the call is queued;
		// the consumer reads this many outputs, then nothing until the run
		// is stopped.
		busy  []Input
		reads int
		// stalled: the consumer never reads again.
		stalled   bool
		wantAlert bool
		wantLoss  StopLoss
	}{
		{name: "queued before the session went out", reads: 0, wantAlert: true},
		{name: "queued behind a step being handed over", busy: []Input{arrive}, reads: 1, wantAlert: true},
		{name: "consumer gone: counted, never silent", busy: []Input{arrive}, reads: 1, stalled: true,
			wantLoss: StopLoss{Inputs: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				e, err := New(DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				in, out := make(chan Input, 8), make(chan Output)
				done := make(chan error, 1)
				for _, x := range tc.busy {
					in <- x
				}
				go func() { done <- e.Run(ctx, in, out) }()
				var got []Output
				for range tc.reads {
					got = append(got, <-out)
				}
				synctest.Wait() // the engine is stuck handing over
				for _, x := range call {
					in <- x
				}
				cancel()
				synctest.Wait()
				if !tc.stalled {
					for o := range out {
						got = append(got, o)
					}
				}
				time.Sleep(StopGrace)
				synctest.Wait()
				var runErr error
				select {
				case runErr = <-done:
				default:
					t.Fatal("Run still running StopGrace after cancel")
				}
				if sent := slices.Contains(alerts(got), AlertUrgent); sent != tc.wantAlert {
					t.Errorf("urgent alert handed over: %v, want %v\n%s", sent, tc.wantAlert, describe(got))
				}
				var loss StopLoss
				if l, ok := runErr.(*StopLoss); ok {
					loss = *l
				} else if runErr != nil {
					t.Fatalf("Run: %v", runErr)
				}
				if loss != tc.wantLoss {
					t.Errorf("Run lost %+v (%v), want %+v", loss, runErr, tc.wantLoss)
				}
			})
		})
	}
}

// A producer that keeps the queue from emptying cannot keep a stopping Run
// going: it handles at most the queue's capacity, then counts what is
// left. Here the consumer queues two annotations for every output it takes
// and each annotation has an output, so the queue never empties. Without
// the bound Run never returns (the test times out: under synctest the
// grace's clock stands still while the two keep each other busy).
func TestRunStopsDrainingAQueueThatRefills(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		in, out := make(chan Input, 8), make(chan Output)
		e, err := New(DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		note := func() Input { return CommandInput(Command{Cmd: CmdAnnotate}) }
		for range 3 {
			in <- note()
		}
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx, in, out) }()
		synctest.Wait()
		cancel()
		steps := 0
		go func() {
			for range out {
				steps++
				for range 2 {
					select {
					case in <- note():
					default: // full
					}
				}
			}
		}()
		err = <-done
		if l, ok := err.(*StopLoss); !ok || l.Alerts != 0 || l.Inputs == 0 {
			t.Errorf("Run: %v, want the queued inputs left counted", err)
		}
		synctest.Wait()
		if want := 1 + cap(in); steps != want {
			t.Errorf("%d outputs handed over, want the session and one for each of %d inputs", steps, cap(in))
		}
	})
}

// A lone call for help waits for a second cue, and every way the wait ends
// tells a carer, but an opt-out. A run that stops during the wait (Ctrl-C,
// the end of --for or of a scenario, the input ending) used to tell
// nobody: the "help" was handled, the robot asked "Shall I call
// someone?", and the run ended with no alert. It now raises the warning
// the wait would have, saying the run stopped. Without stopping the first
// two rows fail (no alert); the others pin that nothing is raised twice,
// and that an opt-out still answers the call.
func TestRunTellsACarerOfACallForHelpTheStopCutShort(t *testing.T) {
	help := func(at float64) Input {
		return EventInput(perception.Event{At: sec(at), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
	}
	for _, tc := range []struct {
		name       string
		after      []Input // after arriving, before the end
		closeInput bool    // the input ends rather than the run being stopped
		want       []AlertLevel
		wantReason string
	}{
		{name: "stopped during the wait", after: []Input{help(6), TickInput(sec(8))},
			want: []AlertLevel{AlertWarning}, wantReason: `asked for help ("help") once; the run stopped 2s later`},
		{name: "the input ended during the wait", after: []Input{help(6), TickInput(sec(8))}, closeInput: true,
			want: []AlertLevel{AlertWarning}, wantReason: `asked for help ("help") once; the run stopped 2s later`},
		{name: "said twice: urgent at once, nothing more", after: []Input{help(6), help(7)}, want: []AlertLevel{AlertUrgent}},
		{name: "the wait ran out before the stop", after: []Input{help(6), TickInput(sec(40))}, want: []AlertLevel{AlertWarning},
			wantReason: "with no other sign of distress"},
		{name: "opted out after the call", after: []Input{help(6), CommandInput(Command{At: sec(7), Cmd: CmdOptOut})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				e, err := New(DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				in, out := make(chan Input, 128), make(chan Output, 1024)
				for at := 0.0; at < 5; at += 0.1 {
					in <- AssessmentInput(assessment(at, 0))
				}
				for _, x := range tc.after {
					in <- x
				}
				done := make(chan error, 1)
				go func() { done <- e.Run(ctx, in, out) }()
				synctest.Wait() // everything handled
				if tc.closeInput {
					close(in)
				} else {
					cancel()
				}
				if err := <-done; err != nil {
					t.Fatalf("Run: %v", err)
				}
				var got []Output
				for o := range out {
					got = append(got, o)
				}
				if a := alerts(got); !slices.Equal(a, tc.want) {
					t.Fatalf("alerts %v, want %v\n%s", a, tc.want, describe(got))
				}
				if tc.wantReason == "" {
					return
				}
				for _, o := range got {
					if a, ok := o.(Alert); ok && !strings.Contains(a.Reason, tc.wantReason) {
						t.Errorf("alert reason %q, want it to say %q", a.Reason, tc.wantReason)
					}
				}
			})
		})
	}
}

// The warning a stop raises for a call for help cut short is counted, like
// any alert, when nobody takes it within StopGrace: never silent. Without
// the count the Run returns nil.
func TestRunCountsTheStopsWarningWhenNobodyTakesIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		e, err := New(DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		in, out := make(chan Input, 64), make(chan Output)
		in <- AssessmentInput(assessment(0, 0))
		in <- EventInput(perception.Event{At: sec(6), Kind: perception.EventKeyword, Text: "help", Person: "ada"})
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx, in, out) }()
		reading := make(chan struct{})
		go func() {
			for {
				select {
				case <-out:
				case <-reading:
					return
				}
			}
		}()
		synctest.Wait() // the call handled, its outputs taken
		close(reading)  // the consumer is gone
		cancel()
		time.Sleep(StopGrace)
		synctest.Wait()
		err = <-done
		if l, ok := err.(*StopLoss); !ok || *l != (StopLoss{Alerts: 1}) {
			t.Errorf("Run: %v, want the warning counted as not taken", err)
		}
	})
}
