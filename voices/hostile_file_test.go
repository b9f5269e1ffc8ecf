package voices

import (
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

func TestLoadPersonaRefusesWhatIsNotAPersonaFile(t *testing.T) {
	inputfiletest.Refused(t, ".yaml", func(p string) error { _, err := LoadPersona(p); return err })
}
