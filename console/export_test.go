package console

// The console's counters are read by its tests, which check what it
// dropped or refused; nothing in a run reads them.

// Stats counts what the console dropped or refused.
type Stats struct {
	Clients      int    `json:"clients"`
	Dropped      uint64 `json:"dropped"`      // stream events a slow client missed
	Resynced     uint64 `json:"resynced"`     // streams closed so a slow client would not miss an urgent event
	RateLimited  uint64 `json:"rate_limited"` // requests answered 429
	ControlsBusy uint64 `json:"controls_busy"`
	ConnsRefused uint64 `json:"conns_refused"` // connections closed at once: a client or the console was at its cap
}

// Stats reports the counters.
func (c *Console) Stats() Stats {
	clients, dropped := c.hub.stats()
	return Stats{Clients: clients, Dropped: dropped, Resynced: c.hub.resynced.Load(), RateLimited: c.limiter.refused.Load(),
		ControlsBusy: c.rejected.Load(), ConnsRefused: c.conns.refused.Load()}
}

func (h *hub) stats() (clients int, dropped uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients), h.dropped.Load()
}
