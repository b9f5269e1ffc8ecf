package scenario

import (
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

// A scenario path naming a folder, a pipe, a device or a huge file is bad
// input at once: never a read without end or a wait for a writer.
func TestLoadRefusesWhatIsNotAScenarioFile(t *testing.T) {
	inputfiletest.Refused(t, ".yaml", func(p string) error { _, err := Load(p); return err })
}
