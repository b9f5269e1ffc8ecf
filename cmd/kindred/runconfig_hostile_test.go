package main

import (
	"errors"
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

// --config naming a folder, a pipe, a device or a huge file is bad input
// (exit 2, one line) at once.
func TestConfigRefusesWhatIsNotAConfigFile(t *testing.T) {
	inputfiletest.Refused(t, ".yaml", func(p string) error {
		_, err := loadRunConfig(p)
		var u *usageError
		if err != nil && !errors.As(err, &u) {
			t.Errorf("%v is not bad input", err)
		}
		return err
	})
}
