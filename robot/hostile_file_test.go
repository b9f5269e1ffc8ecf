package robot

import (
	"errors"
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

// A profile path naming a folder, a pipe, a device or a huge file is a
// *ProfileError at once.
func TestLoadProfileRefusesWhatIsNotAProfileFile(t *testing.T) {
	inputfiletest.Refused(t, ".yaml", func(p string) error {
		_, err := LoadProfile(p)
		if err != nil && !errors.Is(err, ErrBadProfile) {
			t.Errorf("%v is not ErrBadProfile", err)
		}
		return err
	})
}
