package fleet

import (
	"testing"

	"github.com/kindred-hri/kindred/internal/inputfile/inputfiletest"
)

// KINDRED_MQTT_CA naming a folder, a pipe, a device or a huge file fails at
// once, in one line naming the variable.
func TestCAFileRefusesWhatIsNotACertificateFile(t *testing.T) {
	inputfiletest.Refused(t, ".pem", func(p string) error {
		_, err := Opts{CAFile: p}.tlsConfig()
		return err
	})
}
