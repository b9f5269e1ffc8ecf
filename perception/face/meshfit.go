package face

import (
	"image"

	"github.com/kindred-hri/kindred/perception"
)

// MeshFit is one fit of a dense face mesh (MediaPipe's 478 points): the
// mesh itself, the 68 iBUG points mapped from it so the geometry, pose and
// AU code reads it as it reads any Landmarker, its blendshapes, and how
// sure the model is that the crop held a face.
type MeshFit struct {
	Landmarks      [68]perception.Point
	Mesh           []Point3 // image pixels x, y and a relative depth z (same scale)
	Blendshapes    perception.Blendshapes
	HasBlendshapes bool
	Presence       float64 // 0..1
}

// MeshFitter is a Landmarker that fits a dense mesh. It reads the frame's
// colour when there is one. With prev (the same face's fit on the previous
// frame) it crops around that mesh, as MediaPipe tracks; otherwise around box,
// levelled on the detector's eyes when given. A crop the model says holds no
// face is an error, so a lost track is dropped.
type MeshFitter interface {
	Landmarker
	FitMesh(f perception.Frame, box image.Rectangle, eyes [2]perception.Point, prev *MeshFit) (MeshFit, error)
}

// fit fits landmarks for a face in box, through the mesh when the
// Landmarker is a MeshFitter (prev: the track's last mesh, or nil).
func (p *Pipeline) fit(f perception.Frame, box image.Rectangle, eyes [2]perception.Point, prev *MeshFit) ([68]perception.Point, *MeshFit, error) {
	p.stats.LandmarkFits++
	if m, ok := p.lm.(MeshFitter); ok {
		mf, err := m.FitMesh(f, box, eyes, prev)
		if err != nil {
			return mf.Landmarks, nil, err
		}
		return mf.Landmarks, &mf, nil
	}
	lm, err := p.lm.Landmarks(f.Gray, box)
	return lm, nil, err
}
