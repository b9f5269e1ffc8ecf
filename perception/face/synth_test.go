package face

import (
	"errors"
	"image"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// expression edits GenericFace in millimetres to pose a synthetic face.
type expression func(m *[68]Point3)

func neutralFace(*[68]Point3) {}

// browsLowered pulls the brows down and the inner ends together (AU4).
func browsLowered(m *[68]Point3) {
	for i := 17; i <= 26; i++ {
		m[i].Y += 6
	}
	m[20].X += 3
	m[21].X += 5
	m[22].X -= 5
	m[23].X -= 3
}

// eyesShut brings the upper lids onto the lower ones.
func eyesShut(m *[68]Point3) {
	for _, i := range []int{37, 38, 43, 44} {
		m[i].Y += 9
	}
}

// smile lifts and widens the mouth corners, raises the cheeks (lower lids up)
// and the upper lip a little: the smile trap, PSPI goes up with no AU4.
func smile(m *[68]Point3) {
	for _, i := range []int{48, 60} {
		m[i].X -= 5
		m[i].Y -= 7
	}
	for _, i := range []int{54, 64} {
		m[i].X += 5
		m[i].Y -= 7
	}
	for _, i := range []int{40, 41, 46, 47} {
		m[i].Y -= 2
	}
	for i := 49; i <= 53; i++ {
		m[i].Y -= 2
	}
	for i := 55; i <= 59; i++ {
		m[i].Y += 4
	}
}

// grimace is a pain face: brows lowered and together, lids tightened,
// nose wrinkled and upper lip raised.
func grimace(m *[68]Point3) {
	browsLowered(m)
	for _, i := range []int{37, 38, 43, 44} {
		m[i].Y += 3.5
	}
	for _, i := range []int{40, 41, 46, 47} {
		m[i].Y -= 1.5
	}
	for i := 31; i <= 35; i++ {
		m[i].Y -= 3
	}
	for i := 49; i <= 53; i++ {
		m[i].Y -= 5
	}
}

// perspectiveFace draws an edited generic face posed 600 mm in front of a
// 640x480 pinhole camera (focal 640): not the orthographic camera the
// pipeline assumes, so pose correction is tested for real.
func perspectiveFace(e expression, p perception.HeadPose) [68]perception.Point {
	m := GenericFace
	e(&m)
	r := RotationFromPose(p)
	var out [68]perception.Point
	for i := range m {
		q := r.Apply(m[i])
		z := q.Z + 600
		out[i] = perception.Point{X: 320 + 640*q.X/z, Y: 240 + 640*q.Y/z}
	}
	return out
}

// faceBox is a detector-like box around synthetic landmarks.
func faceBox(lm *[68]perception.Point) image.Rectangle {
	b := landmarkBounds(lm)
	return image.Rect(int(b.Min.X), int(b.Min.Y), int(b.Max.X)+1, int(b.Max.Y)+1)
}

// scripted is a recording fake of the three leaves for one synthetic scene:
// the detector reports the boxes of the faces, the landmarker answers only
// for boxes that overlap a face (and fails the test otherwise), the pose is
// the true one.
type scripted struct {
	t     testing.TB
	faces [][68]perception.Point
	poses []perception.HeadPose
	calls struct{ detect, fit, pose int }
}

func (s *scripted) Detect(*image.Gray) ([]Detection, error) {
	s.calls.detect++
	out := make([]Detection, len(s.faces))
	for i := range s.faces {
		out[i] = Detection{Box: faceBox(&s.faces[i]), Score: 0.9}
	}
	return out, nil
}

func (s *scripted) Landmarks(_ *image.Gray, box image.Rectangle) ([68]perception.Point, error) {
	s.calls.fit++
	best, bestIoU := -1, 0.2
	for i := range s.faces {
		if u := iou(box, faceBox(&s.faces[i])); u > bestIoU {
			best, bestIoU = i, u
		}
	}
	if best < 0 {
		if !box.Overlaps(blank.Bounds()) {
			s.t.Fatalf("landmarker asked for box %v outside the image", box)
		}
		return [68]perception.Point{}, errNoFace
	}
	return s.faces[best], nil
}

func (s *scripted) Pose(lm *[68]perception.Point, _ image.Point) (perception.HeadPose, error) {
	s.calls.pose++
	for i := range s.faces {
		if s.faces[i] == *lm {
			return s.poses[i], nil
		}
	}
	s.t.Fatalf("pose asked for landmarks of no face in the scene")
	return perception.HeadPose{}, nil
}

func (s *scripted) show(faces ...[68]perception.Point) { s.faces = faces }

var errNoFace = errors.New("fake landmarker: no face in that box")

// blank is the frame behind the synthetic faces: a plain ramp, textured
// enough to hold a face (see textured) with no wrinkles anywhere, and a
// camera's noise on it (sd about 1.5 gray levels), without which the
// pipeline takes the face for a drawn one (Looks.Drawn).
var blank = func() *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewPCG(3, 5))
	for y := range 480 {
		for x := range 640 {
			g.Pix[g.PixOffset(x, y)] = uint8(max(0, float64((x+y)/5)+1.5*r.NormFloat64()+0.5))
		}
	}
	return g
}()

func frameAt(i int, fps float64) perception.Frame {
	return perception.Frame{At: time.Duration(float64(i) / fps * float64(time.Second)), Seq: i, Gray: blank}
}

// calibrated measures a neutral frontal synthetic face as a calibration would.
func calibrated(t testing.TB) *Baseline {
	lm := perspectiveFace(neutralFace, perception.HeadPose{})
	f, ok := Measure(blank, &lm, perception.HeadPose{})
	if !ok {
		t.Fatal("neutral synthetic face not measurable")
	}
	b, err := BaselineOf([]Features{f})
	if err != nil {
		t.Fatal(err)
	}
	return &b
}
