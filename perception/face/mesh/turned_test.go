package mesh

import (
	"fmt"
	"image"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// lying turns the whole frame by deg degrees (counter-clockwise on screen)
// about its centre onto a canvas that holds all of it (the frame's edge
// repeated in the corners): a person lying with the head on one side, the
// face rolled by deg in the camera's view.
func lying(deg float64) func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	return func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
		w, h := float64(f.Gray.Rect.Dx()), float64(f.Gray.Rect.Dy())
		a := deg * math.Pi / 180
		cs, sn := math.Cos(a), math.Sin(a)
		cw := int(math.Round(math.Abs(cs)*w + math.Abs(sn)*h))
		ch := int(math.Round(math.Abs(sn)*w + math.Abs(cs)*h))
		cx, cy := (w-1)/2, (h-1)/2
		ncx, ncy := (float64(cw)-1)/2, (float64(ch)-1)/2
		m := [6]float64{cs, sn, ncx - cs*cx - sn*cy, -sn, cs, ncy + sn*cx - cs*cy}
		return warped(t, f, m, cw, ch), affine(m)
	}
}

// watch runs the run's mesh stack (Fallback of YuNet at 320 wide and full
// size, the tracked mesh) with TurnedEvery every over n frames that all
// show f, as a camera watching a still person does, and returns the faces
// of each frame.
func watch(t testing.TB, f perception.Frame, every, n int) ([][]perception.FaceObs, face.Stats) {
	t.Helper()
	d := detector(t)
	o := face.DefaultOpts()
	o.TurnedEvery = every
	p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), o)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]perception.FaceObs, n)
	for i := range n {
		f.At, f.Seq = time.Duration(i)*time.Second/30, i
		out[i] = p.Process(f)
	}
	return out, p.Stats()
}

// firstFound is the first frame whose faces include one within within
// pixels of at, or -1.
func firstFound(frames [][]perception.FaceObs, at perception.Point, within float64) int {
	for i, obs := range frames {
		if _, ok := matched(obs, at, within); ok {
			return i
		}
	}
	return -1
}

// framesToFind is how many frames a lying face may wait under the default
// schedule: every angle is tried once in len(TurnAngles)*TurnedEvery
// detection rounds of DetectEvery frames.
func framesToFind() int {
	o := face.DefaultOpts()
	return len(face.TurnAngles) * o.TurnedEvery * o.DetectEvery
}

// A person lying with the head on one side is found: a grimace of the dev
// set (the synthetic idA's first, which the upright scan already loses
// at 30 degrees either way) with its whole frame turned by 30, 45, 60 and
// 90 degrees either way is found within framesToFind frames with the
// turned scans (the default) and stays tracked, and is not found at all
// without them
// (TestMeasureLyingFaces has the dev set's other faces).
func TestLyingFaceIsFound(t *testing.T) {
	src := devFrames(t, 1000)
	var f perception.Frame
	for _, df := range src {
		if df.file == "pain3d-synthetic__idA_pain1.png" {
			f = df.frame
		}
	}
	if f.Gray == nil {
		t.Fatal("the synthetic idA's first grimace is not in the dev set's labels")
	}
	refs := single(t, f)
	if len(refs) != 1 {
		t.Fatalf("upright: %d faces, want 1", len(refs))
	}
	ref := refs[0]
	n := framesToFind()
	for _, deg := range []float64{30, -30, 45, -45, 60, -60, 90, -90} {
		t.Run(strconv.FormatFloat(deg, 'f', -1, 64), func(t *testing.T) {
			g, to := lying(deg)(t, f)
			at, within := to(boxCentre(ref)), 0.5*float64(ref.Box.Dx())
			// Watched on past four detection rounds of a tracked face
			// (DetectEveryTracked 12), more than LoseAfter rounds without
			// the upright scan finding it.
			more := 4 * face.DefaultOpts().DetectEveryTracked
			with, st := watch(t, g, face.DefaultTurnedEvery, n+more)
			i := firstFound(with, at, within)
			if i < 0 || i >= n {
				t.Fatalf("not found in %d frames with turned scans (frame %d; %d turned scans)", n, i, st.TurnedScans)
			}
			t.Logf("found on frame %d (%d turned scans)", i, st.TurnedScans)
			for j := i; j < len(with); j++ {
				if _, ok := matched(with[j], at, within); !ok {
					t.Errorf("found on frame %d, lost on frame %d", i, j)
					break
				}
			}
			without, _ := watch(t, g, 0, n)
			if i := firstFound(without, at, within); i >= 0 {
				t.Errorf("found on frame %d without turned scans: the test cannot tell them apart", i)
			}
		})
	}
}

