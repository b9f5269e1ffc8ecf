package mimicry

import (
	"testing"

	"github.com/kindred-hri/kindred/internal/puregotest"
)

// TestPureGo keeps mimicry a core package: it must build without cgo and
// reach none of the device libraries.
func TestPureGo(t *testing.T) {
	puregotest.Check(t, "mimicry", append(puregotest.NativeLibraries,
		"kindred/robot/", "kindred/perception/face", "kindred/voices"))
}
