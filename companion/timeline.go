package companion

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// laneDepth is how many observations a played source may be ahead of the
// others before it waits: 64 voice hops are 0.64 s of audio.
const laneDepth = 64

// timeline hands the observations of played sources (a scenario, a video
// or audio file) to fusion in observation-time order, waiting for fusion
// rather than dropping. A played source has no "now" to keep up with: its
// next observation is as good later as at once, so the same file gives the
// same assessments however slow the machine. Live devices keep the
// latest-value mailboxes (perception.Latest), where a stale frame is worse
// than a skipped one.
//
// Each source joins as one lane; the timeline hands on the earliest
// observation at the head of any lane once every lane that is still open
// has one waiting (or has ended), so a video and an audio file decoded at
// different speeds still reach fusion in the order they were recorded.
// Within a lane the order is the source's. Sends to fusion are unbuffered:
// fusion has handled one observation before it takes the next.
type timeline struct {
	mu      sync.Mutex
	lanes   []*lane
	changed chan struct{} // closed and replaced when a lane changes
	busy    bool          // an observation taken from a lane is being handed on

	faces    chan perception.FaceObs
	voices   chan perception.VoiceObs
	postures chan perception.PostureObs
	events   chan perception.Event // the lanes' events and the others (run)
}

// lane is one played source's queue on the timeline.
type lane struct {
	t     *timeline
	queue []observation
	ended bool
}

// observation is one of a face, a voice hop, a posture or an event.
type observation struct {
	at      time.Duration
	face    *perception.FaceObs
	voice   *perception.VoiceObs
	posture *perception.PostureObs
	event   *perception.Event
}

func newTimeline() *timeline {
	return &timeline{
		changed:  make(chan struct{}),
		faces:    make(chan perception.FaceObs),
		voices:   make(chan perception.VoiceObs),
		postures: make(chan perception.PostureObs),
		events:   make(chan perception.Event),
	}
}

// join adds a lane for one source. Join every lane before run starts, in
// a fixed order: observations at the same time are handed on in it.
func (t *timeline) join() *lane {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := &lane{t: t}
	t.lanes = append(t.lanes, l)
	return l
}

// wake tells run and waiting producers that a lane changed; t.mu is held.
func (t *timeline) wake() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// playedLane joins a lane on the companion's timeline for a played source
// (a scenario or a file), before Run.
func (c *Companion) playedLane() *lane {
	if c.played == nil {
		c.played = newTimeline()
	}
	return c.played.join()
}

// put queues o on the lane, waiting while the lane is full, until ctx
// ends. An event never waits: it comes on the goroutine that carries every
// stage's events, and another source may be waiting to send it one.
func (l *lane) put(ctx context.Context, o observation) {
	t := l.t
	t.mu.Lock()
	for len(l.queue) >= laneDepth && o.event == nil {
		changed := t.changed
		t.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return
		}
		t.mu.Lock()
	}
	// In time order: an event a source's stage sends on another goroutine
	// (a face tracked, a word spotted) may come after later observations.
	i := len(l.queue)
	for i > 0 && l.queue[i-1].at > o.at {
		i--
	}
	l.queue = slices.Insert(l.queue, i, o)
	t.wake()
	t.mu.Unlock()
}

// end says the source has played: the others no longer wait for it.
func (l *lane) end() {
	t := l.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if !l.ended {
		l.ended = true
		t.wake()
	}
}

// open says whether a lane's source is still playing (or has observations
// not yet handed on).
func (t *timeline) open() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.openLocked()
}

func (t *timeline) openLocked() bool {
	if t.busy {
		return true
	}
	for _, l := range t.lanes {
		if !l.ended || len(l.queue) > 0 {
			return true
		}
	}
	return false
}

// handed waits until every lane has ended and fusion has taken all they
// held, or ctx ends: a run of files ends after their last observation is
// assessed, not with it still waiting in a lane.
func (t *timeline) handed(ctx context.Context) {
	for {
		t.mu.Lock()
		open, changed := t.openLocked(), t.changed
		t.mu.Unlock()
		if !open {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return
		}
	}
}

// next takes the observation to hand on now, if there is one; else it
// returns the channel that says when to look again.
func (t *timeline) next() (observation, bool, <-chan struct{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var first *lane
	for _, l := range t.lanes {
		if len(l.queue) == 0 {
			if !l.ended {
				return observation{}, false, t.changed // it may yet send an earlier one
			}
			continue
		}
		if first == nil || l.queue[0].at < first.queue[0].at {
			first = l
		}
	}
	if first == nil {
		return observation{}, false, t.changed
	}
	o := first.queue[0]
	first.queue = append(first.queue[:0], first.queue[1:]...)
	t.busy = true
	t.wake()
	return o, true, nil
}

// run hands the observations on to fusion until ctx ends, and the events
// that come from elsewhere (others: a comfort begun, a carer's naming)
// as they come, on the one channel fusion reads events from.
func (t *timeline) run(ctx context.Context, others <-chan perception.Event) error {
	for {
		select {
		case e := <-others:
			if !handTo(ctx, t.events, e) {
				return nil
			}
			continue
		default:
		}
		o, ok, changed := t.next()
		if !ok {
			select {
			case <-changed:
			case e := <-others:
				if !handTo(ctx, t.events, e) {
					return nil
				}
			case <-ctx.Done():
				return nil
			}
			continue
		}
		var sent bool
		switch {
		case o.face != nil:
			sent = handTo(ctx, t.faces, *o.face)
		case o.voice != nil:
			sent = handTo(ctx, t.voices, *o.voice)
		case o.posture != nil:
			sent = handTo(ctx, t.postures, *o.posture)
		case o.event != nil:
			sent = handTo(ctx, t.events, *o.event)
		}
		if !sent {
			return nil
		}
		t.mu.Lock()
		t.busy = false
		t.wake()
		t.mu.Unlock()
	}
}

func handTo[T any](ctx context.Context, ch chan<- T, v T) bool {
	select {
	case ch <- v:
		return true
	case <-ctx.Done():
		return false
	}
}
