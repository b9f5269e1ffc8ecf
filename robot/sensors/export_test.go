package sensors

// The reader's counters are read by its tests; nothing in a run reads them.

// Dropped counts readings a slow consumer missed; Errors counts failed
// pin reads (each is retried at the next sample).
func (r *Reader) Dropped() int64 { return r.dropped.Load() }
func (r *Reader) Errors() int64  { return r.errors.Load() }
