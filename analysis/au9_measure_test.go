package analysis

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/eval"
)

// TestMeasureAU9 is a measurement, not a check: for every frame with a
// face in the dev set's labelled faces (and Debian's astronaut.png and
// messi5.jpg where installed), it logs what AU9 (nose wrinkler) is read
// from: the nose wings' height and the nasal root's texture, now and in
// the baseline the frame is scored against (the population's face for a
// still, the recording's own neutral for a clip), the blendshapes that cap
// it, and how much of the frame's PSPI AU9 carries; beside them candidate
// cues for a scale-free or textural AU9: the nose base's and the wings'
// height below the inner eye corners (IOD, raw landmarks along the face's
// axis), and horizontal-edge energy on the nasal root against its
// vertical-edge energy and against the forehead's and the cheeks' own (the
// same Weber-contrast gradient energy as Features.NasalRoot). Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureAU9 -v ./analysis
func TestMeasureAU9(t *testing.T) {
	dir, labels := measuredFaceLabels(t)
	type item struct{ path, file string }
	var items []item
	for _, f := range eval.Files(labels) {
		items = append(items, item{filepath.Join(dir, filepath.FromSlash(f)), f})
	}
	for _, p := range []string{"../testdata/debian/astronaut.png", "/usr/share/doc/opencv-doc/examples/data/messi5.jpg"} {
		if _, err := os.Stat(p); err == nil {
			items = append(items, item{p, ""})
		}
	}
	fmt.Printf("%-34s %5s %-12s %6s %6s %6s %6s %6s %5s %6s %6s %6s %6s %5s %5s %5s %5s %5s %5s %5s %5s %s\n",
		"file", "t", "label", "wing", "wingB", "noseL", "wingL", "root", "rootB", "rAlong", "rAcross", "fore", "cheek", "brow", "lipUp", "sneer", "AU9", "AU10", "AU4", "AU67", "PSPI", "expr")
	for _, it := range items {
		textures := map[int][4]float64{}
		rows, feats, base := measuredFrames(t, it.path, func(i int, f perception.Frame, r *FrameRow) {
			textures[i] = regionTextures(f.Gray, &r.Face.Landmarks, r.Face.Pose.Roll.Radians())
		})
		name := filepath.Base(it.path)
		name = name[strings.Index(name, "__")+2:]
		for i := range rows {
			r := rows[i].Face
			if r == nil {
				continue
			}
			ft := feats[i]
			label := eval.LabelAt(labels, it.file, rows[i].At)
			if label == "" {
				label = "-"
			}
			bs := r.Blendshapes
			pair := func(a, b int) float64 { return (float64(bs[a]) + float64(bs[b])) / 2 }
			tx := textures[i]
			fmt.Printf("%-34s %5.2f %-12s %6.3f %6.3f %6.3f %6.3f %6.3f %5.3f %6.3f %6.3f %6.3f %6.3f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %5.2f %s smile %.2f cheekSq %.2f eyeSq %.2f jaw %.2f stretch %.2f\n",
				name, rows[i].At.Seconds(), label, ft.NoseWing, base.NoseWing, noseLen(&r.Landmarks, r.Pose.Roll.Radians()), wingLen(&r.Landmarks, r.Pose.Roll.Radians()), ft.NasalRoot, base.NasalRoot, tx[0], tx[1], tx[2], tx[3],
				pair(1, 2), pair(48, 49), pair(50, 51), r.AU.AU09, r.AU.AU10, r.AU.AU04, max(r.AU.AU06, r.AU.AU07), r.PSPI, r.Expression, pair(44, 45), pair(7, 8), pair(19, 20), pair(25, 25), pair(46, 47))
		}
	}
}

// regionTextures: along-axis (horizontal-edge) and across-axis gradient
// energy at the nasal root, and along-axis energy on the forehead and the
// cheeks, each over mean brightness.
func regionTextures(img *image.Gray, lm *[68]perception.Point, roll float64) [4]float64 {
	var r, l perception.Point
	for i := 36; i < 42; i++ {
		r.X += lm[i].X / 6
		r.Y += lm[i].Y / 6
		l.X += lm[i+6].X / 6
		l.Y += lm[i+6].Y / 6
	}
	iod := math.Hypot(l.X-r.X, l.Y-r.Y)
	if iod < 8 {
		return [4]float64{}
	}
	cos, sin := math.Cos(roll), math.Sin(roll)
	energy := func(c perception.Point, hw, hh float64, across bool) float64 {
		b := img.Bounds().Inset(1)
		rc := image.Rect(int(c.X-hw), int(c.Y-hh), int(c.X+hw)+1, int(c.Y+hh)+1).Intersect(b)
		if rc.Dx() < 3 || rc.Dy() < 3 {
			return 0
		}
		var sg, si float64
		for y := rc.Min.Y; y < rc.Max.Y; y++ {
			for x := rc.Min.X; x < rc.Max.X; x++ {
				gx := float64(int(img.GrayAt(x+1, y).Y) - int(img.GrayAt(x-1, y).Y))
				gy := float64(int(img.GrayAt(x, y+1).Y) - int(img.GrayAt(x, y-1).Y))
				g := -gx*sin + gy*cos
				if across {
					g = gx*cos + gy*sin
				}
				sg += math.Abs(g)
				si += float64(img.GrayAt(x, y).Y)
			}
		}
		n := float64(rc.Dx() * rc.Dy())
		return (sg / n) / (si/n + 16)
	}
	mid := func(a, b int) perception.Point {
		return perception.Point{X: (lm[a].X + lm[b].X) / 2, Y: (lm[a].Y + lm[b].Y) / 2}
	}
	// up is the face's upward unit vector in the image.
	upX, upY := sin, -cos
	root := mid(27, 28)
	brows := mid(19, 24)
	fore := perception.Point{X: brows.X + 0.3*iod*upX, Y: brows.Y + 0.3*iod*upY}
	cl, cr := mid(41, 31), mid(46, 35)
	cheek := (energy(cl, 0.1*iod, 0.1*iod, false) + energy(cr, 0.1*iod, 0.1*iod, false)) / 2
	return [4]float64{energy(root, 0.12*iod, 0.1*iod, false), energy(root, 0.12*iod, 0.1*iod, true), energy(fore, 0.2*iod, 0.1*iod, false), cheek}
}

// noseLen is the nose base (33) below the inner eye corners, in IOD, along
// the face's axis; wingLen the nose wings (31, 35) likewise.
func noseLen(lm *[68]perception.Point, roll float64) float64 {
	return below(lm, roll, 33, 33)
}

func wingLen(lm *[68]perception.Point, roll float64) float64 {
	return below(lm, roll, 31, 35)
}

func below(lm *[68]perception.Point, roll float64, a, b int) float64 {
	var r, l perception.Point
	for i := 36; i < 42; i++ {
		r.X += lm[i].X / 6
		r.Y += lm[i].Y / 6
		l.X += lm[i+6].X / 6
		l.Y += lm[i+6].Y / 6
	}
	iod := math.Hypot(l.X-r.X, l.Y-r.Y)
	cos, sin := math.Cos(roll), math.Sin(roll)
	ex, ey := (lm[39].X+lm[42].X)/2, (lm[39].Y+lm[42].Y)/2
	px, py := (lm[a].X+lm[b].X)/2, (lm[a].Y+lm[b].Y)/2
	return ((px-ex)*(-sin) + (py-ey)*cos) / iod
}
