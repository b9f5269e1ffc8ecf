package mesh

import (
	"context"
	"encoding/csv"
	"errors"
	"image"
	"image/color"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// A change of view that leaves the person's pain as it was: the frame
// turned, mirrored, shrunk or lit differently. apply returns the changed
// frame and where a point of the original frame lands in it.
type viewChange struct {
	name  string
	apply func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point)
}

// frameMats holds f's gray and colour images as OpenCV mats.
func frameMats(t testing.TB, f perception.Frame) (gray, colour gocv.Mat) {
	t.Helper()
	gray = gocv.NewMat()
	if err := intoMat(&gray, f.Gray); err != nil {
		t.Fatal(err)
	}
	colour = gocv.NewMat()
	if f.Color.Valid() {
		m, err := gocv.NewMatFromBytes(f.Color.H, f.Color.W, gocv.MatTypeCV8UC3, f.Color.Pix)
		if err != nil {
			t.Fatal(err)
		}
		colour.Close()
		colour = m.Clone()
		m.Close()
	}
	return gray, colour
}

// fromMats is the frame f with the images of gray and colour (closed here).
func fromMats(t testing.TB, f perception.Frame, gray, colour gocv.Mat) perception.Frame {
	t.Helper()
	defer gray.Close()
	defer colour.Close()
	g, err := gray.ToImage()
	if err != nil {
		t.Fatal(err)
	}
	out := f
	out.Gray = g.(*image.Gray)
	out.Color = nil
	if !colour.Empty() {
		pix, err := colour.DataPtrUint8()
		if err != nil {
			t.Fatal(err)
		}
		out.Color = &perception.BGR{Pix: append([]byte(nil), pix...), W: colour.Cols(), H: colour.Rows()}
	}
	return out
}

// warped applies the 2x3 affine map m to both of f's images, into a
// canvas of size w by h whose uncovered parts repeat the frame's edge.
func warped(t testing.TB, f perception.Frame, m [6]float64, w, h int) perception.Frame {
	t.Helper()
	gray, colour := frameMats(t, f)
	defer gray.Close()
	defer colour.Close()
	am := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer am.Close()
	for i, v := range m {
		am.SetDoubleAt(i/3, i%3, v)
	}
	g2, c2 := gocv.NewMat(), gocv.NewMat()
	gocv.WarpAffineWithParams(gray, &g2, am, image.Pt(w, h), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	if !colour.Empty() {
		gocv.WarpAffineWithParams(colour, &c2, am, image.Pt(w, h), gocv.InterpolationLinear, gocv.BorderReplicate, color.RGBA{})
	}
	return fromMats(t, f, g2, c2)
}

func affine(m [6]float64) func(perception.Point) perception.Point {
	return func(p perception.Point) perception.Point {
		return perception.Point{X: m[0]*p.X + m[1]*p.Y + m[2], Y: m[3]*p.X + m[4]*p.Y + m[5]}
	}
}

// mirrored flips f left to right.
func mirrored(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	w, h := f.Gray.Rect.Dx(), f.Gray.Rect.Dy()
	// Pixel centres: x maps to w-1-x.
	m := [6]float64{-1, 0, float64(w - 1), 0, 1, 0}
	return warped(t, f, m, w, h), affine(m)
}

// tilted turns the whole frame by deg degrees (counter-clockwise on screen)
// about its centre, on the same canvas (corners beyond it cut, the uncovered
// ones the frame's edge repeated): the camera rolled about its axis, or
// everyone in view tilted alike. The canvas is not grown to hold the whole
// turned frame: the pose is solved with a focal length of the image's
// width about its centre (pose.New), so a wider canvas is another camera,
// and on it the same landmarks turned read 2 degrees more yaw and 1 more
// pitch (pain3d-synthetic__idA_neutral.png, 20 degrees), PSPI up to 0.42
// higher through the frontalisation alone.
func tilted(deg float64) func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	return func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
		w, h := float64(f.Gray.Rect.Dx()), float64(f.Gray.Rect.Dy())
		a := deg * math.Pi / 180
		cs, sn := math.Cos(a), math.Sin(a)
		// OpenCV's rotation: x' = cs x + sn y + tx, y' = -sn x + cs y + ty,
		// the centre kept.
		cx, cy := (w-1)/2, (h-1)/2
		m := [6]float64{cs, sn, cx - cs*cx - sn*cy, -sn, cs, cy + sn*cx - cs*cy}
		return warped(t, f, m, int(w), int(h)), affine(m)
	}
}

