package face

import (
	"errors"
	"image"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// meshFake is a recording fake MeshFitter over scripted: it answers as the
// scripted landmarker does, records the prev mesh and eyes each call got,
// and says "no face" once told the face is gone.
type meshFake struct {
	*scripted
	gone  bool
	calls []meshCall
	blend perception.Blendshapes
}

type meshCall struct {
	hadPrev bool
	eyes    [2]perception.Point
	colour  bool
}

var errFakeNoFace = errors.New("fake mesh: no face in the crop")

func (m *meshFake) FitMesh(f perception.Frame, box image.Rectangle, eyes [2]perception.Point, prev *MeshFit) (MeshFit, error) {
	m.calls = append(m.calls, meshCall{hadPrev: prev != nil, eyes: eyes, colour: f.Color != nil})
	if m.gone {
		return MeshFit{}, errFakeNoFace
	}
	if prev != nil {
		box = faceBox(&prev.Landmarks)
	}
	lm, err := m.Landmarks(f.Gray, box)
	if err != nil {
		return MeshFit{}, err
	}
	return MeshFit{Landmarks: lm, Mesh: make([]Point3, 478), Blendshapes: m.blend, HasBlendshapes: true, Presence: 0.9}, nil
}

// The pipeline hands a MeshFitter the detector's eyes on a new face and the
// track's last mesh afterwards (tracking), the frame's colour, puts the
// blendshapes on the observation and holds AU9 to them, and drops the
// track the moment the mesh says the face has gone.
func TestPipelineTracksThroughAMeshFitter(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	eyes := [2]perception.Point{{X: 300, Y: 230}, {X: 340, Y: 230}}
	det := detectorFunc(func(g *image.Gray) ([]Detection, error) {
		d, err := s.Detect(g)
		for i := range d {
			d[i].Eyes = eyes
		}
		return d, err
	})
	m := &meshFake{scripted: s}
	m.blend[bsBrowDownLeft], m.blend[bsBrowDownRight] = 0.05, 0.05 // brows at rest: no AU9
	p, err := NewPipeline(det, m, s, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	s.show(perspectiveFace(neutralFace, perception.HeadPose{}))
	colour := &perception.BGR{Pix: make([]byte, 3*640*480), W: 640, H: 480}
	for i := range 3 {
		f := frameAt(i, 30)
		f.Color = colour
		obs := p.Process(f)
		if len(obs) != 1 {
			t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
		}
		if !obs[0].HasBlendshapes || obs[0].Blendshapes[bsBrowDownLeft] != 0.05 {
			t.Errorf("frame %d: blendshapes %v not on the observation", i, obs[0].Blendshapes[:4])
		}
		if obs[0].AU.AU09 != 0 {
			t.Errorf("frame %d: AU09 %.2f with the upper lip and brows at rest in the blendshapes, want 0", i, obs[0].AU.AU09)
		}
	}
	if len(m.calls) != 3 {
		t.Fatalf("%d mesh fits for 3 frames: %+v", len(m.calls), m.calls)
	}
	if c := m.calls[0]; c.hadPrev || c.eyes != eyes || !c.colour {
		t.Errorf("first fit %+v: want no previous mesh, the detector's eyes, colour", c)
	}
	for i, c := range m.calls[1:] {
		if !c.hadPrev || !c.colour {
			t.Errorf("fit %d %+v: want the previous mesh and colour", i+1, c)
		}
	}
	m.gone = true
	if obs := p.Process(frameAt(3, 30)); len(obs) != 0 {
		t.Errorf("the mesh said the face had gone, yet %d faces", len(obs))
	}
}

type detectorFunc func(*image.Gray) ([]Detection, error)

func (f detectorFunc) Detect(g *image.Gray) ([]Detection, error) { return f(g) }

// While a mesh tracks a face, the detector only looks for newcomers, every
// DetectEveryTracked frames (rounded up to a multiple of DetectEvery);
// with nobody tracked, or tracking by 68 points alone, every DetectEvery.
func TestDetectionPeriodWhileAMeshTracks(t *testing.T) {
	cases := []struct {
		name          string
		tracked, mesh bool
		every         int // DetectEveryTracked
		want          int // detector calls over 24 frames
	}{
		{"mesh tracking", true, true, 12, 2},            // frames 0, 12
		{"rounded up to a multiple", true, true, 10, 2}, // 12 again
		{"off", true, true, 0, 6},                       // every 4th
		{"nobody in view", false, true, 12, 6},
		{"68-point landmarker", true, false, 12, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &scripted{t: t, poses: []perception.HeadPose{{}}}
			if c.tracked {
				s.show(perspectiveFace(neutralFace, perception.HeadPose{}))
			}
			var lm Landmarker = s
			if c.mesh {
				lm = &meshFake{scripted: s}
			}
			o := DefaultOpts()
			o.DetectEveryTracked = c.every
			p, err := NewPipeline(s, lm, s, o)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 24 {
				obs := p.Process(frameAt(i, 30))
				if c.tracked && len(obs) != 1 {
					t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
				}
			}
			if s.calls.detect != c.want {
				t.Errorf("detector ran %d times over 24 frames, want %d", s.calls.detect, c.want)
			}
		})
	}
}
