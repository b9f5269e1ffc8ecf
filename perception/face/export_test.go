package face

// Production code has no use for these; the tests do.

// PopulationBaseline is the generic face's neutral measurements: what a new
// face is compared with until its own calm frames (or a calibration) are
// known, so a single photo of a smile still reads as a smile.
func PopulationBaseline() Baseline { return populationBaseline }
