package mesh

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// TestMeasureAnimationCues is a measurement, not a check: for every face
// YuNet and the mesh find in an animation (opencv-doc's Megamind.avi and
// its re-encoding Megamind_bugy.avi) and in the real media at hand (the
// dev set's clips and photos, astronaut.png, messi5.jpg), it logs the
// spread (min/median/max) of candidate cues for telling a rendered face
// from a person. Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureAnimationCues -v ./perception/face/mesh
//
// Cues: YuNet's score; the mesh's face presence; the share of cheek and
// forehead pixels inside the YCbCr skin locus (Cb 77..127, Cr 133..173;
// Chai and Ngan, IEEE TCSVT 9(4), 1999) and their mean HSV saturation
// (skin rules bound it at 0.23..0.68; Sobottka and Pitas, Signal
// Processing: Image Communication 12(3), 1998); fine texture there (mean
// absolute 4-neighbour Laplacian, gray levels); the mesh's iris diameter
// and eye width over the outer eye corners' distance.
func TestMeasureAnimationCues(t *testing.T) {
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	measure := func(name string, frames func(yield func(perception.Frame) bool)) {
		var rows [][]float64
		frames(func(f perception.Frame) bool {
			dets, err := detector(t).Shrunk(320).Detect(f.Gray)
			if err != nil || len(dets) == 0 {
				dets, _ = detector(t).Detect(f.Gray)
			}
			for _, d := range dets {
				fit, err := fitter(t).FitMesh(f, d.Box, d.Eyes, nil)
				if err == nil {
					rows = append(rows, append([]float64{d.Score, fit.Presence}, cuesOf(f, fit.Mesh)...))
				}
			}
			return true
		})
		line := fmt.Sprintf("%-32s faces %3d", name, len(rows))
		for c, cue := range []string{"yunet", "presence", "skin", "hsvS", "texture", "iris", "eyeW"} {
			col := make([]float64, len(rows))
			for i, r := range rows {
				col[i] = r[c]
			}
			slices.Sort(col)
			if len(col) > 0 {
				line += fmt.Sprintf(" | %s %.3f/%.3f/%.3f", cue, col[0], col[len(col)/2], col[len(col)-1])
			}
		}
		t.Log(line)
	}
	for _, v := range []string{"Megamind.avi", "Megamind_bugy.avi"} {
		measure(v, videoFrames(t, testmedia.Path(t, v)))
	}
	for _, c := range []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"} {
		measure(c, videoFrames(t, devsetFaces(t, c)))
	}
	for _, p := range []string{"pexels-via-max__angry.jpg", "pexels-via-max__group.jpeg", "pexels-via-max__happy-baby.jpeg",
		"pexels-via-max__neutral.jpeg", "pexels-via-max__sad-baby.jpeg", "pexels-via-max__surprised.jpeg",
		"whitehouse-via-face_recognition__biden2.jpg", "whitehouse-via-face_recognition__obama.jpg",
		"whitehouse-via-face_recognition__obama_partial_face.jpg"} {
		measure(p, imageFrames(t, devsetFaces(t, p)))
	}
	measure("astronaut.png, messi5.jpg", imageFrames(t, testmedia.Path(t, "astronaut.png"), testmedia.Path(t, "messi5.jpg")))
}

// cuesOf measures the cues on one mesh fit (see TestMeasureAnimationCues).
func cuesOf(f perception.Frame, m []face.Point3) []float64 {
	biocular := math.Hypot(m[263].X-m[33].X, m[263].Y-m[33].Y)
	iris := (math.Hypot(m[469].X-m[471].X, m[469].Y-m[471].Y) + math.Hypot(m[474].X-m[476].X, m[474].Y-m[476].Y)) / 2
	eyeW := (math.Hypot(m[133].X-m[33].X, m[133].Y-m[33].Y) + math.Hypot(m[263].X-m[362].X, m[263].Y-m[362].Y)) / 2
	g := f.Gray
	var n, skin, sat, tex float64
	for _, c := range []int{50, 280, 151, 6} { // cheeks, forehead, nose bridge
		rad := 0.12 * biocular
		for y := int(m[c].Y - rad); y <= int(m[c].Y+rad); y++ {
			for x := int(m[c].X - rad); x <= int(m[c].X+rad); x++ {
				if !image.Pt(x, y).In(g.Bounds().Inset(1)) {
					continue
				}
				at := func(x, y int) float64 { return float64(g.Pix[g.PixOffset(x, y)]) }
				tex += math.Abs(at(x, y) - (at(x-1, y)+at(x+1, y)+at(x, y-1)+at(x, y+1))/4)
				n++
				if f.Color.Valid() {
					o := 3 * ((y-g.Rect.Min.Y)*f.Color.W + x - g.Rect.Min.X)
					b, gg, r := float64(f.Color.Pix[o]), float64(f.Color.Pix[o+1]), float64(f.Color.Pix[o+2])
					cb := 128 - 0.168736*r - 0.331264*gg + 0.5*b
					cr := 128 + 0.5*r - 0.418688*gg - 0.081312*b
					if cb >= 77 && cb <= 127 && cr >= 133 && cr <= 173 {
						skin++
					}
					if hi := max(r, gg, b); hi > 0 {
						sat += (hi - min(r, gg, b)) / hi
					}
				}
			}
		}
	}
	n = max(n, 1)
	return []float64{skin / n, sat / n, tex / n, iris / biocular, eyeW / biocular}
}

func videoFrames(t *testing.T, path string) func(func(perception.Frame) bool) {
	return func(yield func(perception.Frame) bool) {
		v, err := camera.OpenVideo(path)
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		for {
			f, err := v.Next(context.Background())
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !yield(f) {
				return
			}
		}
	}
}

func imageFrames(t *testing.T, paths ...string) func(func(perception.Frame) bool) {
	return func(yield func(perception.Frame) bool) {
		for _, p := range paths {
			src, err := camera.OpenImages(p, 1)
			if err != nil {
				t.Fatal(err)
			}
			f, err := src.Next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !yield(f) {
				return
			}
		}
	}
}
