package companion

import (
	"context"
	"fmt"
	"sync"

	"github.com/kindred-hri/kindred/behavior"
)

// handOff carries the engine's decisions from the router to one stage
// (mimicry's intents, its settings, the voice's intents) in order, without
// the router ever waiting for the stage. The router is the one way alerts
// reach the journal, the console, the fleet and stderr, and it takes the
// engine's outputs in order; had it waited for a stage that stopped
// taking (mimicry blocked behind a body whose writes hang, a Wi-Fi board
// gone silent or a USB board that stopped reading, for as long as TCP or
// the driver takes to give up), every alert after it would have waited
// too. A stage that does not keep up gets its decisions late; one that
// stops taking them has the oldest dropped past maxHeld, each counted
// (dropped), since what it does next is what the newest say.
type handOff[T any] struct {
	mu      sync.Mutex
	queue   []T
	closed  bool
	ready   chan struct{} // one token: the queue has news
	dropped func(v T)     // told of each value dropped; must not block
}

// maxHeld bounds the decisions held for a stage that does not take them:
// the engine makes a few a minute, so this many is a stage stuck for many
// minutes.
const maxHeld = 64

func newHandOff[T any](dropped func(v T)) *handOff[T] {
	return &handOff[T]{ready: make(chan struct{}, 1), dropped: dropped}
}

// put queues v for the stage; it never blocks.
func (h *handOff[T]) put(v T) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	var old T
	drop := len(h.queue) >= maxHeld
	if drop {
		old = h.queue[0]
		clear(h.queue[:1])
		h.queue = h.queue[1:]
	}
	h.queue = append(h.queue, v)
	h.mu.Unlock()
	h.signal()
	if drop && h.dropped != nil {
		h.dropped(old)
	}
}

// close says nothing more comes: run hands over what is queued, then
// closes its output.
func (h *handOff[T]) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.signal()
}

func (h *handOff[T]) signal() {
	select {
	case h.ready <- struct{}{}:
	default: // already signalled
	}
}

// next takes the oldest value queued; done once closed and empty.
func (h *handOff[T]) next() (v T, ok, done bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.queue) == 0 {
		return v, false, h.closed
	}
	v = h.queue[0]
	clear(h.queue[:1])
	h.queue = h.queue[1:]
	return v, true, false
}

// run hands the queue to out, in order and waiting for room, until it is
// closed and empty or ctx ends; it closes out.
func (h *handOff[T]) run(ctx context.Context, out chan<- T) {
	defer close(out)
	for {
		v, ok, done := h.next()
		switch {
		case done:
			return
		case !ok:
			select {
			case <-h.ready:
			case <-ctx.Done():
				return
			}
			continue
		}
		select {
		case out <- v:
		case <-ctx.Done():
			return
		}
	}
}

// untaken notes an intent dropped for stage (handOff), coalesced into
// fault records: component "behaviour", `dropped N decision(s) a stage did
// not take (latest: "mimicry: intent comfort")`.
func (c *Companion) untaken(stage string) func(behavior.Intent) {
	return func(it behavior.Intent) { c.dropped[stage].Note(fmt.Sprintf("%s: intent %s", stage, it.Kind)) }
}

// The stages the router hands decisions to, as the dropped ones name them.
const (
	stageMimicry = "mimicry"
	stageVoice   = "voice"
)

// untakenSettings notes mirror settings dropped for mimicry, as untaken.
func (c *Companion) untakenSettings(behavior.MirrorChange) {
	c.dropped[stageMimicry].Note(stageMimicry + ": mirror settings")
}
