package scenario

// Production code has no use for these; the tests do.

// Scenario returns the scenario being played.
func (p *Player) Scenario() *Scenario { return p.s }
