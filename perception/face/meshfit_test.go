package face

import (
	"errors"
	"image"
	"testing"
	"testing/synctest"

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
			o.DetectBehind = false // scans in step, counted as they happen
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

// answering is a detector fake that blocks each scan until the test hands
// it the answer, and records how many scans it began.
type answering struct {
	answers chan []Detection
	began   int
}

func (a *answering) Detect(*image.Gray) ([]Detection, error) {
	a.began++
	return <-a.answers, nil
}

// While a mesh tracks a face, a newcomer scan runs behind: the frame that
// starts it returns without waiting for the detector, and the first frame
// after the scan has finished takes its detections (a newcomer is found).
// With DetectBehind off the frame waits for the scan.
func TestDetectionRunsBehindTheMesh(t *testing.T) {
	for _, behind := range []bool{true, false} {
		t.Run(map[bool]string{true: "behind", false: "in step"}[behind], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := &scripted{t: t, poses: []perception.HeadPose{{}, {}}}
				big := perspectiveFace(neutralFace, perception.HeadPose{})
				var small [68]perception.Point
				for i := range small {
					small[i] = perception.Point{X: 560 + (big[i].X-320)*0.5, Y: 200 + (big[i].Y-240)*0.5}
				}
				s.show(big)
				det := &answering{answers: make(chan []Detection)}
				o := DefaultOpts()
				o.DetectBehind = behind
				p, err := NewPipeline(det, &meshFake{scripted: s}, s, o)
				if err != nil {
					t.Fatal(err)
				}
				process := func(i int) <-chan []perception.FaceObs {
					done := make(chan []perception.FaceObs, 1)
					go func() { done <- p.Process(frameAt(i, 30)) }()
					return done
				}
				box := func(lm [68]perception.Point) Detection { return Detection{Box: faceBox(&lm), Score: 0.9} }
				// Frame 0: nobody tracked yet, so the scan is waited for.
				done := process(0)
				det.answers <- []Detection{box(big)}
				if obs := <-done; len(obs) != 1 {
					t.Fatalf("frame 0: %d faces, want 1", len(obs))
				}
				for i := 1; i < 12; i++ {
					if obs := <-process(i); len(obs) != 1 {
						t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
					}
				}
				// Frame 12 is a newcomer scan; someone has come into view.
				s.show(big, small)
				done = process(12)
				synctest.Wait()
				var obs []perception.FaceObs
				select {
				case obs = <-done:
					if !behind {
						t.Errorf("frame 12 was done before its scan was")
					}
				default:
					if behind {
						t.Errorf("frame 12 waited for the detector")
					}
				}
				if det.began != 2 {
					t.Fatalf("%d scans begun, want 2", det.began)
				}
				det.answers <- []Detection{box(big), box(small)}
				if obs == nil {
					obs = <-done
				}
				want := map[bool]int{true: 1, false: 2}[behind] // behind: found on the next frame
				if len(obs) != want {
					t.Errorf("frame 12: %d faces, want %d", len(obs), want)
				}
				synctest.Wait()
				if obs := <-process(13); len(obs) != 2 {
					t.Errorf("frame 13: %d faces, want 2 (the newcomer from the scan)", len(obs))
				}
			})
		})
	}
}
