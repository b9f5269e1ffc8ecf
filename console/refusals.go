package console

import "github.com/kindred-hri/kindred/internal/refusals"

// DefaultRefusalEvery is how often, at most, the console reports the
// control requests it refused after the first (Opts.RefusalEvery).
const DefaultRefusalEvery = refusals.DefaultEvery

// FlushRefusals reports, through Opts.ReportRefusals and
// Opts.ReportUnauthorised, the refused requests not yet reported,
// at once. Call it before the session's record ends so the last of a flood
// is counted too; refusals after it are reported as after a quiet spell
// (the first at once).
func (c *Console) FlushRefusals() {
	c.refusals.Flush()
	c.unauthorised.Flush()
}