// smaller scales the frame's content by k about its centre, keeping the
// frame's size: the person further away.
func smaller(k float64) func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	return func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
		w, h := float64(f.Gray.Rect.Dx()), float64(f.Gray.Rect.Dy())
		cx, cy := (w-1)/2, (h-1)/2
		m := [6]float64{k, 0, cx - k*cx, 0, k, cy - k*cy}
		// Area averaging, as a camera's sensor does, not point sampling.
		gray, colour := frameMats(t, f)
		g2, c2 := gocv.NewMat(), gocv.NewMat()
		sw, sh := int(math.Round(w*k)), int(math.Round(h*k))
		gocv.Resize(gray, &g2, image.Pt(sw, sh), 0, 0, gocv.InterpolationArea)
		if !colour.Empty() {
			gocv.Resize(colour, &c2, image.Pt(sw, sh), 0, 0, gocv.InterpolationArea)
		}
		gray.Close()
		colour.Close()
		small := fromMats(t, f, g2, c2)
		ox, oy := (int(w)-sw)/2, (int(h)-sh)/2
		return warped(t, small, [6]float64{1, 0, float64(ox), 0, 1, float64(oy)}, int(w), int(h)), affine(m)
	}
}

// relit maps each pixel's value v (0..1) at column x (0..1 across the
// frame) to light(x, v), in gray and in every colour channel.
func relit(light func(x, v float64) float64) func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	return func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
		out := f
		g := *f.Gray
		g.Pix = make([]byte, len(f.Gray.Pix))
		w := g.Rect.Dx()
		px := func(v byte, x int) byte {
			return byte(math.Round(255 * min(1, max(0, light(float64(x)/float64(max(1, w-1)), float64(v)/255)))))
		}
		for y := range g.Rect.Dy() {
			for x := range w {
				g.Pix[y*g.Stride+x] = px(f.Gray.Pix[y*f.Gray.Stride+x], x)
			}
		}
		out.Gray = &g
		if f.Color.Valid() {
			c := &perception.BGR{Pix: make([]byte, len(f.Color.Pix)), W: f.Color.W, H: f.Color.H}
			for i := range c.Pix {
				c.Pix[i] = px(f.Color.Pix[i], (i/3)%c.W)
			}
			out.Color = c
		}
		return out, func(p perception.Point) perception.Point { return p }
	}
}

// shifted moves the frame's content dx, dy pixels on the same canvas: a
// change no one would call a change, the floor of what a still's answer
// moves by.
func shifted(dx, dy float64) func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
	return func(t testing.TB, f perception.Frame) (perception.Frame, func(perception.Point) perception.Point) {
		m := [6]float64{1, 0, dx, 0, 1, dy}
		return warped(t, f, m, f.Gray.Rect.Dx(), f.Gray.Rect.Dy()), affine(m)
	}
}

// The changes measured. The gamma of 2.2 takes a mid-grey of 128 to 56
// and a face's skin of 160 to 91, a room lit by a bedside lamp at night;
// the gradient lights the frame's left edge fully and its right a fifth
// as much, a window or lamp to one side.
var viewChanges = []viewChange{
	{"shift 1px", shifted(1, 1)},
	{"mirror", mirrored},
	{"tilt +10", tilted(10)}, {"tilt -10", tilted(-10)},
	{"tilt +20", tilted(20)}, {"tilt -20", tilted(-20)},
	{"tilt +30", tilted(30)}, {"tilt -30", tilted(-30)},
	{"size 1/2", smaller(0.5)}, {"size 1/3", smaller(1.0 / 3)},
	{"gamma 2.2", relit(func(_, v float64) float64 { return math.Pow(v, 2.2) })},
	{"side light", relit(func(x, v float64) float64 { return v * (1 - 0.8*x) })},
}

// A labelled frame of the dev set.
type devFrame struct {
	file, label string
	at          time.Duration
	frame       perception.Frame
	next        *perception.Frame // the video's next frame, for the noise
}

