package face

import (
	"image"
	"reflect"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// lyingScene is a recording fake TurnDetector: the upright scan finds the
// faces of upright (none of a lying one), and a turned scan finds lying
// only at the turn that stands it up, and at every turn the upright faces
// again, each with a box a quarter of its width off and a higher score (a
// face leaning 45 degrees in the turned copy, its box mapped back).
type lyingScene struct {
	*scene
	upright, lying [][68]perception.Point
	standsUpAt     float64
	turns          []float64 // every DetectTurned call's angle, in order
}

func (l *lyingScene) Detect(*image.Gray) ([]Detection, error) { return boxes(l.upright), nil }

func (l *lyingScene) DetectTurned(_ *image.Gray, deg float64) ([]Detection, error) {
	l.mu.Lock() // the scan behind calls it from another goroutine
	l.turns = append(l.turns, deg)
	l.mu.Unlock()
	var out []Detection
	for _, d := range boxes(l.upright) {
		out = append(out, Detection{Box: d.Box.Add(image.Pt(d.Box.Dx()/4, 0)), Score: 0.95})
	}
	if deg != l.standsUpAt {
		return out, nil
	}
	return append(out, boxes(l.lying)...), nil
}

func centreOf(lm *[68]perception.Point) perception.Point {
	var c perception.Point
	for _, p := range lm {
		c.X, c.Y = c.X+p.X/68, c.Y+p.Y/68
	}
	return c
}

func boxes(faces [][68]perception.Point) []Detection {
	var out []Detection
	for i := range faces {
		out = append(out, Detection{Box: faceBox(&faces[i]), Score: 0.9})
	}
	return out
}

// A face the upright scan misses (a person lying on one side) is found by
// the scans of turned copies: while no face is tracked, one angle every
// TurnedEvery-th empty round; while faces are tracked (an upright visitor
// beside a resident lying in bed, or the lying face once found), one
// every TrackedTurnFactor*TurnedEvery-th round; with TurnedEvery 0 never.
// Once found it stays tracked (it is not lost for the upright scan's
// missing it), and the turned scans' boxes of faces already seen (the
// visitor again, the lying face tracked) are dropped, not taken over the
// upright scan's: the visitor's box is the upright scan's on every frame,
// and no face is tracked twice.
func TestTurnedScansFindALyingFace(t *testing.T) {
	up := perspectiveFace(neutralFace, perception.HeadPose{})
	var face, other [68]perception.Point // the face on its side; an upright face elsewhere
	c := centreOf(&up)
	for i := range other {
		other[i] = perception.Point{X: up[i].X - 200, Y: up[i].Y}
		face[i] = perception.Point{X: c.X + (up[i].Y - c.Y), Y: c.Y - (up[i].X - c.X)}
	}
	cases := []struct {
		name       string
		every      int
		upright    bool
		standsUpAt float64
		wantFound  int // the frame the lying face is first tracked on (-1: never)
		wantTurns  []float64
	}{
		{"off", 0, false, -90, -1, nil},
		// Found on frame 2, then tracked: a turned scan every 2nd round.
		{"every empty round, on its side to the left", 1, false, -90, 2, []float64{-45, 45, -90, 90, -45, 45, -90}},
		{"every empty round, half on its side to the right", 1, false, 45, 1, []float64{-45, 45, -90, 90, -45, 45, -90}},
		{"every other empty round", 2, false, -90, 5, []float64{-45, 45, -90, 90}},
		{"every 3rd empty round, the angles go round", 3, false, 90, 11, []float64{-45, 45, -90, 90}},
		{"beside a tracked upright face, every 2nd round", 1, true, -90, 6, []float64{-45, 45, -90, 90, -45}},
		{"beside a tracked upright face, every 4th round at TurnedEvery 2", 2, true, 45, 8, []float64{-45, 45}},
		{"beside a tracked upright face, off", 0, true, -90, -1, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n = 12
			frames := make([]perception.Frame, n)
			shows := map[*image.Gray][][68]perception.Point{}
			for i := range frames {
				img := &image.Gray{Pix: append([]uint8(nil), blank.Pix...), Stride: blank.Stride, Rect: blank.Rect}
				frames[i] = frameAt(i, 30)
				frames[i].Gray = img
				shows[img] = [][68]perception.Point{face}
				if c.upright {
					shows[img] = append(shows[img], other)
				}
			}
			det := &lyingScene{scene: &scene{t: t, shows: shows, scans: map[*image.Gray]int{}}, lying: [][68]perception.Point{face}, standsUpAt: c.standsUpAt}
			if c.upright {
				det.upright = [][68]perception.Point{other}
			}
			o := DefaultOpts()
			o.DetectEvery, o.TurnedEvery = 1, c.every
			p, err := NewPipeline(det, det.scene, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			found := -1
			for i, f := range frames {
				seen := false
				obs := p.Process(f)
				for _, ob := range obs {
					seen = seen || ob.Box.Overlaps(faceBox(&face)) && !ob.Box.Overlaps(faceBox(&other))
					if c.upright && ob.Box.Overlaps(faceBox(&other)) && ob.Box != faceBox(&other) {
						t.Errorf("frame %d: the upright face's box %v, want the upright scan's %v", i, ob.Box, faceBox(&other))
					}
				}
				if want := 2; len(obs) > want {
					t.Errorf("frame %d: %d faces tracked, want at most %d", i, len(obs), want)
				}
				switch {
				case seen && found < 0:
					found = i
				case !seen && found >= 0:
					t.Errorf("the lying face found on frame %d is lost on frame %d", found, i)
				}
			}
			if found != c.wantFound {
				t.Errorf("lying face first tracked on frame %d, want %d", found, c.wantFound)
			}
			if !reflect.DeepEqual(det.turns, c.wantTurns) {
				t.Errorf("turned scans %v, want %v", det.turns, c.wantTurns)
			}
			if got := p.Stats().TurnedScans; got != len(c.wantTurns) {
				t.Errorf("Stats.TurnedScans %d, want %d", got, len(c.wantTurns))
			}
		})
	}
}

// sceneMesh is a MeshFitter over a scene's landmarks, so that detection
// runs behind while faces are tracked (Opts.DetectBehind).
type sceneMesh struct{ *scene }

func (m sceneMesh) FitMesh(f perception.Frame, box image.Rectangle, _ [2]perception.Point, prev *MeshFit) (MeshFit, error) {
	if prev != nil {
		box = faceBox(&prev.Landmarks)
	}
	lm, err := m.Landmarks(f.Gray, box)
	if err != nil {
		return MeshFit{}, err
	}
	return MeshFit{Landmarks: lm, Mesh: make([]Point3, 478), Presence: 0.9}, nil
}

// While a mesh tracks an upright face, detection runs behind on another
// goroutine, and the round's turned scan with it: the lying face beside it
// is found from the scan behind, the turned scans go round the angles at
// the tracked pace (every TrackedTurnFactor*TurnedEvery rounds), and the
// upright face never takes a turned scan's box. A scan behind that the
// next round supersedes (not done by then, or, here, on every frame a
// round) still hands on its turned scan: with DetectEveryTracked 1 every
// scan behind is superseded, and from frame 1 on the turned ones all run
// behind, so without that the lying face is never found.
func TestTurnedScanRunsBehindWithATrackedFace(t *testing.T) {
	up := perspectiveFace(neutralFace, perception.HeadPose{})
	var face, other [68]perception.Point
	c := centreOf(&up)
	for i := range other {
		other[i] = perception.Point{X: up[i].X - 200, Y: up[i].Y}
		face[i] = perception.Point{X: c.X + (up[i].Y - c.Y), Y: c.Y - (up[i].X - c.X)}
	}
	cases := []struct {
		name                            string
		everyTracked, turnedEvery, from int // Opts; the frame the upright face shows from
		wantFrom, wantBy                int // the lying face first tracked on a frame in [wantFrom, wantBy)
	}{
		// Rounds on frames 2, 4, 6, ...; a turned scan every 2nd: 4, 8,
		// 12 (-90), taken a frame later, or in step on frame 12 when the
		// last scan behind was not done by then.
		{"taken when done", 2, 1, 0, 12, 15},
		// An empty round on frame 0, then a round every frame from 1, the
		// scans behind on frames 2, 4, 6, ... each superseded on the next:
		// the 4th round a turned scan, on frames 4, 8 and 12 (-90), taken
		// on frame 13.
		{"superseded", 1, 2, 1, 13, 14},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			img := &image.Gray{Pix: append([]uint8(nil), blank.Pix...), Stride: blank.Stride, Rect: blank.Rect}
			sc := &scene{t: t, shows: map[*image.Gray][][68]perception.Point{img: {face, other}}, scans: map[*image.Gray]int{}}
			det := &lyingScene{scene: sc, lying: [][68]perception.Point{face}, standsUpAt: -90}
			o := DefaultOpts()
			o.DetectEvery, o.DetectEveryTracked, o.TurnedEvery = 1, tc.everyTracked, tc.turnedEvery
			p, err := NewPipeline(det, sceneMesh{sc}, nil, o)
			if err != nil {
				t.Fatal(err)
			}
			found := -1
			const n = 40
			for i := range n {
				if i == tc.from { // no scan runs behind yet
					det.upright = [][68]perception.Point{other}
				}
				f := frameAt(i, 30)
				f.Gray = img
				for _, ob := range p.Process(f) {
					if ob.Box.Overlaps(faceBox(&face)) && !ob.Box.Overlaps(faceBox(&other)) && found < 0 {
						found = i
					}
					if echo := faceBox(&other).Add(image.Pt(faceBox(&other).Dx()/4, 0)); ob.Box == echo {
						t.Errorf("frame %d: the upright face has the turned scan's box %v", i, ob.Box)
					}
				}
			}
			p.finishScan()
			if found < tc.wantFrom || found >= tc.wantBy {
				t.Errorf("the lying face first tracked on frame %d, want in [%d, %d)", found, tc.wantFrom, tc.wantBy)
			}
			sc.mu.Lock()
			turns := det.turns
			sc.mu.Unlock()
			if len(turns) < 3 || !reflect.DeepEqual(turns[:3], []float64{-45, 45, -90}) {
				t.Errorf("turned scans %v, want -45, 45, -90 first", turns)
			}
		})
	}
}