// Frames with no face stay empty at every turn: the turned copies of a
// blank frame, noise and photographs without a person hold no face, and a
// pipeline watching them with a turned scan on every empty round tracks
// none.
func TestNoFaceWhereThereIsNoneAtAnyTurn(t *testing.T) {
	imgs := withoutAPerson(t)
	d := detector(t)
	for name, g := range imgs {
		for _, deg := range face.TurnAngles {
			for _, det := range []face.TurnDetector{d, d.Shrunk(320).(face.TurnDetector)} {
				dets, err := det.DetectTurned(g, deg)
				if err != nil {
					t.Fatal(err)
				}
				if len(dets) != 0 {
					t.Errorf("%s turned %g: %d faces %v, want none", name, deg, len(dets), dets)
				}
			}
		}
		frames, st := watch(t, perception.Frame{Gray: g}, 1, 4*len(face.TurnAngles))
		for i, obs := range frames {
			if len(obs) != 0 {
				t.Errorf("%s: frame %d tracks %d faces, want none", name, i, len(obs))
			}
		}
		if st.TurnedScans == 0 {
			t.Errorf("%s: no turned scan ran", name)
		}
	}
}

// A turned scan's boxes and eyes land back on the face in the frame's own
// coordinates: the dev set's portrait, turned by each of TurnAngles' opposites
// on a canvas that holds it all, is found by the scan that stands it up
// where it is, with the eyes in the person's right-then-left order.
func TestTurnedScanMapsBackIntoTheFrame(t *testing.T) {
	astro := testmedia.Gray(t, devsetFaces(t, "whitehouse-via-face_recognition__obama.jpg"))
	up, err := detector(t).Detect(astro)
	if err != nil || len(up) != 1 {
		t.Fatalf("upright: %v, %v", up, err)
	}
	for _, deg := range face.TurnAngles {
		t.Run(fmt.Sprint(deg), func(t *testing.T) {
			g, to := lying(-deg)(t, perception.Frame{Gray: astro})
			dets, err := detector(t).DetectTurned(g.Gray, deg)
			if err != nil || len(dets) != 1 {
				t.Fatalf("turned back by %g: %v, %v", deg, dets, err)
			}
			want := to(perception.Point{X: float64(up[0].Box.Min.X+up[0].Box.Max.X) / 2, Y: float64(up[0].Box.Min.Y+up[0].Box.Max.Y) / 2})
			b := dets[0].Box
			got := perception.Point{X: float64(b.Min.X+b.Max.X) / 2, Y: float64(b.Min.Y+b.Max.Y) / 2}
			wantW := up[0].Box.Dx() // the face's width lies across the frame...
			if math.Abs(deg) > 45 {
				wantW = up[0].Box.Dy() // ...or its height, on its side
			}
			if math.Hypot(got.X-want.X, got.Y-want.Y) > 0.1*float64(up[0].Box.Dx()) || math.Abs(float64(b.Dx()-wantW)) > 0.15*float64(wantW) {
				t.Errorf("box %v (centre %v), want about %v wide centred on %v", b, got, wantW, want)
			}
			for k, e := range dets[0].Eyes {
				w := to(up[0].Eyes[k])
				if math.Hypot(e.X-w.X, e.Y-w.Y) > 0.1*float64(up[0].Box.Dx()) {
					t.Errorf("eye %d at %v, want about %v", k, e, w)
				}
			}
		})
	}
}

