package interrupt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Grace is how long a command may take to stop after the first signal.
// Long enough for a body to reach its safe pose and the journal to commit
// (a few seconds); short enough that a stuck command does not look like a
// dead terminal.
const Grace = 30 * time.Second

// ExitCode is the code a forced end exits with: a runtime failure.
const ExitCode = 1

// NotifyContext is signal.NotifyContext for SIGINT and SIGTERM, with the
// forced end described in the package comment; its line goes to w, and
// name begins it ("kindred").
func NotifyContext(parent context.Context, name string, w io.Writer) (context.Context, context.CancelFunc) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	ctx, stop := watch(parent, ch, Grace, func() {
		fmt.Fprintf(w, "%s: did not stop after the signal; ending now\n", name)
		os.Exit(ExitCode)
	})
	return ctx, func() {
		signal.Stop(ch)
		stop()
	}
}

// ErrSignal is the cause (context.Cause) of a context cancelled by the
// first signal.
var ErrSignal = errors.New("interrupted by the signal")

// Explain is err as the user should read it: a command that gave up with
// its context's cancellation after the signal was interrupted, and says
// so, where "context canceled" named no cause and read as a failure. Any
// other error, or none, is returned as it is.
func Explain(ctx context.Context, err error) error {
	if err != nil && errors.Is(err, context.Canceled) && errors.Is(context.Cause(ctx), ErrSignal) {
		return interrupted{err}
	}
	return err
}

type interrupted struct{ err error }

func (interrupted) Error() string   { return "interrupted by the signal before it finished" }
func (i interrupted) Unwrap() error { return i.err }

// watch cancels the context at the first value on sig, then calls force at
// the second value or after grace, unless stop was called first.
func watch(parent context.Context, sig <-chan os.Signal, grace time.Duration, force func()) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-sig:
			cancel(ErrSignal)
		case <-done:
			return
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-sig:
		case <-t.C:
		case <-done:
			return
		}
		force()
	}()
	var stopped bool
	return ctx, func() {
		cancel(nil)
		if !stopped {
			stopped = true
			close(done)
			<-finished
		}
	}
}
