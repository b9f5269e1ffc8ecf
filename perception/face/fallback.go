package face

import (
	"errors"
	"image"
)

// Fallback is a Detector that asks a cheap detector first and an expensive
// one only when the cheap one finds nothing: a downscaled scan finds the
// large, near faces a companion robot attends to in a fraction of the time,
// and the full-resolution scan still finds a small, far face when it is the
// only one there.
type Fallback struct {
	First, Then Detector
}

var _ Detector = Fallback{}

// Detect runs First, then Then if First found no face or failed.
func (f Fallback) Detect(img *image.Gray) ([]Detection, error) {
	if f.First == nil || f.Then == nil {
		return nil, errors.New("face: fallback detector needs both detectors")
	}
	dets, err := f.First.Detect(img)
	if err == nil && len(dets) > 0 {
		return dets, nil
	}
	more, err2 := f.Then.Detect(img)
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return more, nil
}
