package dlib

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// sharedLandmarker loads the 100 MB model once for all tests.
var sharedLandmarker = sync.OnceValues(func() (*Landmarker, error) { return OpenLandmarker(DefaultModel) })

func landmarker(t testing.TB) *Landmarker {
	t.Helper()
	if _, err := os.Stat(DefaultModel); err != nil {
		t.Skipf("shape model absent (apt-get install libdlib-data): %v", err)
	}
	lm, err := sharedLandmarker()
	if err != nil {
		t.Fatal(err)
	}
	return lm
}

func TestDetectorFindsRealFacesWhereTheyAre(t *testing.T) {
	cases := []struct {
		file     string
		upsample int
		inside   image.Point // a point the face box must contain (nose, located by eye)
		minSide  int
	}{
		{"astronaut.png", 0, image.Pt(225, 127), 70},
		{"messi5.jpg", 1, image.Pt(247, 115), 30},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			g := testmedia.Gray(t, testmedia.Path(t, c.file))
			d := NewDetector(DetectorOpts{Upsample: c.upsample})
			defer d.Close()
			dets, err := d.Detect(g)
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
			if dets[0].Score <= 0.5 {
				t.Errorf("score %.2f of a clear face, want > 0.5", dets[0].Score)
			}
		})
	}
}

func TestDetectorFindsNoFaceInBlankOrNoise(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 640, 480))
	for i := range blank.Pix {
		blank.Pix[i] = 128
	}
	noise := image.NewGray(image.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range noise.Pix {
		noise.Pix[i] = uint8(r.IntN(256))
	}
	d := NewDetector(DetectorOpts{Upsample: 1})
	defer d.Close()
	for name, g := range map[string]*image.Gray{"blank": blank, "noise": noise} {
		dets, err := d.Detect(g)
		if err != nil {
			t.Fatal(err)
		}
		if len(dets) != 0 {
			t.Errorf("%s: found %v", name, dets)
		}
	}
}

func TestLandmarksLandOnTheFace(t *testing.T) {
	lm := landmarker(t)
	g := testmedia.Gray(t, testmedia.Path(t, "astronaut.png"))
	d := NewDetector(DefaultDetectorOpts())
	defer d.Close()
	dets, err := d.Detect(g)
	if err != nil || len(dets) != 1 {
		t.Fatalf("detect: %v %v", dets, err)
	}
	p, err := lm.Landmarks(g, dets[0].Box)
	if err != nil {
		t.Fatal(err)
	}
	// Image-left eye outer corner, image-right eye outer corner, nose tip, chin,
	// as placed by eye on the photo, within 8 px.
	want := map[int]image.Point{36: {195, 101}, 45: {255, 104}, 30: {225, 127}, 8: {221, 178}}
	for i, w := range want {
		if dx, dy := p[i].X-float64(w.X), p[i].Y-float64(w.Y); dx*dx+dy*dy > 64 {
			t.Errorf("landmark %d at (%.0f, %.0f), want near %v", i, p[i].X, p[i].Y, w)
		}
	}
	// A sub-image keeps the parent's coordinates.
	sub := g.SubImage(image.Rect(150, 50, 320, 220)).(*image.Gray)
	q, err := lm.Landmarks(sub, dets[0].Box)
	if err != nil {
		t.Fatal(err)
	}
	if dx := q[30].X - p[30].X; dx*dx > 4 {
		t.Errorf("nose tip in a sub-image at %.1f, in the full image at %.1f", q[30].X, p[30].X)
	}
}

func TestBadModelAndClosedUse(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "not-a-model.dat")
	if err := os.WriteFile(bad, []byte("this is not a dlib model"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenLandmarker(bad); err == nil {
		t.Error("loading a text file as a model: want an error")
	}
	if _, err := OpenLandmarker(filepath.Join(t.TempDir(), "missing.dat")); err == nil {
		t.Error("loading a missing model: want an error")
	}
	d := NewDetector(DefaultDetectorOpts())
	d.Close()
	d.Close()
	if _, err := d.Detect(image.NewGray(image.Rect(0, 0, 10, 10))); err != ErrClosed {
		t.Errorf("detect after close: %v, want ErrClosed", err)
	}
	if _, err := NewDetector(DefaultDetectorOpts()).Detect(&image.Gray{}); err == nil {
		t.Error("detect on an empty image: want an error")
	}
}

// benchFrame is astronaut.png placed in a 640x480 frame: a webcam-sized
// image with one face of about 90 px.
func benchFrame(b *testing.B) *image.Gray {
	return testmedia.Webcam(testmedia.Gray(b, testmedia.Path(b, "astronaut.png")), image.Pt(0, 16))
}

func BenchmarkHOGDetect640x480(b *testing.B) {
	g := benchFrame(b)
	for _, c := range []DetectorOpts{{MaxWidth: 320}, {Upsample: 0}, {Upsample: 1}} {
		b.Run(fmt.Sprintf("maxwidth%d-upsample%d", c.MaxWidth, c.Upsample), func(b *testing.B) {
			d := NewDetector(c)
			defer d.Close()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.Detect(g); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLandmarks(b *testing.B) {
	lm := landmarker(b)
	g := benchFrame(b)
	box := image.Rect(179, 67, 267, 155)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lm.Landmarks(g, box); err != nil {
			b.Fatal(err)
		}
	}
}

func TestShrunkScanNeedsFacesTwiceTheWindow(t *testing.T) {
	d := NewDetector(DefaultDetectorOpts())
	defer d.Close()
	astro := testmedia.Gray(t, testmedia.Path(t, "astronaut.png")) // 512 px wide, an 88 px face
	for _, c := range []struct {
		maxWidth int
		want     int
	}{{512, 1}, {256, 0}} { // halved, the face is 44 px: under dlib's 80 px window
		dets, err := d.Shrunk(c.maxWidth).Detect(astro)
		if err != nil || len(dets) != c.want {
			t.Errorf("max width %d: %v %v, want %d faces", c.maxWidth, dets, err, c.want)
		}
		if len(dets) == 1 && !image.Pt(225, 127).In(dets[0].Box) {
			t.Errorf("max width %d: box %v misses the face", c.maxWidth, dets[0].Box)
		}
	}
}

func TestDetectOnImagesTooSmallForAFace(t *testing.T) {
	d := NewDetector(DetectorOpts{MaxWidth: 360})
	defer d.Close()
	for _, r := range []image.Rectangle{image.Rect(0, 0, 700, 1), image.Rect(0, 0, 1, 1), image.Rect(0, 0, 30, 30)} {
		dets, err := d.Detect(image.NewGray(r))
		if err != nil || len(dets) != 0 {
			t.Errorf("%v: %v %v, want no faces and no error", r, dets, err)
		}
	}
}