// A Fallback scans the turned copy with First when it can, else Then, and
// a pipeline whose detector cannot turn a frame (dlib's) asks for none
// and reports no fault.
func TestFallbackTurnsWithItsCheapScan(t *testing.T) {
	first := &lyingScene{scene: &scene{t: t}, standsUpAt: 45}
	then := &lyingScene{scene: &scene{t: t}, standsUpAt: 45}
	if _, err := (Fallback{First: first, Then: then}).DetectTurned(blank, 45); err != nil {
		t.Fatal(err)
	}
	if len(first.turns) != 1 || len(then.turns) != 0 {
		t.Errorf("First turned %v, Then %v; want First alone", first.turns, then.turns)
	}
	if _, err := (Fallback{First: detectorFunc(func(*image.Gray) ([]Detection, error) { return nil, nil }), Then: then}).DetectTurned(blank, 45); err != nil || len(then.turns) != 1 {
		t.Errorf("Then should turn when First cannot: %v, %v", err, then.turns)
	}
	plain := detectorFunc(func(*image.Gray) ([]Detection, error) { return nil, nil })
	o := DefaultOpts()
	o.DetectEvery, o.TurnedEvery = 1, 1
	p, err := NewPipeline(Fallback{First: plain, Then: plain}, &scene{t: t}, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var faults []error
	p.OnLeafFault(func(err error) { faults = append(faults, err) })
	for i := range 4 {
		f := frameAt(i, 30)
		f.Gray = blank
		p.Process(f)
	}
	if p.Stats().TurnedScans != 0 || len(faults) != 0 {
		t.Errorf("a detector that cannot turn: %d turned scans, faults %v; want none", p.Stats().TurnedScans, faults)
	}
}

func TestTurnedEveryIsValidated(t *testing.T) {
	for _, v := range []int{-1, MaxTurnedEvery + 1} {
		o := DefaultOpts()
		o.TurnedEvery = v
		if o.Validate() == nil {
			t.Errorf("TurnedEvery %d accepted", v)
		}
	}
}
