package behavior

// Production code has no use for these; the tests do.

// FaultInput wraps a robot fault report.
func FaultInput(f Fault) Input { return &f }