// besideAnUpright composes a 640x480 frame (gray and colour, mid-grey
// around) of two dev-set stills: upright on the left, a visitor or carer
// standing, and lying on the right turned a quarter counter-clockwise
// (ccw) or clockwise, a resident lying in bed with the head on the pillow.
// It returns the frame and where each still's own points land in it.
func besideAnUpright(t testing.TB, upright, lying perception.Frame, ccw bool) (perception.Frame, func(perception.Point) perception.Point, func(perception.Point) perception.Point) {
	t.Helper()
	const w, h = 640, 480
	g := image.NewGray(image.Rect(0, 0, w, h))
	c := &perception.BGR{Pix: make([]byte, 3*w*h), W: w, H: h}
	for i := range g.Pix {
		g.Pix[i] = 128
	}
	for i := range c.Pix {
		c.Pix[i] = 128
	}
	// put copies src's pixel (x, y) to at(x, y).
	put := func(src perception.Frame, at func(x, y int) (int, int)) {
		b := src.Gray.Rect
		colour := src.Color.Valid() && src.Color.W == b.Dx() && src.Color.H == b.Dy()
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				u, v := at(x, y)
				if u < 0 || v < 0 || u >= w || v >= h {
					t.Fatalf("a still of %v does not fit the frame", b)
				}
				g.Pix[v*w+u] = src.Gray.Pix[src.Gray.PixOffset(b.Min.X+x, b.Min.Y+y)]
				if colour {
					copy(c.Pix[3*(v*w+u):3*(v*w+u)+3], src.Color.Pix[3*(y*src.Color.W+x):])
				}
			}
		}
	}
	const ux, uy = 30, 110
	put(upright, func(x, y int) (int, int) { return ux + x, uy + y })
	lb := lying.Gray.Rect
	lx, ly := w-30-lb.Dy(), 110
	turn := func(x, y float64) (float64, float64) {
		if ccw { // the still's top to the left
			return float64(lx) + y, float64(ly) + float64(lb.Dx()-1) - x
		}
		return float64(lx) + float64(lb.Dy()-1) - y, float64(ly) + x
	}
	put(lying, func(x, y int) (int, int) {
		u, v := turn(float64(x), float64(y))
		return int(u), int(v)
	})
	toUp := func(p perception.Point) perception.Point {
		return perception.Point{X: p.X - float64(upright.Gray.Rect.Min.X) + ux, Y: p.Y - float64(upright.Gray.Rect.Min.Y) + uy}
	}
	toLying := func(p perception.Point) perception.Point {
		u, v := turn(p.X-float64(lb.Min.X), p.Y-float64(lb.Min.Y))
		return perception.Point{X: u, Y: v}
	}
	return perception.Frame{Gray: g, Color: c}, toUp, toLying
}

// A person lying with the head on the pillow is found while someone else
// stands upright in view: the dev set's synthetic idB (its first grimace)
// upright beside idA's first grimace turned a quarter either way, watched
// with the default schedule. The upright face is tracked from the first
// frame; the lying one is found by the turned scans that run while a face
// is tracked, within framesToFindBeside frames, and stays tracked. Without
// turned scans it is never found (the upright scan cannot see it), and
// before turned scans ran while a face was tracked it was not found
// either.
func TestLyingFaceFoundBesideAnUprightOne(t *testing.T) {
	up, down := devsetStill(t, "pain3d-synthetic__idB_pain1.png"), devsetStill(t, "pain3d-synthetic__idA_pain1.png")
	upRefs, downRefs := single(t, up), single(t, down)
	if len(upRefs) != 1 || len(downRefs) != 1 {
		t.Fatalf("the stills alone: %d and %d faces, want 1 and 1", len(upRefs), len(downRefs))
	}
	n := framesToFindBeside()
	more := 4 * face.DefaultOpts().DetectEveryTracked
	for _, ccw := range []bool{true, false} {
		t.Run(fmt.Sprintf("ccw=%v", ccw), func(t *testing.T) {
			f, toUp, toLying := besideAnUpright(t, up, down, ccw)
			upAt, upWithin := toUp(boxCentre(upRefs[0])), 0.5*float64(upRefs[0].Box.Dx())
			at, within := toLying(boxCentre(downRefs[0])), 0.5*float64(downRefs[0].Box.Dx())
			with, st := watch(t, f, face.DefaultTurnedEvery, n+more)
			if i := firstFound(with, upAt, upWithin); i != 0 {
				t.Fatalf("the upright face first found on frame %d, want 0", i)
			}
			i := firstFound(with, at, within)
			if i < 0 || i >= n {
				t.Fatalf("the lying face not found in %d frames (frame %d; %d turned scans)", n, i, st.TurnedScans)
			}
			t.Logf("the lying face found on frame %d (%d turned scans)", i, st.TurnedScans)
			for j := i; j < len(with); j++ {
				_, lyingOK := matched(with[j], at, within)
				_, upOK := matched(with[j], upAt, upWithin)
				if !lyingOK || !upOK || len(with[j]) != 2 {
					t.Errorf("frame %d: %d faces, the lying one seen %v, the upright one %v; want both alone", j, len(with[j]), lyingOK, upOK)
					break
				}
			}
			if ccw {
				without, _ := watch(t, f, 0, n)
				if i := firstFound(without, at, within); i >= 0 {
					t.Errorf("found on frame %d without turned scans: the test cannot tell them apart", i)
				}
			}
		})
	}
}

// framesToFindBeside is how many frames a lying face beside a tracked one
// may wait under the default schedule: every angle is tried once in
// len(TurnAngles)*TrackedTurnFactor*TurnedEvery detection rounds of
// DetectEveryTracked frames, and the scan runs behind, its faces taken a
// round later at the latest.
func framesToFindBeside() int {
	o := face.DefaultOpts()
	return (len(face.TurnAngles)*face.TrackedTurnFactor*o.TurnedEvery + 1) * o.DetectEveryTracked
}