// devFrames reads the dev set's labelled stills and every every-th frame of
// its labelled videos (with the frame after each in a neutral segment).
func devFrames(t testing.TB, every int) []devFrame {
	t.Helper()
	lf, err := os.Open(devsetFaces(t, "labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	cr := csv.NewReader(lf)
	cr.FieldsPerRecord = -1 // a note's commas are not always quoted
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type seg struct {
		from, to time.Duration
		label    string
	}
	segs := map[string][]seg{}
	var order []string
	for _, r := range rows[1:] {
		name := strings.TrimPrefix(r[0], "faces/")
		if _, ok := segs[name]; !ok {
			order = append(order, name)
		}
		s := seg{label: r[3], to: -1}
		if r[1] != "" {
			a, _ := strconv.ParseFloat(r[1], 64)
			b, _ := strconv.ParseFloat(r[2], 64)
			s.from, s.to = time.Duration(a*float64(time.Second)), time.Duration(b*float64(time.Second))
		}
		segs[name] = append(segs[name], s)
	}
	var out []devFrame
	for _, name := range order {
		ss := segs[name]
		if ss[0].to < 0 {
			f := devsetStill(t, name)
			out = append(out, devFrame{file: name, label: ss[0].label, frame: f})
			continue
		}
		v, err := camera.OpenVideo(devsetFaces(t, name))
		if err != nil {
			t.Fatal(err)
		}
		var prev *devFrame
		for i := 0; ; i++ {
			f, err := v.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if prev != nil {
				prev.next = &f
				out = append(out, *prev)
				prev = nil
			}
			if i%every != 0 {
				continue
			}
			label := ""
			for _, s := range ss {
				if f.At >= s.from && f.At < s.to {
					label = s.label
				}
			}
			// Frames within 0.25 s of a boundary are the boundary's
			// uncertainty (README: good to about ±0.25 s): left out.
			edge := false
			for _, s := range ss {
				for _, b := range []time.Duration{s.from, s.to} {
					if b > 0 && (f.At-b).Abs() < 250*time.Millisecond && b != ss[len(ss)-1].to {
						edge = true
					}
				}
			}
			if label == "" || edge {
				continue
			}
			d := devFrame{file: name, label: label, at: f.At, frame: f}
			if label == "neutral" {
				prev = &d
				continue
			}
			out = append(out, d)
		}
		if prev != nil {
			out = append(out, *prev)
		}
		v.Close()
	}
	return out
}

// single scores f as a single image: a pipeline of its own, so nothing of
// another frame (a track, a learned baseline) enters.
func single(t testing.TB, f perception.Frame) []perception.FaceObs {
	t.Helper()
	f.At, f.Seq = 0, 0
	d := detector(t)
	p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), face.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	return p.Process(f)
}

// matched is the face of obs nearest to where the reference face's box
// centre lands (at) and within half the reference box's width, scaled.
func matched(obs []perception.FaceObs, at perception.Point, within float64) (perception.FaceObs, bool) {
	best, bd := -1, within
	for i, o := range obs {
		c := perception.Point{X: float64(o.Box.Min.X+o.Box.Max.X) / 2, Y: float64(o.Box.Min.Y+o.Box.Max.Y) / 2}
		if d := math.Hypot(c.X-at.X, c.Y-at.Y); d < bd {
			best, bd = i, d
		}
	}
	if best < 0 {
		return perception.FaceObs{}, false
	}
	return obs[best], true
}

func boxCentre(o perception.FaceObs) perception.Point {
	return perception.Point{X: float64(o.Box.Min.X+o.Box.Max.X) / 2, Y: float64(o.Box.Min.Y+o.Box.Max.Y) / 2}
}

// blendMirror maps each blendshape index to its mirror partner's (Left to
// Right and back; the rest to themselves).
var blendMirror = func() [52]int {
	var m [52]int
	at := map[string]int{}
	for i, n := range perception.BlendshapeNames {
		at[n] = i
	}
	for i, n := range perception.BlendshapeNames {
		m[i] = i
		switch {
		case strings.HasSuffix(n, "Left"):
			m[i] = at[strings.TrimSuffix(n, "Left")+"Right"]
		case strings.HasSuffix(n, "Right"):
			m[i] = at[strings.TrimSuffix(n, "Right")+"Left"]
		}
	}
	return m
}()

func auList(a perception.AUs) [12]float64 {
	return [12]float64{a.AU01, a.AU02, a.AU04, a.AU06, a.AU07, a.AU09, a.AU10, a.AU12, a.AU15, a.AU25, a.AU26, a.AU43}
}

var auNames = [12]string{"AU1", "AU2", "AU4", "AU6", "AU7", "AU9", "AU10", "AU12", "AU15", "AU25", "AU26", "AU43"}

// invarRow is one face of one dev-set frame under one change.
type invarRow struct {
	file, label, change string
	at                  time.Duration
	ref, got            perception.FaceObs
	found               bool
}

// invariance scores every dev-set frame as it is and under every change,
// and the neutral video frames' next frames (the noise).
func invariance(t testing.TB, every int, changes []viewChange) (rows []invarRow, noise []invarRow) {
	for _, df := range devFrames(t, every) {
		refs := single(t, df.frame)
		for _, ref := range refs {
			within := 0.5 * float64(ref.Box.Dx())
			if df.next != nil {
				o, ok := matched(single(t, *df.next), boxCentre(ref), within)
				noise = append(noise, invarRow{file: df.file, label: df.label, change: "next frame", at: df.at, ref: ref, got: o, found: ok})
			}
		}
		for _, c := range changes {
			g, to := c.apply(t, df.frame)
			obs := single(t, g)
			for _, ref := range refs {
				// A box shrinks with the face.
				k := 1.0
				if strings.HasPrefix(c.name, "size") {
					k = map[string]float64{"size 1/2": 0.5, "size 1/3": 1.0 / 3}[c.name]
				}
				o, ok := matched(obs, to(boxCentre(ref)), 0.5*k*float64(ref.Box.Dx()))
				rows = append(rows, invarRow{file: df.file, label: df.label, change: c.name, at: df.at, ref: ref, got: o, found: ok})
			}
		}
	}
	return rows, noise
}

// invarBound is what a change may do to the dev set's answers: the share
// of faces it may lose, the mean |dPSPI| over the faces kept, and the
// share whose pain call (Expression pain or not) may flip.
type invarBound struct {
	change   viewChange
	lost     float64
	meanDiff float64
	flips    float64
}

// The same face must give the same answer when nothing about the person's
// pain changed: mirrored, tilted up to 20 degrees, at half its size, in a
// dim room or lit from one side. Each of the dev set's labelled stills and
// one video frame a second (away from a segment's boundary) is scored as a
// single image, as it is and changed, and the changed answer is held to
// the unchanged one. The scale is a still face's own noise: consecutive
// frames of the videos' neutral segments differ by |dPSPI| 0.13 on
// average (0.41 at the 95th percentile), and the frame moved by one pixel
// by 0.11. The bounds are the figures measured on these frames (README,
// "Faces turned, mirrored, small or dim"; 3 December 2026: mirror 0.49,
// tilt 0.20-0.30, half size 0.36, gamma 0.38, side light 0.21; at most 3
// faces lost of 44, all small ones of the group photo, the portrait cut
// by the border, or a synthetic face mirrored; at most 3 pain calls
// flipped) with about 0.1 of room and one face more. Most of what is left
// is the networks' own: with the mesh fitted once and the changed frame
// given its landmarks changed alike, the pipeline's code answers within
// 0.04 (TestPipelineAnswersAlikeForMirroredAndTurnedLandmarks).
func TestViewChangesKeepTheAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("scores the dev set 9 times over")
	}
	bounds := []invarBound{
		{viewChange{"mirror", mirrored}, 0.05, 0.60, 0.10},
		{viewChange{"tilt +10", tilted(10)}, 0.05, 0.30, 0.08},
		{viewChange{"tilt -10", tilted(-10)}, 0.05, 0.30, 0.08},
		{viewChange{"tilt +20", tilted(20)}, 0.10, 0.40, 0.08},
		{viewChange{"tilt -20", tilted(-20)}, 0.10, 0.40, 0.08},
		{viewChange{"size 1/2", smaller(0.5)}, 0.08, 0.45, 0.10},
		{viewChange{"gamma 2.2", relit(func(_, v float64) float64 { return math.Pow(v, 2.2) })}, 0.03, 0.50, 0.10},
		{viewChange{"side light", relit(func(x, v float64) float64 { return v * (1 - 0.8*x) })}, 0.03, 0.30, 0.10},
	}
	changes := make([]viewChange, len(bounds))
	for i, b := range bounds {
		changes[i] = b.change
	}
	rows, _ := invariance(t, 30, changes)
	for _, b := range bounds {
		var n, found, flips int
		var sum float64
		for _, r := range rows {
			if r.change != b.change.name {
				continue
			}
			n++
			if !r.found {
				continue
			}
			found++
			sum += math.Abs(r.got.PSPI - r.ref.PSPI)
			if (r.got.Expression == perception.ExprPain) != (r.ref.Expression == perception.ExprPain) {
				flips++
			}
		}
		if n == 0 {
			t.Fatalf("%s: no faces", b.change.name)
		}
		lost, md, fl := 1-float64(found)/float64(n), sum/float64(max(1, found)), float64(flips)/float64(max(1, found))
		t.Logf("%-10s faces %d found %d mean |dPSPI| %.3f pain call flips %d", b.change.name, n, found, md, flips)
		if lost > b.lost || md > b.meanDiff || fl > b.flips {
			t.Errorf("%s: lost %.0f%% of %d faces (at most %.0f%%), mean |dPSPI| %.3f (at most %.2f), pain call flipped on %.0f%% (at most %.0f%%)",
				b.change.name, 100*lost, n, 100*b.lost, md, b.meanDiff, 100*fl, 100*b.flips)
		}
	}
	// Mirrored, the person's left is their right: where a face's two
	// sides differ (a gaze to the side, a wink, a lopsided pull), the
	// mirrored frame's left-minus-right must be the original's
	// right-minus-left. The model reads some left scores above their right
	// ones whatever the face (eyeSquintLeft by 0.1 to 0.2 on the dev set,
	// mirrored or not; users report one eye read smaller than the other,
	// google-ai-edge/mediapipe#4210), so each pair's own lean, the mean of
	// the two differences, is taken off first.
	type sides struct{ ref, got []float64 }
	pairs := map[int]*sides{}
	for _, r := range rows {
		if r.change != "mirror" || !r.found || !r.ref.HasBlendshapes || !r.got.HasBlendshapes {
			continue
		}
		for i, j := range blendMirror {
			if !strings.HasSuffix(perception.BlendshapeNames[i], "Left") {
				continue
			}
			if pairs[i] == nil {
				pairs[i] = &sides{}
			}
			p := pairs[i]
			p.ref = append(p.ref, float64(r.ref.Blendshapes[i]-r.ref.Blendshapes[j]))
			p.got = append(p.got, float64(r.got.Blendshapes[i]-r.got.Blendshapes[j]))
		}
	}
	var sided, swapped int
	for _, p := range pairs {
		lean := 0.0
		for k := range p.ref {
			lean += (p.ref[k] + p.got[k]) / 2 / float64(len(p.ref))
		}
		for k := range p.ref {
			a, b := p.ref[k]-lean, p.got[k]-lean
			if math.Abs(a) < 0.1 {
				continue // both sides alike: nothing to swap
			}
			sided++
			if a*b < 0 {
				swapped++
			}
		}
	}
	// Measured: 101 of 114 (89 %); the rest read alike on both sides
	// mirrored (the model pulls a weak asymmetry to the middle). A left and
	// right mixed up swaps none of them.
	t.Logf("mirror: %d of %d one-sided blendshape pairs went to the other side", swapped, sided)
	if sided < 10 || float64(swapped) < 0.8*float64(sided) {
		t.Errorf("mirror: %d of %d one-sided blendshape pairs went to the other side, want at least 80%% of at least 10", swapped, sided)
	}
}

