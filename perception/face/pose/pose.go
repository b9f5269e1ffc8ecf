package pose

/*
#cgo CXXFLAGS: -std=c++14 -O2 -I/usr/include/opencv4
#cgo LDFLAGS: -lopencv_calib3d -lopencv_core
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"math"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// Estimator solves head pose per frame. It is stateless and safe for
// concurrent use: each call starts from a frontal face in front of the
// camera, which converges for the head turns the landmarker can follow.
type Estimator struct {
	// FocalScale is the focal length in image widths (about 1 for webcams).
	FocalScale float64
}

var _ face.PoseEstimator = Estimator{}

// New returns an estimator for a webcam-like lens.
func New() Estimator { return Estimator{FocalScale: 1} }

// Pose fits face.GenericFace's rigid points to the landmarks.
func (e Estimator) Pose(lm *[68]perception.Point, size image.Point) (perception.HeadPose, error) {
	if size.X <= 0 || size.Y <= 0 {
		return perception.HeadPose{}, fmt.Errorf("pose: image size %v", size)
	}
	n := len(face.RigidPoints)
	model := make([]C.double, 3*n)
	img := make([]C.double, 2*n)
	var cx, cy, span float64
	for k, i := range face.RigidPoints {
		m := face.GenericFace[i]
		model[3*k], model[3*k+1], model[3*k+2] = C.double(m.X), C.double(m.Y), C.double(m.Z)
		img[2*k], img[2*k+1] = C.double(lm[i].X), C.double(lm[i].Y)
		cx += lm[i].X / float64(n)
		cy += lm[i].Y / float64(n)
	}
	span = math.Hypot(lm[45].X-lm[36].X, lm[45].Y-lm[36].Y)
	if !(span > 1) {
		return perception.HeadPose{}, errors.New("pose: landmarks collapsed")
	}
	fs := e.FocalScale
	if fs <= 0 {
		fs = 1
	}
	f := fs * float64(size.X)
	ox, oy := float64(size.X)/2, float64(size.Y)/2
	// Start frontal at the distance that gives the observed eye-corner span
	// (90 mm on the generic face).
	z := f * 90 / span
	rvec := [3]C.double{0, 0, 0}
	tvec := [3]C.double{C.double((cx - ox) * z / f), C.double((cy - oy) * z / f), C.double(z)}
	var rot [9]C.double
	ok := C.kp_solve(&model[0], &img[0], C.int(n), C.double(f), C.double(ox), C.double(oy), 1, &rvec[0], &tvec[0], &rot[0])
	if ok != 1 {
		return perception.HeadPose{}, errors.New("pose: solvePnP did not converge")
	}
	var r face.Mat3
	for i := range 3 {
		for j := range 3 {
			r[i][j] = float64(rot[3*i+j])
		}
	}
	p := face.PoseFromRotation(r)
	if math.IsNaN(p.Yaw.Degrees()) || math.IsNaN(p.Pitch.Degrees()) || math.IsNaN(p.Roll.Degrees()) {
		return perception.HeadPose{}, errors.New("pose: solvePnP gave no rotation")
	}
	return p, nil
}
