package interrupt

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestWatch(t *testing.T) {
	const grace = 30 * time.Second
	cases := []struct {
		name      string
		signals   []time.Duration // when each signal comes
		finish    time.Duration   // when the command returns (stop is called)
		cancelled bool
		forcedAt  time.Duration // -1: never forced
	}{
		{"no signal", nil, time.Minute, false, -1},
		{"one signal, stops in time", []time.Duration{time.Second}, 5 * time.Second, true, -1},
		{"one signal, stuck", []time.Duration{time.Second}, time.Hour, true, time.Second + grace},
		{"two signals, stuck", []time.Duration{time.Second, 3 * time.Second}, time.Hour, true, 3 * time.Second},
		{"second signal after the command stopped", []time.Duration{time.Second, 10 * time.Second}, 2 * time.Second, true, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				sig := make(chan os.Signal, 2)
				var forcedAt atomic.Int64
				forcedAt.Store(-1)
				ctx, stop := watch(context.Background(), sig, grace, func() {
					forcedAt.Store(int64(time.Since(start)))
				})
				var senders sync.WaitGroup
				for _, at := range c.signals {
					senders.Go(func() {
						time.Sleep(at)
						sig <- os.Interrupt
					})
				}
				time.Sleep(c.finish)
				cancelled := ctx.Err() != nil
				stop()
				senders.Wait()
				if cancelled != c.cancelled {
					t.Errorf("context cancelled %v before the command returned; want %v", cancelled, c.cancelled)
				}
				if got := time.Duration(forcedAt.Load()); got != c.forcedAt {
					t.Errorf("forced at %v; want %v (-1: never)", got, c.forcedAt)
				}
				if got := time.Duration(forcedAt.Load()); got != c.forcedAt {
					t.Errorf("after every signal: forced at %v; want %v (-1: never)", got, c.forcedAt)
				}
			})
		})
	}
}

// A command that gives up with its context's cancellation after the signal
// says it was interrupted: `kindred analyze` stopped by Ctrl-C said only
// "kindred analyze: context canceled". Other errors, and a cancellation
// with no signal, pass as they are.
func TestExplain(t *testing.T) {
	other := errors.New("--video x.mp4: not a readable image or video")
	const (
		signal   = iota // the first signal came
		returned        // the command returned (stop), no signal
		parent          // the parent context was cancelled, no signal
	)
	cases := []struct {
		name string
		how  int
		err  error
		want string // "": no error
	}{
		{"cancelled by the signal", signal, fmt.Errorf("analyze: %w", context.Canceled), "interrupted by the signal before it finished"},
		{"another error after the signal", signal, other, other.Error()},
		{"no error after the signal", signal, nil, ""},
		{"cancelled as the command returned", returned, context.Canceled, context.Canceled.Error()},
		{"cancelled by the parent", parent, context.Canceled, context.Canceled.Error()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				base, cancelBase := context.WithCancel(context.Background())
				defer cancelBase()
				sig := make(chan os.Signal, 1)
				ctx, stop := watch(base, sig, time.Minute, func() {})
				defer stop()
				switch c.how {
				case signal:
					sig <- os.Interrupt
				case returned:
					stop()
				case parent:
					cancelBase()
				}
				<-ctx.Done()
				got := Explain(ctx, c.err)
				if c.want == "" {
					if got != nil {
						t.Fatalf("Explain = %v, want nil", got)
					}
					return
				}
				if got == nil || got.Error() != c.want || !errors.Is(got, c.err) {
					t.Errorf("Explain = %v, want %q wrapping %v", got, c.want, c.err)
				}
			})
		})
	}
}
