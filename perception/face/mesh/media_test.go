package mesh

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// Loaded once for all tests (calls are serialised inside).
var (
	sharedDetector = sync.OnceValues(func() (*Detector, error) { return NewDetector(DefaultDetectorOpts()) })
	sharedFitter   = sync.OnceValues(func() (*Fitter, error) { return NewFitter(DefaultFitterOpts()) })
)

func detector(t testing.TB) *Detector {
	t.Helper()
	d, err := sharedDetector()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fitter(t testing.TB) *Fitter {
	t.Helper()
	f, err := sharedFitter()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// devsetFaces is the shared dev set's faces folder; tests that read it skip
// only when it is absent.
func devsetFaces(t testing.TB, name string) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(here), "..", "..", "..", "..", "shared", "devset", "faces", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("dev set absent: %v", err)
	}
	return p
}

// devsetStill is the dev set's still image name as a frame (skipping the
// test when the dev set is absent).
func devsetStill(t testing.TB, name string) perception.Frame {
	t.Helper()
	src, err := camera.OpenImages(devsetFaces(t, name), 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// Real photographs: one face each, found where it is (the nose tip, located
// by eye, inside the box) and at a plausible size.
func TestDetectorFindsRealFacesWhereTheyAre(t *testing.T) {
	cases := []struct {
		name    string
		path    func(t *testing.T) string
		inside  image.Point
		minSide int
	}{
		{"astronaut.png", func(t *testing.T) string { return testmedia.Path(t, "astronaut.png") }, image.Pt(225, 127), 70},
		{"messi5.jpg", func(t *testing.T) string { return testmedia.Path(t, "messi5.jpg") }, image.Pt(247, 115), 25},
		{"obama.jpg", func(t *testing.T) string { return devsetFaces(t, "whitehouse-via-face_recognition__obama.jpg") }, image.Pt(497, 273), 150},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := testmedia.Gray(t, c.path(t))
			dets, err := detector(t).Detect(g)
			if err != nil {
				t.Fatal(err)
			}
			if len(dets) != 1 {
				t.Fatalf("%d faces %v, want 1", len(dets), dets)
			}
			b := dets[0].Box
			if !c.inside.In(b) || b.Dx() < c.minSide {
				t.Errorf("face box %v should contain %v and be at least %d px wide", b, c.inside, c.minSide)
			}
			e := dets[0].Eyes
			if !(e[0].X < e[1].X) || !image.Pt(int(e[0].X), int(e[0].Y)).In(b) || !image.Pt(int(e[1].X), int(e[1].Y)).In(b) {
				t.Errorf("eyes %v should lie in the box %v, image-left first", e, b)
			}
		})
	}
}

// measureEvery skips a measurement unless KINDRED_MEASURE is set, and
// returns the frame step it samples videos at: every, or
// KINDRED_MEASURE_EVERY when given.
func measureEvery(t *testing.T, every int) int {
	t.Helper()
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	if s := os.Getenv("KINDRED_MEASURE_EVERY"); s != "" {
		every, _ = strconv.Atoi(s)
	}
	return every
}

