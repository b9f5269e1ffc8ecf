package companion

import (
	"context"
	"sync"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/robot"
)

// runBody runs the limiter. The body's bus failing for good loses the body,
// not the run: the robot can no longer move, but it can still see, hear,
// speak and alert, and an elder left alone needs that. A bus whose writes
// hang is the same loss (robot.ErrBusHung, a write not back within
// robot.LimiterOpts.WriteTimeout): a robot frozen while the carer believes
// it comforts is what the warning is for. A limiter that
// retries a lost body (robot.LimiterOpts.OnBusLost, wired to BodyLost and
// BodyBack) goes on running; one that does not ends with an error while the
// run goes on, which is the same loss (one fault, component "body", and a
// warning to the carer, behavior.BodyLost), and then the commands mimicry
// and the mouth still send are drained until the run stops, so neither
// blocks. Such a limiter is not restarted (robot.Limiter.Run may be called
// once); Halt is still called at the end (runStages).
func (c *Companion) runBody(ctx context.Context, cmds <-chan robot.Command) error {
	stop, forwarded := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(forwarded)
		c.body.forward(stop, c.sendInput)
	}()
	defer func() {
		close(stop)
		<-forwarded
	}()
	err := c.limiter.Run(ctx, cmds)
	if err == nil || ctx.Err() != nil {
		return err
	}
	c.BodyLost(err)
	for range cmds {
	}
	return nil
}

// BodyLost takes the limiter's word that the body's bus failed for good or
// hangs (robot.LimiterOpts.OnBusLost): one fault, component "body", and the engine
// told (behavior.BodyLost), which warns the carer at once. It never blocks:
// it is called from the limiter's goroutine, which the engine's outputs may
// be waiting on.
func (c *Companion) BodyLost(err error) {
	c.noteFault("body", err)
	c.body.push(behavior.BodyLostInput(behavior.BodyLost{At: c.clock.Now(), Why: err.Error()}))
}

// BodyBack takes the limiter's word that a lost body answers again, a
// retry taken or a hung write returned (robot.LimiterOpts.OnBusBack): the
// engine is told (behavior.BodyBack),
// which resolves the carer's warning with how long the body was lost. It
// never blocks.
func (c *Companion) BodyBack() {
	c.body.push(behavior.BodyBackInput(behavior.BodyBack{At: c.clock.Now()}))
}

// bodyNews carries the body's losses and returns to the engine in order,
// without ever making the limiter's goroutine wait.
type bodyNews struct {
	mu    sync.Mutex
	queue []behavior.Input
	ready chan struct{} // one token: the queue has news
}

func newBodyNews() *bodyNews { return &bodyNews{ready: make(chan struct{}, 1)} }

func (b *bodyNews) push(in behavior.Input) {
	b.mu.Lock()
	b.queue = append(b.queue, in)
	b.mu.Unlock()
	select {
	case b.ready <- struct{}{}:
	default: // already signalled
	}
}

// forward hands the news to send as it comes, and what is left once stop
// is closed.
func (b *bodyNews) forward(stop <-chan struct{}, send func(behavior.Input)) {
	for {
		select {
		case <-b.ready:
		case <-stop:
			b.drain(send)
			return
		}
		b.drain(send)
	}
}

func (b *bodyNews) drain(send func(behavior.Input)) {
	b.mu.Lock()
	news := b.queue
	b.queue = nil
	b.mu.Unlock()
	for _, in := range news {
		send(in)
	}
}
