package refusals

import (
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultEvery is how often, at most, a Coalescer reports after the first.
const DefaultEvery = 10 * time.Second

// MaxReason bounds the reason a report carries: a refusal's reason may
// quote what the client sent (an unknown cmd, an unknown field), and the
// client is not to write the fault log.
const MaxReason = 200

// Coalescer counts refusals and reports them coalesced. It owns its
// window: a timer armed by the first refusal of a quiet spell and re-armed
// by each report it makes; a tick with nothing pending ends the window, and
// the next refusal is reported at once again. Its methods are safe for
// concurrent use; a nil *Coalescer, or one without a report function,
// counts nothing.
type Coalescer struct {
	every  time.Duration
	report func(n int, latest string)

	mu      sync.Mutex // also held while report runs: one report at a time, in order
	pending int
	latest  string
	window  *time.Timer // nil when quiet
	gen     uint64      // the live window's; a stale tick (stopped by Flush) sees another
}

// New makes a Coalescer that calls report (nil: nothing is reported) at
// most once per every (DefaultEvery when not positive) after the first.
// report is called one call at a time; it must not block.
func New(every time.Duration, report func(n int, latest string)) *Coalescer {
	if every <= 0 {
		every = DefaultEvery
	}
	return &Coalescer{every: every, report: report}
}

// Note counts one refusal and why (bounded to MaxReason bytes).
func (r *Coalescer) Note(reason string) {
	if r == nil || r.report == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending++
	r.latest = clip(reason)
	if r.window == nil {
		r.send()
		r.arm()
	}
}

// Flush reports what is pending now and ends the window: refusals after it
// are reported as after a quiet spell (the first at once).
func (r *Coalescer) Flush() {
	if r == nil || r.report == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending > 0 {
		r.send()
	}
	if r.window != nil {
		r.window.Stop()
		r.window = nil
	}
	r.gen++
}

// tick ends a window: what came during it is reported and a new one
// begins, or, if nothing came, the door is quiet again.
func (r *Coalescer) tick(gen uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen || r.window == nil {
		return
	}
	if r.pending == 0 {
		r.window = nil
		return
	}
	r.send()
	r.arm()
}

func (r *Coalescer) arm() {
	r.gen++
	gen := r.gen
	r.window = time.AfterFunc(r.every, func() { r.tick(gen) })
}

func (r *Coalescer) send() {
	n, latest := r.pending, r.latest
	r.pending, r.latest = 0, ""
	r.report(n, latest)
}

// clip shortens s to at most MaxReason bytes, whole runes, marked with "…".
func clip(s string) string {
	if len(s) <= MaxReason {
		return s
	}
	cut := MaxReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
