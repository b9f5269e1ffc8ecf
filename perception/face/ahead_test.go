package face

import (
	"image"
	"reflect"
	"sync"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// scene is a recording fake detector and landmarker that answers from the
// frame alone (safe from two goroutines, as Ahead needs): each frame image
// shows some faces; the detector finds those at least minFace wide.
type scene struct {
	t       *testing.T
	minFace int // 0: finds every face (and does not say how small it can go)
	shows   map[*image.Gray][][68]perception.Point

	mu    sync.Mutex
	scans map[*image.Gray]int
}

type sizedScene struct{ *scene }

func (s sizedScene) MinFace(image.Point) int { return s.minFace }

func (s *scene) Detect(img *image.Gray) ([]Detection, error) {
	faces, ok := s.shows[img]
	if !ok {
		s.t.Errorf("detector asked about an image not in the scene")
	}
	s.mu.Lock()
	s.scans[img]++
	s.mu.Unlock()
	var out []Detection
	for i := range faces {
		if b := faceBox(&faces[i]); b.Dx() >= s.minFace {
			out = append(out, Detection{Box: b, Score: 0.9})
		}
	}
	return out, nil
}

func (s *scene) Landmarks(img *image.Gray, box image.Rectangle) ([68]perception.Point, error) {
	faces := s.shows[img]
	best, bestIoU := -1, 0.2
	for i := range faces {
		if u := iou(box, faceBox(&faces[i])); u > bestIoU {
			best, bestIoU = i, u
		}
	}
	if best < 0 {
		return [68]perception.Point{}, errNoFace
	}
	return faces[best], nil
}

func (s *scene) scanned() (frames, scans int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range s.scans {
		frames++
		scans += n
	}
	return frames, scans
}

// sceneFrames makes n distinct frame images (copies of blank) and what each
// shows: a near face, then nobody, then a far one small enough that only the
// full-size detector finds it.
func sceneFrames(n int) ([]perception.Frame, map[*image.Gray][][68]perception.Point) {
	near := perspectiveFace(neutralFace, perception.HeadPose{})
	var far [68]perception.Point
	for i := range far {
		far[i] = perception.Point{X: 500 + (near[i].X-320)*0.5, Y: 200 + (near[i].Y-240)*0.5}
	}
	frames := make([]perception.Frame, n)
	shows := map[*image.Gray][][68]perception.Point{}
	for i := range frames {
		img := &image.Gray{Pix: append([]uint8(nil), blank.Pix...), Stride: blank.Stride, Rect: blank.Rect}
		f := frameAt(i, 30)
		f.Gray = img
		frames[i] = f
		switch {
		case i < n/3:
			shows[img] = [][68]perception.Point{near}
		case i < n/2:
			shows[img] = nil
		default:
			shows[img] = [][68]perception.Point{far}
		}
	}
	return frames, shows
}

func TestAheadLeavesTheOutputUnchanged(t *testing.T) {
	frames, shows := sceneFrames(40)
	near := perspectiveFace(neutralFace, perception.HeadPose{})
	nearW := faceBox(&near).Dx()
	cases := []struct {
		name     string
		fallback bool
		every    int
	}{
		{"plain detector every 4th frame", false, 4},
		{"fallback every 4th frame", true, 4},
		{"fallback every 6th frame", true, 6},
		{"fallback every frame", true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			build := func() (*Pipeline, *scene, *scene) {
				first := &scene{t: t, shows: shows, scans: map[*image.Gray]int{}, minFace: nearW}
				then := &scene{t: t, shows: shows, scans: map[*image.Gray]int{}}
				var det Detector = then
				if c.fallback {
					det = Fallback{First: sizedScene{first}, Then: then}
				}
				o := DefaultOpts()
				o.DetectEvery = c.every
				p, err := NewPipeline(det, then, nil, o)
				if err != nil {
					t.Fatal(err)
				}
				return p, first, then
			}

			plain, plainFirst, plainThen := build()
			var want [][]perception.FaceObs
			for _, f := range frames {
				want = append(want, plain.Process(f))
			}

			if st := plain.Stats(); st.TracksLost == 0 || len(want[0]) != 1 || len(want[len(want)-1]) != 1 {
				t.Fatalf("the scene should show a face leaving and another coming: stats %+v", st)
			}

			p, first, then := build()
			ahead := p.Ahead()
			if ahead == nil {
				t.Fatal("Ahead is nil for a detector that depends on the frame alone")
			}
			fed := make(chan perception.Frame, 8)
			go func() {
				defer close(fed)
				for _, f := range frames {
					ahead.Offer(f)
					fed <- f
				}
			}()
			var got [][]perception.FaceObs
			for f := range fed {
				got = append(got, p.Process(f))
			}

			if !reflect.DeepEqual(got, want) {
				t.Errorf("observations with Ahead differ from without")
			}
			if p.Stats() != plain.Stats() {
				t.Errorf("stats with Ahead %+v, without %+v", p.Stats(), plain.Stats())
			}
			firstFrames, firstScans := first.scanned()
			_, plainFirstScans := plainFirst.scanned()
			if firstFrames != firstScans || firstScans != plainFirstScans {
				t.Errorf("first detector: %d frames, %d scans with Ahead; %d scans without", firstFrames, firstScans, plainFirstScans)
			}
			thenFrames, thenScans := then.scanned()
			_, plainScans := plainThen.scanned()
			if thenFrames != thenScans || thenScans < plainScans {
				t.Errorf("full detector: %d frames, %d scans with Ahead; %d scans without", thenFrames, thenScans, plainScans)
			}
		})
	}
}

func TestAheadIsNilForATrackAwareDetector(t *testing.T) {
	s := &scripted{t: t}
	p, err := NewPipeline(awareDetector{s}, s, s, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	if p.Ahead() != nil {
		t.Error("Ahead for a detector whose output depends on the tracks")
	}
	var nothing *Ahead
	nothing.Offer(frameAt(0, 30)) // a nil Ahead takes frames and does nothing
}

type awareDetector struct{ *scripted }

func (a awareDetector) DetectTracked(img *image.Gray, _ []image.Rectangle) ([]Detection, error) {
	return a.Detect(img)
}
