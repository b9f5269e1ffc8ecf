package posture

// Production code has no use for these; the tests do.

// Head returns the head dynamics as of the last Update.
func (a *Analyzer) Head() HeadDynamics { return a.head }
