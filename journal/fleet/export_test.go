package fleet

// The client's counters are read by its tests, which check what was sent,
// dropped and refused; nothing in a run reads them.

// Stats counts what happened to messages.
type Stats struct {
	PainSent, PainDropped   uint64 // assessments published / skipped while disconnected
	AlertsSent, AlertsLost  uint64 // alerts acknowledged by the broker / lost to a full outbox
	AlertsPending           int
	AlertsUndelivered       uint64 // not acknowledged by the broker when Run stopped, or queued after
	ControlsIn, ControlsBad uint64
	ControlsDropped         uint64 // the engine was not reading
	ControlsRetained        uint64 // retained control messages, ignored
	ProblemsUnreported      uint64 // new problem texts beyond maxReportTexts, not reported
}

// Stats reports the counters.
func (c *Client) Stats() Stats {
	return Stats{PainSent: c.painSent.Load(), PainDropped: c.painDropped.Load(), AlertsSent: c.alertsSent.Load(),
		AlertsLost: c.alertsLost.Load(), AlertsPending: int(c.pending.Load()),
		AlertsUndelivered: c.undelivered.Load(), ControlsIn: c.controlsIn.Load(),
		ControlsBad: c.controlsBad.Load(), ControlsDropped: c.controlsDropped.Load(),
		ControlsRetained: c.controlsRetained.Load(), ProblemsUnreported: c.reportOnce.unreported.Load()}
}
