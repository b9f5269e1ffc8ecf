package face

import (
	"image"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// plausible takes a face's landmarks as a face whichever way the head is
// pitched within about 50 degrees (tilted back, the nose tip comes up to
// the eye line in the image), and with an infant's short nose; it drops
// landmarks out of a face's order along the face's own axis (rolled upside
// down is still a face): mouth above or on the eye line, nose tip far above
// the eyes or down at the mouth, or all collapsed onto one line.
func TestPlausibleFaceOrder(t *testing.T) {
	at := perception.Point{X: 320, Y: 240}
	posed := func(p perception.HeadPose) [68]perception.Point { return Project(&GenericFace, p, 2, at) }
	infant := func() [68]perception.Point {
		// An infant's proportions: the nose tip and the mouth nearer the
		// eyes for the same eye spacing (the face grows more in height
		// than in width after birth; Farkas 1994).
		m := GenericFace
		for i := 27; i < 68; i++ {
			if i < 36 || i > 47 {
				m[i].Y *= 0.6
			}
		}
		return Project(&m, perception.HeadPose{Pitch: 20}, 2, at)
	}
	moved := func(lm [68]perception.Point, dy float64, idx ...int) [68]perception.Point {
		for _, i := range idx {
			lm[i].Y += dy
		}
		return lm
	}
	// flipped mirrors landmarks top to bottom: the eyes keep their sides,
	// the mouth goes above them.
	flipped := func(lm [68]perception.Point) [68]perception.Point {
		for i := range lm {
			lm[i].Y = 2*at.Y - lm[i].Y
		}
		return lm
	}
	frontal := posed(perception.HeadPose{})
	iod := iodOf(&frontal)
	mouth := []int{48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67}
	var flat [68]perception.Point
	for i := range flat {
		flat[i] = perception.Point{X: 250 + float64(i)*2, Y: 240}
	}
	cases := []struct {
		name string
		lm   [68]perception.Point
		want bool
	}{
		{"frontal", frontal, true},
		{"tilted back 30", posed(perception.HeadPose{Pitch: 30}), true},
		{"tilted back 40", posed(perception.HeadPose{Pitch: 40}), true},
		{"tilted back 50", posed(perception.HeadPose{Pitch: 50}), true},
		{"looking down 40", posed(perception.HeadPose{Pitch: -40}), true},
		{"turned 40 and tilted back 35", posed(perception.HeadPose{Yaw: 40, Pitch: 35}), true},
		{"infant, tilted back 20", infant(), true},
		{"rolled upside down", posed(perception.HeadPose{Roll: 180}), true},
		{"flipped top to bottom", flipped(frontal), false},
		{"mouth and nose tip up on the eye line", moved(moved(frontal, -1.17*iod, mouth...), -0.75*iod, 30), false},
		{"nose tip half an eye distance above the eyes", moved(frontal, -1.1*iod, 30), false},
		{"nose tip at the mouth", moved(frontal, 0.5*iod, 30), false},
		{"collapsed onto a line", flat, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lb := landmarkBounds(&c.lm)
			box := image.Rect(int(lb.Min.X), int(lb.Min.Y), int(lb.Max.X), int(lb.Max.Y))
			if got := plausible(&c.lm, box, nil); got != c.want {
				t.Errorf("plausible = %v, want %v", got, c.want)
			}
		})
	}
}
