package mesh

import (
	"context"
	"image"
	"math"
	"testing"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// rotated turns g by deg degrees (counter-clockwise on screen) about c.
func rotated(t *testing.T, g *image.Gray, c image.Point, deg float64) *image.Gray {
	t.Helper()
	src := gocv.NewMat()
	defer src.Close()
	if err := intoMat(&src, g); err != nil {
		t.Fatal(err)
	}
	rm := gocv.GetRotationMatrix2D(c, deg, 1)
	defer rm.Close()
	dst := gocv.NewMat()
	defer dst.Close()
	gocv.WarpAffine(src, &dst, rm, image.Pt(g.Rect.Dx(), g.Rect.Dy()))
	pix, err := dst.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	out := image.NewGray(g.Rect)
	copy(out.Pix, pix)
	return out
}

// A tilted head: the crop is levelled on the detector's eyes, so the mesh
// lands on the tilted face's eyes, nose and mouth as on the upright one.
func TestTiltedFaceIsLevelledOnItsEyes(t *testing.T) {
	astro := testmedia.Gray(t, testmedia.Path(t, "astronaut.png"))
	up, err := fitter(t).FitMesh(perception.Frame{Gray: astro}, image.Rect(177, 65, 268, 178), [2]perception.Point{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const deg = 35
	c := image.Pt(223, 120)
	tilted := rotated(t, astro, c, deg)
	dets, err := detector(t).Detect(tilted)
	if err != nil || len(dets) == 0 {
		t.Fatalf("no face in the tilted image: %v %v", dets, err)
	}
	fit, err := fitter(t).FitMesh(perception.Frame{Gray: tilted}, dets[0].Box, dets[0].Eyes, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Where the upright fit's points go under the same rotation (OpenCV's
	// positive angle turns the image counter-clockwise on screen).
	a := deg * math.Pi / 180
	turn := func(p perception.Point) perception.Point {
		x, y := p.X-float64(c.X), p.Y-float64(c.Y)
		return perception.Point{X: float64(c.X) + math.Cos(a)*x + math.Sin(a)*y, Y: float64(c.Y) - math.Sin(a)*x + math.Cos(a)*y}
	}
	iod := math.Hypot(up.Landmarks[45].X-up.Landmarks[36].X, up.Landmarks[45].Y-up.Landmarks[36].Y)
	for _, i := range []int{36, 39, 42, 45, 30, 48, 54, 51, 57} {
		w := turn(up.Landmarks[i])
		d := math.Hypot(fit.Landmarks[i].X-w.X, fit.Landmarks[i].Y-w.Y) / iod
		if d > 0.1 {
			t.Errorf("point %d at (%.1f, %.1f), the turned upright fit's at (%.1f, %.1f): %.0f%% of the eye-corner distance", i, fit.Landmarks[i].X, fit.Landmarks[i].Y, w.X, w.Y, 100*d)
		}
	}
}

// A face turned and tilted whose detector keypoints level the first crop
// badly is found all the same: the first crop's mesh levels a second, and
// the second's face presence decides. The dev set's synthetic neutral face
// of identity A, turned 10 degrees clockwise, read presence 0.49 in the
// first crop and 1.00 in the second; it was lost while the first decided.
func TestTiltedFaceFoundWhereTheFirstCropDoubts(t *testing.T) {
	src, err := camera.OpenImages(devsetFaces(t, "pain3d-synthetic__idA_neutral.png"), 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	up := single(t, f)
	if len(up) != 1 {
		t.Fatalf("upright: %d faces, want 1", len(up))
	}
	for _, deg := range []float64{-10, 10} {
		g, to := tilted(deg)(t, f)
		o, ok := matched(single(t, g), to(boxCentre(up[0])), 0.5*float64(up[0].Box.Dx()))
		if !ok {
			t.Errorf("turned %+.0f degrees: face lost", deg)
			continue
		}
		// 0.4: the 95th percentile of a still face's frame-to-frame
		// |dPSPI| on the dev set's videos (TestMeasureInvariance).
		if d := math.Abs(o.PSPI - up[0].PSPI); d > 0.4 {
			t.Errorf("turned %+.0f degrees: PSPI %.2f, upright %.2f", deg, o.PSPI, up[0].PSPI)
		}
	}
}