// ibugMirror is each iBUG 68 point's partner on the face's other side.
var ibugMirror = func() [68]int {
	var m [68]int
	for i := range m {
		m[i] = i
	}
	pair := func(a, b int) { m[a], m[b] = b, a }
	for i := range 8 {
		pair(i, 16-i) // jaw
	}
	for i := range 5 {
		pair(17+i, 26-i) // brows
	}
	pair(31, 35)
	pair(32, 34)
	for _, p := range [][2]int{{36, 45}, {37, 44}, {38, 43}, {39, 42}, {40, 47}, {41, 46}} {
		pair(p[0], p[1])
	}
	for _, p := range [][2]int{{48, 54}, {49, 53}, {50, 52}, {55, 59}, {56, 58}, {60, 64}, {61, 63}, {65, 67}} {
		pair(p[0], p[1])
	}
	return m
}()

// givenFace is a detector and landmarker that find the one face they are
// given: the pipeline's own code (pose, features, AUs, PSPI, label) on
// landmarks fixed beforehand, with no network between.
type givenFace struct {
	box image.Rectangle
	lm  [68]perception.Point
}

func (g givenFace) Detect(*image.Gray) ([]face.Detection, error) {
	return []face.Detection{{Box: g.box, Score: 0.9}}, nil
}

