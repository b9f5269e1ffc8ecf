package refusalstest

import "sync"

// Report is one call of a report function: N refusals, the latest saying
// Latest.
type Report struct {
	N      int
	Latest string
}

// Recorder collects reports; its zero value is ready, and Add may be
// called from any goroutine.
type Recorder struct {
	mu  sync.Mutex
	got []Report
}

// Add records one report; it has the report function's signature.
func (r *Recorder) Add(n int, latest string) {
	r.mu.Lock()
	r.got = append(r.got, Report{n, latest})
	r.mu.Unlock()
}

// All returns a copy of the reports so far, in order.
func (r *Recorder) All() []Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Report(nil), r.got...)
}
