package evaluate

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/internal/badinput"
)

// --mesh-every outside analyze's range is bad input before any clip is
// read. Before, `kindred eval --mesh-every 99` loaded the face models and
// failed as a runtime error (exit 1, "face pipeline: face: mesh_every 99
// must be in [0, 15]"), and --mesh-every 0 ran, which analyze refuses.
func TestMeshEveryIsCheckedFirst(t *testing.T) {
	for _, n := range []int{0, -1, 16, 99} {
		err := Run(t.Context(), Options{Only: "faces", Devset: t.TempDir(), MeshEvery: n}, nil)
		if !badinput.Is(err) || err == nil || !strings.Contains(err.Error(), "--mesh-every") {
			t.Errorf("--mesh-every %d: %v, want bad input naming --mesh-every", n, err)
		}
	}
}
