package mesh

import (
	"image"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/drawn"
	"github.com/kindred-hri/kindred/perception/face/pose"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
	"gocv.io/x/gocv"
)

// degrade is one way a camera or a codec softens a picture.
type degrade struct {
	name string
	do   func(m gocv.Mat, out *gocv.Mat)
}

func degrades() []degrade {
	blur := func(s float64) func(m gocv.Mat, out *gocv.Mat) {
		return func(m gocv.Mat, out *gocv.Mat) { gocv.GaussianBlur(m, out, image.Pt(0, 0), s, s, gocv.BorderDefault) }
	}
	return []degrade{
		{"clean", func(m gocv.Mat, out *gocv.Mat) { m.CopyTo(out) }},
		{"blur1.0", blur(1.0)},
		{"blur1.5", blur(1.5)},
		{"blur2.5", blur(2.5)},
		{"bilateral", func(m gocv.Mat, out *gocv.Mat) { gocv.BilateralFilter(m, out, 9, 40, 7) }},
		{"jpeg10", func(m gocv.Mat, out *gocv.Mat) {
			b, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, m, []int{gocv.IMWriteJpegQuality, 10})
			if err != nil {
				panic(err)
			}
			defer b.Close()
			d, err := gocv.IMDecode(b.GetBytes(), gocv.IMReadColor)
			if err != nil {
				panic(err)
			}
			defer d.Close()
			d.CopyTo(out)
		}},
		{"half", func(m gocv.Mat, out *gocv.Mat) {
			gocv.Resize(m, out, image.Pt(m.Cols()/2, m.Rows()/2), 0, 0, gocv.InterpolationArea)
		}},
	}
}

// degraded is f passed through d, colour and gray.
func degraded(t testing.TB, f perception.Frame, d degrade) perception.Frame {
	m, err := gocv.NewMatFromBytes(f.Color.H, f.Color.W, gocv.MatTypeCV8UC3, slices.Clone(f.Color.Pix))
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	b, g := gocv.NewMat(), gocv.NewMat()
	defer b.Close()
	defer g.Close()
	d.do(m, &b)
	gocv.CvtColor(b, &g, gocv.ColorBGRToGray)
	bp, _ := b.DataPtrUint8()
	gp, _ := g.DataPtrUint8()
	f.Color = &perception.BGR{Pix: slices.Clone(bp), W: b.Cols(), H: b.Rows()}
	f.Gray = image.NewGray(image.Rect(0, 0, g.Cols(), g.Rows()))
	copy(f.Gray.Pix, gp)
	return f
}

// TestMeasureCrispEdges is a measurement, not a check: for the drawn set,
// Megamind.avi and the dev set's real faces (clips every third frame),
// clean and softened (Gaussian blur of 1, 1.5 and 2.5 px, a bilateral
// denoise, JPEG at quality 10, half size), it logs the faces found (drawn
// ones too), how many of them a texture reason (flat, noiseless) calls
// drawn, and the spread of Looks.Crisp over all faces and over those. Run
// with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureCrispEdges -v -timeout 30m ./perception/face/mesh
func TestMeasureCrispEdges(t *testing.T) {
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	o := face.DefaultOpts()
	o.AcceptDrawn = true
	measure := func(name string, frames func(func(perception.Frame) bool)) {
		for _, dg := range degrades() {
			d := detector(t)
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), o)
			if err != nil {
				t.Fatal(err)
			}
			var all, textured []float64
			var faces, tex, texCrisp int
			frames(func(f perception.Frame) bool {
				f = degraded(t, f, dg)
				for _, ob := range p.Process(f) {
					faces++
					l := face.MeasureLooks(f, &ob.Landmarks)
					all = append(all, l.Crisp)
					if r := l.Drawn(); r == face.DrawnFlat || r == face.DrawnNoiseless {
						tex++
						textured = append(textured, l.Crisp)
						if l.Sharp() {
							texCrisp++
						}
					}
				}
				return true
			})
			t.Logf("%-34s %-9s faces %4d texture-drawn %4d and crisp %4d | crisp all %s | crisp texture-drawn %s", name, dg.name, faces, tex, texCrisp, spread(all), spread(textured))
		}
	}
	every3 := func(src func(func(perception.Frame) bool)) func(func(perception.Frame) bool) {
		return func(yield func(perception.Frame) bool) {
			k := 0
			src(func(f perception.Frame) bool {
				if k++; k%3 != 0 {
					return true
				}
				return yield(f)
			})
		}
	}
	var drawnFrames []perception.Frame
	for _, c := range drawn.Set() {
		if c.Style != drawn.Emoji {
			drawnFrames = append(drawnFrames, c.Frames...)
		}
	}
	measure("drawn set", func(yield func(perception.Frame) bool) {
		for _, f := range drawnFrames {
			if !yield(f) {
				return
			}
		}
	})
	if os.Getenv("KINDRED_MEASURE_DRAWN_ONLY") != "" {
		return
	}
	var clips []string
	for _, c := range []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"} {
		clips = append(clips, devsetFaces(t, c))
	}
	measure("liveportrait (every 3rd)", every3(func(yield func(perception.Frame) bool) {
		for _, c := range clips {
			ok := true
			videoFrames(t, c)(func(f perception.Frame) bool { ok = yield(f); return ok })
			if !ok {
				return
			}
		}
	}))
	stills, _ := filepath.Glob(filepath.Join(filepath.Dir(devsetFaces(t, "labels.csv")), "*.*"))
	stills = slices.DeleteFunc(stills, func(s string) bool {
		return !slices.Contains([]string{".jpg", ".jpeg", ".png"}, filepath.Ext(s))
	})
	measure("stills", imageFrames(t, stills...))
	measure("Megamind.avi (every 3rd)", every3(videoFrames(t, testmedia.Path(t, "Megamind.avi"))))
}