func (g givenFace) Landmarks(*image.Gray, image.Rectangle) ([68]perception.Point, error) {
	return g.lm, nil
}

// The pipeline's own code answers alike for the same landmarks mirrored or
// turned with the frame: mirrored, each point goes to its partner's place
// (the person's right eye is on the image's right), so a feature read
// from one side only, or a left point taken for a right one, reads
// another face; turned, nothing may depend on the face being upright.
// Unlike TestViewChangesKeepTheAnswer the mesh is fitted once, on the
// frame as it is, so its own noise under a change (|dPSPI| 0.45 mirrored)
// does not hide the pipeline's.
func TestPipelineAnswersAlikeForMirroredAndTurnedLandmarks(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the dev set")
	}
	score := func(f perception.Frame, g givenFace) (perception.FaceObs, bool) {
		f.At, f.Seq = 0, 0
		p, err := face.NewPipeline(g, g, pose.New(), face.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		obs := p.Process(f)
		if len(obs) != 1 {
			return perception.FaceObs{}, false
		}
		return obs[0], true
	}
	boxOf := func(lm [68]perception.Point, k float64) image.Rectangle {
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range lm {
			x0, y0, x1, y1 = min(x0, p.X), min(y0, p.Y), max(x1, p.X), max(y1, p.Y)
		}
		cx, cy, h := (x0+x1)/2, (y0+y1)/2, k*max(x1-x0, y1-y0)/2
		return image.Rect(int(cx-h), int(cy-h), int(cx+h), int(cy+h))
	}
	changes := []viewChange{{"mirror", mirrored}, {"tilt +20", tilted(20)}, {"tilt -20", tilted(-20)}}
	var n int
	worst := map[string]float64{}
	for _, df := range devFrames(t, 10) {
		dets, err := detector(t).Detect(df.frame.Gray)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dets {
			fit, err := fitter(t).FitMesh(df.frame, d.Box, d.Eyes, nil)
			if err != nil {
				continue
			}
			ref, ok := score(df.frame, givenFace{boxOf(fit.Landmarks, 1.1), fit.Landmarks})
			if !ok {
				continue
			}
			n++
			for _, c := range changes {
				g, to := c.apply(t, df.frame)
				var lm [68]perception.Point
				for i, p := range fit.Landmarks {
					j := i
					if c.name == "mirror" {
						j = ibugMirror[i]
					}
					lm[j] = to(p)
				}
				got, ok := score(g, givenFace{boxOf(lm, 1.1), lm})
				if !ok {
					t.Errorf("%s %s %.2fs: no face on the same landmarks %s", df.file, df.label, df.at.Seconds(), c.name)
					continue
				}
				d := math.Abs(got.PSPI - ref.PSPI)
				worst[c.name] = max(worst[c.name], d)
				// 0.1: the texture boxes (glabella, nasal root) fall on
				// whole pixels, which a turn or a mirror moves by up to one.
				if d > 0.1 || got.Expression != ref.Expression {
					t.Errorf("%s %s %.2fs %s: PSPI %.2f -> %.2f, %s -> %s; AUs %s -> %s", df.file, df.label, df.at.Seconds(), c.name,
						ref.PSPI, got.PSPI, ref.Expression, got.Expression, fmtAU(ref.AU), fmtAU(got.AU))
				}
			}
		}
	}
	t.Logf("%d faces; largest |dPSPI| %v", n, worst)
	if n < 30 {
		t.Errorf("only %d faces fitted", n)
	}
}
