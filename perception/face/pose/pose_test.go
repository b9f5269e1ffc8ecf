package pose

import (
	"image"
	"math"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// perspective projects the generic face posed 600 mm in front of a 640x480
// camera with focal length 640, as a webcam would see it.
func perspective(p perception.HeadPose) [68]perception.Point {
	r := face.RotationFromPose(p)
	var out [68]perception.Point
	for i, m := range face.GenericFace {
		q := r.Apply(m)
		z := q.Z + 600
		out[i] = perception.Point{X: 320 + 640*q.X/z, Y: 240 + 640*q.Y/z}
	}
	return out
}

func TestPoseRecoversKnownTurns(t *testing.T) {
	cases := []perception.HeadPose{
		{}, {Yaw: 30}, {Yaw: -25}, {Pitch: 20}, {Pitch: -20}, {Roll: 15}, {Yaw: 20, Pitch: -10, Roll: 5},
	}
	e := New()
	for _, want := range cases {
		lm := perspective(want)
		got, err := e.Pose(&lm, image.Pt(640, 480))
		if err != nil {
			t.Fatalf("%+v: %v", want, err)
		}
		if math.Abs((got.Yaw-want.Yaw).Degrees()) > 2 || math.Abs((got.Pitch-want.Pitch).Degrees()) > 2 || math.Abs((got.Roll-want.Roll).Degrees()) > 2 {
			t.Errorf("pose of %+v = %+v, want within 2 degrees", want, got)
		}
	}
}

func TestPoseRejectsCollapsedLandmarks(t *testing.T) {
	var lm [68]perception.Point
	if _, err := New().Pose(&lm, image.Pt(640, 480)); err == nil {
		t.Error("pose of all-zero landmarks: want an error")
	}
	lm = perspective(perception.HeadPose{})
	if _, err := New().Pose(&lm, image.Pt(0, 0)); err == nil {
		t.Error("pose in a zero-size image: want an error")
	}
}

func BenchmarkPose(b *testing.B) {
	lm := perspective(perception.HeadPose{Yaw: 15, Pitch: -5})
	e := New()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Pose(&lm, image.Pt(640, 480)); err != nil {
			b.Fatal(err)
		}
	}
}
