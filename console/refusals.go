package console

import (
	"sync"
	"time"
	"unicode/utf8"
)

// DefaultRefusalEvery is how often, at most, the console reports the
// control requests it refused after the first (Opts.RefusalEvery).
const DefaultRefusalEvery = 10 * time.Second

// maxReason bounds the reason a report carries: a refusal's reason may
// quote what the client sent (an unknown cmd, an unknown field), and the
// client is not to write the fault log.
const maxReason = 200

// refusals coalesces the control requests the console refused into
// reports: the first at once, then, while they keep coming, at most one
// per every with the count since the last report and the latest reason.
// A flood of malformed requests is then a handful of faults instead of a
// flooded journal, and flush reports the rest so none goes uncounted.
//
// It owns its window: a timer armed by the first refusal of a quiet spell
// and re-armed by each report it makes; a tick with nothing pending ends
// the window, and the next refusal is reported at once again.
type refusals struct {
	every  time.Duration
	report func(n int, latest string) // nil: nothing is reported

	mu      sync.Mutex // also held while report runs: one report at a time, in order
	pending int
	latest  string
	window  *time.Timer // nil when quiet
	gen     uint64      // the live window's; a stale tick (stopped by flush) sees another
}

// note counts one refused request.
func (r *refusals) note(reason string) {
	if r.report == nil {
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

// tick ends a window: what came during it is reported and a new one
// begins, or, if nothing came, the console is quiet again.
func (r *refusals) tick(gen uint64) {
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

// flush reports what is pending now and ends the window.
func (r *refusals) flush() {
	if r.report == nil {
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

func (r *refusals) arm() {
	r.gen++
	gen := r.gen
	r.window = time.AfterFunc(r.every, func() { r.tick(gen) })
}

func (r *refusals) send() {
	n, latest := r.pending, r.latest
	r.pending, r.latest = 0, ""
	r.report(n, latest)
}

// clip shortens s to at most maxReason bytes, whole runes, marked with "…".
func clip(s string) string {
	if len(s) <= maxReason {
		return s
	}
	cut := maxReason
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// FlushRefusals reports, through Opts.ReportRefusals, the refused control
// requests not yet reported, at once. Call it before the session's record
// ends so the last of a flood is counted too; refusals after it are
// reported as after a quiet spell (the first at once).
func (c *Console) FlushRefusals() { c.refusals.flush() }
