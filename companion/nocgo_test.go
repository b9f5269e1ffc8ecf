package companion

import (
	"testing"

	"github.com/kindred-hri/kindred/internal/puregotest"
)

// TestPureGo keeps the companion a core package: it must build without cgo
// and reach none of the device libraries, which cmd/kindred hands in.
func TestPureGo(t *testing.T) {
	puregotest.Check(t, "companion", append(puregotest.NativeLibraries,
		"kindred/perception/camera", "kindred/perception/microphone", "kindred/perception/keywords",
		"kindred/voices/playback", "kindred/robot/body", "kindred/robot/firmata", "kindred/robot/pca9685"))
}
