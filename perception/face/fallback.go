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
//
// While faces are tracked, a detection round mostly re-anchors them: when
// First says how small a face it can find (MinFacer) and every tracked face
// is at least that wide, First alone is asked.
type Fallback struct {
	First, Then Detector
}

// MinFacer is a Detector that knows the narrowest face box it finds in an
// image of a given size.
type MinFacer interface {
	MinFace(size image.Point) int
}

var _ Detector = Fallback{}

// Detect runs First, then Then if First found no face or failed.
func (f Fallback) Detect(img *image.Gray) ([]Detection, error) {
	if f.First == nil || f.Then == nil {
		return nil, errMissingPass
	}
	return f.run(img, nil, false, passesOn(f, img))
}

// DetectTracked is Detect knowing the boxes of the faces being tracked.
func (f Fallback) DetectTracked(img *image.Gray, tracked []image.Rectangle) ([]Detection, error) {
	if f.First == nil || f.Then == nil {
		return nil, errMissingPass
	}
	return f.run(img, tracked, true, passesOn(f, img))
}

var errMissingPass = errors.New("face: fallback detector needs both detectors")

// passes are First's and Then's scans of one image, run on demand (or
// already run ahead of time, see Ahead).
type passes struct {
	first, then func() ([]Detection, error)
}

func passesOn(f Fallback, img *image.Gray) passes {
	return passes{
		first: func() ([]Detection, error) { return f.First.Detect(img) },
		then:  func() ([]Detection, error) { return f.Then.Detect(img) },
	}
}

// run decides which passes to use: with useTracked, First alone while every
// tracked face is wide enough for it; otherwise First, then Then if First
// found no face or failed.
func (f Fallback) run(img *image.Gray, tracked []image.Rectangle, useTracked bool, ps passes) ([]Detection, error) {
	if mf, ok := f.First.(MinFacer); useTracked && ok && len(tracked) > 0 {
		least := mf.MinFace(img.Bounds().Size())
		wide := true
		for _, b := range tracked {
			wide = wide && b.Dx() >= least
		}
		if wide {
			return ps.first()
		}
	}
	dets, err := ps.first()
	if err == nil && len(dets) > 0 {
		return dets, nil
	}
	more, err2 := ps.then()
	if err2 != nil {
		return nil, errors.Join(err, err2)
	}
	return more, nil
}

// trackAware is a Detector that can use the tracked boxes (Fallback).
type trackAware interface {
	DetectTracked(img *image.Gray, tracked []image.Rectangle) ([]Detection, error)
}

// TurnDetector is a Detector that can also scan a copy of the image turned
// by deg degrees (counter-clockwise on screen) about its centre, returning
// the faces in the image's own coordinates (Opts.TurnedEvery).
type TurnDetector interface {
	DetectTurned(img *image.Gray, deg float64) ([]Detection, error)
}

var _ TurnDetector = Fallback{}

// DetectTurned asks First for the turned copy when it can scan one (the
// cheap scan: a person lying near the robot is a large face), else Then.
func (f Fallback) DetectTurned(img *image.Gray, deg float64) ([]Detection, error) {
	if td, ok := f.First.(TurnDetector); ok {
		return td.DetectTurned(img, deg)
	}
	if td, ok := f.Then.(TurnDetector); ok {
		return td.DetectTurned(img, deg)
	}
	return nil, errNoTurn
}

// canTurn reports whether First or Then can scan a turned copy.
func (f Fallback) canTurn() bool {
	_, first := f.First.(TurnDetector)
	_, then := f.Then.(TurnDetector)
	return first || then
}

var errNoTurn = errors.New("face: the detector cannot scan a turned frame")