// withoutAPerson are frames with no face in them: a blank frame, noise,
// and four photographs of things (Debian's OpenCV samples).
func withoutAPerson(t *testing.T) map[string]*image.Gray {
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range blank.Pix {
		blank.Pix[i] = 128
	}
	noise := image.NewGray(image.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	imgs := map[string]*image.Gray{"blank": blank, "noise": noise}
	for _, name := range []string{"fruits.jpg", "home.jpg", "building.jpg", "baboon.jpg"} {
		imgs[name] = testmedia.Gray(t, testmedia.Path(t, name))
	}
	return imgs
}

// Pictures without a person: none, not even after the mesh's look.
func TestNoFaceWhereThereIsNone(t *testing.T) {
	imgs := withoutAPerson(t)
	for name, g := range imgs {
		dets, err := detector(t).Detect(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(dets) != 0 {
			t.Errorf("%s: %d faces %v, want none", name, len(dets), dets)
		}
	}
}

// The face-presence output drops a crop with no face in it: a track whose
// face has gone (the person left, a wall behind) ends there.
func TestPresenceRejectsACropWithoutAFace(t *testing.T) {
	astro := testmedia.Gray(t, testmedia.Path(t, "astronaut.png"))
	f := fitter(t)
	if _, err := f.FitMesh(perception.Frame{Gray: astro}, image.Rect(177, 65, 268, 178), [2]perception.Point{}, nil); err != nil {
		t.Fatalf("the astronaut's face: %v", err)
	}
	// The same size of crop on the flag and wall to the right of the face.
	fit, err := f.FitMesh(perception.Frame{Gray: astro}, image.Rect(380, 300, 471, 413), [2]perception.Point{}, nil)
	if !errors.Is(err, ErrNoFace) {
		t.Errorf("a crop without a face: presence %.2f, err %v; want ErrNoFace", fit.Presence, err)
	}
}

func centre(lm *[68]perception.Point, idx ...int) perception.Point {
	var c perception.Point
	for _, i := range idx {
		c.X += lm[i].X / float64(len(idx))
		c.Y += lm[i].Y / float64(len(idx))
	}
	return c
}

// dlibFit is dlib's 68-point fit of the one face in g (Debian's
// libdlib-data model in dlib's own detector's box), the reference the mesh
// mapping must agree with; the test skips without the model.
func dlibFit(t *testing.T, g *image.Gray) [68]perception.Point {
	t.Helper()
	if _, err := os.Stat(dlib.DefaultModel); err != nil {
		t.Skipf("dlib's shape model absent (apt-get install libdlib-data): %v", err)
	}
	lm, err := sharedDlib()
	if err != nil {
		t.Fatal(err)
	}
	d := dlib.NewDetector(dlib.DetectorOpts{Upsample: 1})
	defer d.Close()
	dets, err := d.Detect(g)
	if err != nil || len(dets) == 0 {
		t.Fatalf("dlib found %v (%v)", dets, err)
	}
	p, err := lm.Landmarks(g, dets[0].Box)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var sharedDlib = sync.OnceValues(func() (*dlib.Landmarker, error) { return dlib.OpenLandmarker(dlib.DefaultModel) })

type refPoint struct {
	name string
	idx  []int
}

var comparedPoints = []refPoint{
	{"right eye centre", []int{36, 37, 38, 39, 40, 41}},
	{"left eye centre", []int{42, 43, 44, 45, 46, 47}},
	{"right eye outer corner", []int{36}},
	{"right eye inner corner", []int{39}},
	{"left eye inner corner", []int{42}},
	{"left eye outer corner", []int{45}},
	{"nose tip", []int{30}},
	{"right mouth corner", []int{48}},
	{"left mouth corner", []int{54}},
	{"mouth centre", []int{51, 57, 62, 66}},
}

// The mapped 68 points sit where dlib puts them on a real face, within a
// few percent of the inter-ocular distance: the geometry, pose and AU code
// written for dlib's points reads the mesh's the same way.
func TestMeshMapsOntoDlibsPoints(t *testing.T) {
	cases := map[string]func(t *testing.T) string{
		"astronaut.png": func(t *testing.T) string { return testmedia.Path(t, "astronaut.png") },
		"neutral.jpeg":  func(t *testing.T) string { return devsetFaces(t, "pexels-via-max__neutral.jpeg") },
		"obama.jpg":     func(t *testing.T) string { return devsetFaces(t, "whitehouse-via-face_recognition__obama.jpg") },
		"biden2.jpg":    func(t *testing.T) string { return devsetFaces(t, "whitehouse-via-face_recognition__biden2.jpg") },
	}
	for name, path := range cases {
		t.Run(name, func(t *testing.T) {
			p := path(t)
			g := testmedia.Gray(t, p)
			ref := dlibFit(t, g)
			dets, err := detector(t).Detect(g)
			if err != nil || len(dets) != 1 {
				t.Fatalf("detections %v, %v", dets, err)
			}
			fit, err := fitter(t).FitMesh(perception.Frame{Gray: g, Color: colourOf(t, p)}, dets[0].Box, dets[0].Eyes, nil)
			if err != nil {
				t.Fatal(err)
			}
			lm := fit.Landmarks
			re, le := centre(&ref, 36, 37, 38, 39, 40, 41), centre(&ref, 42, 43, 44, 45, 46, 47)
			iod := math.Hypot(le.X-re.X, le.Y-re.Y)
			for _, c := range comparedPoints {
				a, b := centre(&lm, c.idx...), centre(&ref, c.idx...)
				d := math.Hypot(a.X-b.X, a.Y-b.Y) / iod
				t.Logf("%-22s mesh (%.1f, %.1f) dlib (%.1f, %.1f): %.1f%% of the inter-ocular distance", c.name, a.X, a.Y, b.X, b.Y, 100*d)
				if d > maxMappingError {
					t.Errorf("%s: %.1f%% of the inter-ocular distance from dlib's, want at most %.0f%%", c.name, 100*d, 100*maxMappingError)
				}
			}
			// Every point but the jaw, one by one: the brows' upper edge is
			// vaguer (dlib's own fits wander on it), so it gets more room.
			var worst float64
			for i := 17; i < 68; i++ {
				d := math.Hypot(lm[i].X-ref[i].X, lm[i].Y-ref[i].Y) / iod
				worst = max(worst, d)
				limit := maxPointError
				if i <= 26 {
					limit = maxBrowError
				}
				if d > limit {
					t.Errorf("point %d: %.1f%% of the inter-ocular distance from dlib's, want at most %.0f%%", i, 100*d, 100*limit)
				}
			}
			t.Logf("largest single-point distance (17..67): %.1f%%", 100*worst)
		})
	}
}

// maxMappingError bounds a mapped point's distance from dlib's, in
// inter-ocular distances.
const maxMappingError = 0.08

// maxPointError and maxBrowError bound single points 27..67 and 17..26.
const (
	maxPointError = 0.14
	maxBrowError  = 0.16
)

// Tracking: the mesh fitted from its own previous fit follows the face when
// the image moves, with no box at all.
func TestMeshTracksFromItsPreviousFit(t *testing.T) {
	astro := testmedia.Gray(t, testmedia.Path(t, "astronaut.png"))
	f := fitter(t)
	first, err := f.FitMesh(perception.Frame{Gray: astro}, image.Rect(177, 65, 268, 178), [2]perception.Point{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Shift the image 12 px right and 6 px down: the face moves with it.
	moved := image.NewGray(astro.Rect)
	for y := 6; y < astro.Rect.Dy(); y++ {
		copy(moved.Pix[y*moved.Stride+12:(y+1)*moved.Stride], astro.Pix[(y-6)*astro.Stride:(y-6)*astro.Stride+astro.Rect.Dx()-12])
	}
	next, err := f.FitMesh(perception.Frame{Gray: moved}, image.Rectangle{}, [2]perception.Point{}, &first)
	if err != nil {
		t.Fatal(err)
	}
	a, b := centre(&first.Landmarks, 30), centre(&next.Landmarks, 30)
	if dx, dy := b.X-a.X, b.Y-a.Y; math.Abs(dx-12) > 2 || math.Abs(dy-6) > 2 {
		t.Errorf("the nose tip moved (%.1f, %.1f), the image (12, 6)", dx, dy)
	}
}

// Colour in, same face out: a frame with colour and the same frame in gray
// give meshes within a small fraction of the face apart.
func TestColourAndGrayAgree(t *testing.T) {
	path := devsetFaces(t, "pexels-via-max__neutral.jpeg")
	g := testmedia.Gray(t, path)
	col := colourOf(t, path)
	dets, err := detector(t).Detect(g)
	if err != nil || len(dets) == 0 {
		t.Fatalf("detections %v, %v", dets, err)
	}
	f := fitter(t)
	a, err := f.FitMesh(perception.Frame{Gray: g, Color: col}, dets[0].Box, dets[0].Eyes, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.FitMesh(perception.Frame{Gray: g}, dets[0].Box, dets[0].Eyes, nil)
	if err != nil {
		t.Fatal(err)
	}
	iod := math.Hypot(a.Landmarks[45].X-a.Landmarks[36].X, a.Landmarks[45].Y-a.Landmarks[36].Y)
	var worst float64
	for i := range a.Landmarks {
		worst = max(worst, math.Hypot(a.Landmarks[i].X-b.Landmarks[i].X, a.Landmarks[i].Y-b.Landmarks[i].Y)/iod)
	}
	t.Logf("colour vs gray: largest landmark difference %.1f%% of the eye-corner distance", 100*worst)
	if worst > 0.15 {
		t.Errorf("colour and gray fits differ by %.1f%% of the eye-corner distance", 100*worst)
	}
}

func TestClosedUse(t *testing.T) {
	d, err := NewDetector(DefaultDetectorOpts())
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFitter(DefaultFitterOpts())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{d, f, d, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	g := image.NewGray(image.Rect(0, 0, 64, 64))
	if _, err := d.Detect(g); !errors.Is(err, ErrClosed) {
		t.Errorf("Detect after Close: %v", err)
	}
	if _, err := f.Landmarks(g, image.Rect(8, 8, 56, 56)); !errors.Is(err, ErrClosed) {
		t.Errorf("Landmarks after Close: %v", err)
	}
	if _, err := d.Detect(&image.Gray{}); err == nil {
		t.Error("an empty image was scanned")
	}
}

var _ face.MeshFitter = (*Fitter)(nil)

// benchFrame is astronaut.png placed in a 640x480 frame: a webcam-sized
// image with one face of about 90 px.
func benchFrame(b *testing.B) *image.Gray {
	return testmedia.Webcam(testmedia.Gray(b, testmedia.Path(b, "astronaut.png")), image.Pt(0, 16))
}

// cpuPerOp reports CPU milliseconds per operation next to wall time: on a
// shared machine the wall clock measures the neighbours too. Run on one
// core with `taskset -c 0 go test -bench . -cpu 1`.
func cpuPerOp(b *testing.B, run func()) {
	start := testmedia.CPUTime()
	n := 0
	for b.Loop() {
		run()
		n++
	}
	b.ReportMetric(float64(testmedia.CPUTime()-start)/float64(time.Millisecond)/float64(n), "cpu-ms/op")
}

func BenchmarkDetect640x480(b *testing.B) {
	g := benchFrame(b)
	d := detector(b)
	for _, w := range []int{0, 320} {
		b.Run(fmt.Sprintf("maxwidth%d", w), func(b *testing.B) {
			s := d.Shrunk(w)
			cpuPerOp(b, func() {
				if _, err := s.Detect(g); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkMesh is the mesh alone (no blendshapes).
func BenchmarkMesh(b *testing.B) {
	g := benchFrame(b)
	f, err := NewFitter(FitterOpts{Scale: 1.5, MinPresence: 0.5})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	box := image.Rect(177, 49, 268, 162)
	b.Run("new-face", func(b *testing.B) { // two passes: box, then levelled on the first mesh
		cpuPerOp(b, func() {
			if _, err := f.FitMesh(perception.Frame{Gray: g}, box, [2]perception.Point{}, nil); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("tracked", func(b *testing.B) { // one pass from the previous frame's mesh
		prev, err := f.FitMesh(perception.Frame{Gray: g}, box, [2]perception.Point{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		cpuPerOp(b, func() {
			if _, err := f.FitMesh(perception.Frame{Gray: g}, image.Rectangle{}, [2]perception.Point{}, &prev); err != nil {
				b.Fatal(err)
			}
		})
	})
}

func BenchmarkBlendshapes(b *testing.B) {
	g := benchFrame(b)
	f := fitter(b)
	fit, err := f.FitMesh(perception.Frame{Gray: g}, image.Rect(177, 49, 268, 162), [2]perception.Point{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	cpuPerOp(b, func() {
		if _, err := f.Blendshapes(fit.Mesh); err != nil {
			b.Fatal(err)
		}
	})
}

// colourOf decodes an image file in colour through the camera leaf, as a
// run reads it.
func colourOf(t *testing.T, path string) *perception.BGR {
	t.Helper()
	src, err := camera.OpenImages(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	f, err := src.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return f.Color
}

// A fit reads only the frame's pixels under its crop, copied into a buffer
// that keeps earlier frames' pixels elsewhere: what a fitter saw before must
// not change the fit. One fitter has seen noise, the other black; both then
// fit the same face, also with the image's origin moved (a sub-image).
func TestFitDependsOnTheFrameAlone(t *testing.T) {
	astro := testmedia.Webcam(testmedia.Gray(t, testmedia.Path(t, "astronaut.png")), image.Pt(0, 16))
	noise := image.NewGray(astro.Rect)
	r := rand.New(rand.NewPCG(3, 4))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	black := image.NewGray(astro.Rect)
	box := image.Rect(177, 49, 268, 162)
	fits := make([]face.MeshFit, 0, 2)
	for _, before := range []*image.Gray{noise, black} {
		f, err := NewFitter(DefaultFitterOpts())
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		// A wide crop first, so that what it copied lies all round the face's.
		if _, err := f.FitMesh(perception.Frame{Gray: before}, box.Inset(-60), [2]perception.Point{}, nil); err != nil && !errors.Is(err, ErrNoFace) {
			t.Fatal(err)
		}
		fit, err := f.FitMesh(perception.Frame{Gray: astro}, box, [2]perception.Point{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		fits = append(fits, fit)
	}
	sub := astro.SubImage(image.Rect(100, 20, 400, 300)).(*image.Gray)
	fit, err := fitter(t).FitMesh(perception.Frame{Gray: sub}, box, [2]perception.Point{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	fits = append(fits, fit)
	for k := 1; k < len(fits); k++ {
		var worst float64
		for i := range fits[0].Mesh {
			a, b := fits[0].Mesh[i], fits[k].Mesh[i]
			worst = max(worst, math.Hypot(a.X-b.X, a.Y-b.Y))
		}
		t.Logf("fit %d: worst %.4f px", k, worst)
		if worst > 0.01 {
			t.Errorf("fit %d: a mesh point moved %.3f px with what the fitter saw before or the image's origin", k, worst)
		}
	}
}
