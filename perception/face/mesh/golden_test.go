package mesh

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// prototxtFloats reads every value of the named field ("x:", "score:") in a
// MediaPipe text-format proto, in order.
func prototxtFloats(t *testing.T, path, field string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		v, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
		out = append(out, x)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// MediaPipe's own recorded blendshape test (its input mesh and the scores
// MediaPipe computed from it, testdata/, Apache-2.0) is an independent
// reference: the subset, the normalisation and the model must together
// reproduce MediaPipe's scores. The recorded mesh is normalised to its
// image, MediaPipe's 820x1024 portrait test image, so it is put back into
// pixels first: the normalisation is isotropic, and a wrong aspect ratio
// moves the scores by up to 0.2.
// The golden mesh's image size.
const goldenW, goldenH = 820, 1024

func TestBlendshapesMatchMediaPipeGolden(t *testing.T) {
	xs := prototxtFloats(t, "testdata/golden_blendshapes_in_landmarks.prototxt", "x")
	ys := prototxtFloats(t, "testdata/golden_blendshapes_in_landmarks.prototxt", "y")
	want := prototxtFloats(t, "testdata/golden_blendshapes_out.prototxt", "score")
	if len(xs) != meshPoints || len(ys) != meshPoints || len(want) != 52 {
		t.Fatalf("golden files: %d x, %d y, %d scores", len(xs), len(ys), len(want))
	}
	m := make([]face.Point3, meshPoints)
	for i := range m {
		m[i] = face.Point3{X: xs[i] * goldenW, Y: ys[i] * goldenH}
	}
	f, err := NewFitter(DefaultFitterOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.Blendshapes(m)
	if err != nil {
		t.Fatal(err)
	}
	var worst float64
	worstAt := 0
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > worst {
			worst, worstAt = d, i
		}
	}
	t.Logf("largest difference from MediaPipe: %.4f (%s: %.4f vs %.4f)", worst, perception.BlendshapeNames[worstAt], got[worstAt], want[worstAt])
	if worst > 0.002 {
		t.Errorf("blendshapes differ from MediaPipe's by up to %.4f (%s), want at most 0.002", worst, perception.BlendshapeNames[worstAt])
	}
}
