package face

import (
	"context"
	"image"

	"github.com/kindred-hri/kindred/perception"
)

// Detection is one face box found by a Detector.
type Detection struct {
	Box   image.Rectangle
	Score float64 // 0..1
	// Eyes are the eye centres, image-left first, when the detector finds
	// them (zero otherwise): a mesh fit levels its crop on them.
	Eyes [2]perception.Point
}

// Detector finds faces in a gray image. Boxes are in the image's coordinates.
type Detector interface {
	Detect(img *image.Gray) ([]Detection, error)
}

// Landmarker fits the 68 iBUG landmarks to the face inside box.
type Landmarker interface {
	Landmarks(img *image.Gray, box image.Rectangle) ([68]perception.Point, error)
}

// PoseEstimator estimates head pose from 68 landmarks in an image of the
// given size (the camera is assumed centred, focal length about the width).
type PoseEstimator interface {
	Pose(lm *[68]perception.Point, size image.Point) (perception.HeadPose, error)
}

// FrameSource yields frames in order. Next returns io.EOF after the last
// frame of a file; a live source blocks until a frame or ctx is done.
type FrameSource interface {
	Next(ctx context.Context) (perception.Frame, error)
}
