package mesh

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"math"
	"strconv"
	"sync"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// The mesh model's facts (models/NOTICE).
const (
	cropSide    = 256 // input side, pixels
	meshPoints  = 478
	meshOut     = "Identity_nhwc"   // 478 x (x, y, z) in crop pixels
	presenceOut = "Identity_1_nhwc" // face-presence logit
	blendIn     = "points_norm"
	blendPoints = 146
)

// FitterOpts tunes the mesh fit.
type FitterOpts struct {
	// Scale is the crop side over the face box (detector box or the mesh's
	// own bounds); MediaPipe's face landmarker crops 1.5x.
	Scale float64
	// MinPresence is the least face-presence probability a fit needs;
	// MediaPipe's default tracking confidence is 0.5.
	MinPresence float64
	// Blendshapes runs the blendshape model on each fit.
	Blendshapes bool
}

// DefaultFitterOpts are MediaPipe's face landmarker defaults.
func DefaultFitterOpts() FitterOpts {
	return FitterOpts{Scale: 1.5, MinPresence: 0.5, Blendshapes: true}
}

// ErrNoFace is returned when the mesh model says the crop holds no face.
var ErrNoFace = errors.New("mesh: no face in the crop")

// Fitter runs the face mesh and the blendshape model. Calls to each model
// are serialised; a Blendshapes call may run beside a FitMesh call (the
// two networks and their buffers are separate), so a pipeline can score
// one frame's blendshapes while the next frame's mesh is fitted.
type Fitter struct {
	mu     sync.Mutex // the mesh network, buf but blendIn, and open
	bmu    sync.Mutex // the blendshape network and buf.blendIn; taken after mu
	mesh   gocv.Net
	blend  gocv.Net
	open   bool // changed with both locks held
	opts   FitterOpts
	subset [blendPoints]int
	buf    fitBuffers
}

// fitBuffers are the Mats one fit works in, made once and reused (f.mu
// held): a fit reads the frame in place and allocates nothing in C++ but
// the networks' outputs.
type fitBuffers struct {
	warped  gocv.Mat   // the crop, 256x256, 3 channels (a gray crop uses the first third)
	planes  gocv.Mat   // the colour crop split into B, G, R planes
	blob    gocv.Mat   // [1,3,256,256] RGB 0..1
	blendIn gocv.Mat   // [1,1,146,2]
	affine  [6]float64 // image -> crop, 2x3 row-major: here, not on the heap each fit
}

func newFitBuffers() fitBuffers {
	return fitBuffers{
		warped:  gocv.NewMatWithSize(cropSide, cropSide, gocv.MatTypeCV8UC3),
		planes:  gocv.NewMatWithSize(3*cropSide, cropSide, gocv.MatTypeCV8UC1),
		blob:    gocv.NewMatWithSizes([]int{1, 3, cropSide, cropSide}, gocv.MatTypeCV32F),
		blendIn: gocv.NewMatWithSizes([]int{1, 1, blendPoints, 2}, gocv.MatTypeCV32F),
	}
}

func (b *fitBuffers) close() error {
	return errors.Join(b.warped.Close(), b.planes.Close(), b.blob.Close(), b.blendIn.Close())
}

var _ face.MeshFitter = (*Fitter)(nil)

// NewFitter loads the embedded mesh and blendshape models.
func NewFitter(opts FitterOpts) (*Fitter, error) {
	if !(opts.Scale > 0) {
		opts.Scale = DefaultFitterOpts().Scale
	}
	subset, err := parseSubset(models.BlendshapeSubset)
	if err != nil {
		return nil, err
	}
	m, err := readNet(models.FaceMesh, "face mesh")
	if err != nil {
		return nil, err
	}
	b, err := readNet(models.FaceBlendshapes, "blendshape")
	if err != nil {
		m.Close()
		return nil, err
	}
	return &Fitter{mesh: m, blend: b, open: true, opts: opts, subset: subset, buf: newFitBuffers()}, nil
}

func parseSubset(b []byte) ([blendPoints]int, error) {
	var out [blendPoints]int
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		v, err := strconv.Atoi(string(line))
		if err != nil || v < 0 || v >= meshPoints || n >= blendPoints {
			return out, fmt.Errorf("mesh: blendshape subset line %d: %q", n+1, line)
		}
		out[n] = v
		n++
	}
	if n != blendPoints {
		return out, fmt.Errorf("mesh: blendshape subset has %d indices, want %d", n, blendPoints)
	}
	return out, nil
}

// Close frees the networks; safe to call twice.
func (f *Fitter) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bmu.Lock()
	defer f.bmu.Unlock()
	if !f.open {
		return nil
	}
	f.open = false
	return errors.Join(f.mesh.Close(), f.blend.Close(), f.buf.close())
}

// crop is a square region of the image, turned by angle (radians, the eye
// line's slope) so that the face inside is upright.
type crop struct {
	cx, cy, side, angle float64
}

// toImage maps crop pixels back into the image.
func (c crop) toImage(u, v float64) (float64, float64) {
	k := c.side / cropSide
	x, y := (u-cropSide/2)*k, (v-cropSide/2)*k
	cs, sn := math.Cos(c.angle), math.Sin(c.angle)
	return c.cx + cs*x - sn*y, c.cy + sn*x + cs*y
}

// cropFromBox centres a crop on a detector box, levelled on its eyes.
func (f *Fitter) cropFromBox(box image.Rectangle, eyes [2]perception.Point) crop {
	c := crop{
		cx:   float64(box.Min.X+box.Max.X) / 2,
		cy:   float64(box.Min.Y+box.Max.Y) / 2,
		side: f.opts.Scale * float64(max(box.Dx(), box.Dy())),
	}
	if eyes[0] != eyes[1] {
		c.angle = math.Atan2(eyes[1].Y-eyes[0].Y, eyes[1].X-eyes[0].X)
	}
	return c
}

// cropFromMesh is the crop for the next frame from this frame's mesh:
// levelled on the outer eye corners, square around the mesh's bounds in
// that levelled frame, Scale times their longer side.
func (f *Fitter) cropFromMesh(m []face.Point3) crop {
	a := math.Atan2(m[leftEyeOuter].Y-m[rightEyeOuter].Y, m[leftEyeOuter].X-m[rightEyeOuter].X)
	cs, sn := math.Cos(a), math.Sin(a)
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range m[:468] { // the iris points lie inside the eyes
		u, v := cs*p.X+sn*p.Y, -sn*p.X+cs*p.Y
		x0, x1 = min(x0, u), max(x1, u)
		y0, y1 = min(y0, v), max(y1, v)
	}
	u, v := (x0+x1)/2, (y0+y1)/2
	return crop{cx: cs*u - sn*v, cy: sn*u + cs*v, side: f.opts.Scale * max(x1-x0, y1-y0), angle: a}
}

// Landmarks fits the mesh in box (no colour, no tracking) and returns the
// 68 iBUG points mapped from it.
func (f *Fitter) Landmarks(img *image.Gray, box image.Rectangle) ([68]perception.Point, error) {
	fit, err := f.FitMesh(perception.Frame{Gray: img}, box, [2]perception.Point{}, nil)
	return fit.Landmarks, err
}

// FitMesh fits the mesh (see face.MeshFitter).
func (f *Fitter) FitMesh(fr perception.Frame, box image.Rectangle, eyes [2]perception.Point, prev *face.MeshFit) (face.MeshFit, error) {
	var out face.MeshFit
	if fr.Gray == nil || fr.Gray.Rect.Empty() {
		return out, errors.New("mesh: empty image")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.open {
		return out, ErrClosed
	}
	if prev != nil && len(prev.Mesh) == meshPoints {
		return f.fit(fr, f.cropFromMesh(prev.Mesh), false)
	}
	if box.Empty() {
		return out, errors.New("mesh: empty face box")
	}
	// A new face: the detector's eye keypoints level the first crop only
	// roughly (they lean towards upright on a tilted head), so the mesh
	// fitted there levels a second crop, as tracking would on the next
	// frame.
	//
	// The first crop's face presence does not decide, as the first crop
	// is only the means to level the second: a head turned and tilted,
	// whose keypoints level the crop 10 degrees off, read presence 0.49
	// there and 1.00 in the crop its mesh levelled (a synthetic face of
	// the dev set turned -10 degrees, lost while the first crop decided).
	// A crop holding no face stays below MinPresence in the second crop
	// as in the first (TestPresenceRejectsACropWithoutAFace).
	first, err := f.fit(fr, f.cropFromBox(box, eyes), true)
	if err != nil && (!errors.Is(err, ErrNoFace) || first.Mesh == nil) {
		return first, err
	}
	if second, err := f.fit(fr, f.cropFromMesh(first.Mesh), false); err == nil {
		return second, nil
	}
	if err != nil {
		return face.MeshFit{Presence: first.Presence}, err
	}
	return first, nil
}

// fit runs the mesh (and the blendshapes) in one crop; f.mu is held. A
// presence below MinPresence is ErrNoFace; with levelling set the fit
// also keeps the mesh then (without blendshapes), to level another crop.
func (f *Fitter) fit(fr perception.Frame, c crop, levelling bool) (face.MeshFit, error) {
	var out face.MeshFit
	if !(c.side >= 8) || math.IsNaN(c.cx) || math.IsNaN(c.cy) {
		return out, errors.New("mesh: degenerate crop")
	}
	if err := f.buf.cropBlob(fr, c); err != nil {
		return out, err
	}
	f.mesh.SetInput(f.buf.blob, "")
	outs := f.mesh.ForwardLayers([]string{meshOut, presenceOut})
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != 2 {
		return out, fmt.Errorf("mesh: face mesh gave %d outputs, want 2", len(outs))
	}
	pts, err := outs[0].DataPtrFloat32()
	if err != nil || len(pts) != 3*meshPoints {
		return out, fmt.Errorf("mesh: face mesh output of %d values, want %d (%v)", len(pts), 3*meshPoints, err)
	}
	logit, err := outs[1].DataPtrFloat32()
	if err != nil || len(logit) != 1 {
		return out, fmt.Errorf("mesh: face presence output: %v", err)
	}
	out.Presence = 1 / (1 + math.Exp(-float64(logit[0])))
	absent := !(out.Presence >= f.opts.MinPresence)
	if absent && !levelling {
		return out, ErrNoFace
	}
	out.Mesh = make([]face.Point3, meshPoints)
	k := c.side / cropSide
	for i := range out.Mesh {
		x, y := c.toImage(float64(pts[3*i]), float64(pts[3*i+1]))
		out.Mesh[i] = face.Point3{X: x, Y: y, Z: float64(pts[3*i+2]) * k}
	}
	for i, m := range ibug68 {
		out.Landmarks[i] = perception.Point{X: out.Mesh[m].X, Y: out.Mesh[m].Y}
		if lo := browLower[i]; lo > 0 {
			out.Landmarks[i] = perception.Point{X: (out.Mesh[m].X + out.Mesh[lo].X) / 2, Y: (out.Mesh[m].Y + out.Mesh[lo].Y) / 2}
		}
	}
	if absent {
		return out, ErrNoFace
	}
	if f.opts.Blendshapes {
		f.bmu.Lock()
		bs, err := f.blendshapes(out.Mesh)
		f.bmu.Unlock()
		if err != nil {
			return out, err
		}
		out.Blendshapes, out.HasBlendshapes = bs, true
	}
	return out, nil
}

// Blendshapes scores the 52 blendshapes of a 478-point mesh (x, y in image
// pixels).
func (f *Fitter) Blendshapes(m []face.Point3) (perception.Blendshapes, error) {
	if len(m) != meshPoints {
		return perception.Blendshapes{}, fmt.Errorf("mesh: %d mesh points, want %d", len(m), meshPoints)
	}
	f.bmu.Lock()
	defer f.bmu.Unlock()
	if !f.open {
		return perception.Blendshapes{}, ErrClosed
	}
	return f.blendshapes(m)
}

// blendshapes runs the blendshape model (f.bmu held). Its input is the
// subset's x, y with their mean taken off, divided by their mean distance
// from it (MediaPipe's blendshape calculator's normalisation).
func (f *Fitter) blendshapes(m []face.Point3) (perception.Blendshapes, error) {
	var bs perception.Blendshapes
	var mx, my float64
	for _, i := range f.subset {
		mx += m[i].X
		my += m[i].Y
	}
	mx /= blendPoints
	my /= blendPoints
	var md float64
	for _, i := range f.subset {
		md += math.Hypot(m[i].X-mx, m[i].Y-my)
	}
	md /= blendPoints
	if !(md > 0) {
		return bs, errors.New("mesh: degenerate mesh for blendshapes")
	}
	in := f.buf.blendIn
	dst, err := in.DataPtrFloat32()
	if err != nil {
		return bs, fmt.Errorf("mesh: blendshape input: %w", err)
	}
	for j, i := range f.subset {
		dst[2*j] = float32((m[i].X - mx) / md)
		dst[2*j+1] = float32((m[i].Y - my) / md)
	}
	f.blend.SetInput(in, blendIn)
	o := f.blend.Forward("")
	defer o.Close()
	got, err := o.DataPtrFloat32()
	if err != nil || len(got) != len(bs) {
		return bs, fmt.Errorf("mesh: blendshape output of %d values, want %d (%v)", len(got), len(bs), err)
	}
	for i, v := range got {
		bs[i] = min(1, max(0, v))
	}
	return bs, nil
}

// cropBlob cuts the crop out of the frame (colour when the frame has it,
// else gray in all three channels) into b.blob, the mesh model's
// [1,3,256,256] RGB input in 0..1. OpenCV reads the frame's pixels where
// they lie, during the one cgo call (cropInto): the warp reads only those
// under the crop, and nothing is copied first.
func (b *fitBuffers) cropBlob(fr perception.Frame, c crop) error {
	g := fr.Gray.Bounds()
	size := g.Size()
	colour := fr.Color.Valid() && fr.Color.W == size.X && fr.Color.H == size.Y
	if c.bounds().Inset(-2).Intersect(g).Empty() {
		return errors.New("mesh: the crop lies outside the frame")
	}
	// The affine map from the image into the crop: turn by -angle about the
	// centre, scale to cropSide, centre. Origin offsets of Gray apply.
	k := cropSide / c.side
	cs, sn := math.Cos(c.angle), math.Sin(c.angle)
	cx, cy := c.cx-float64(g.Min.X), c.cy-float64(g.Min.Y)
	b.affine = [6]float64{
		k * cs, k * sn, cropSide/2 - k*(cs*cx+sn*cy),
		-k * sn, k * cs, cropSide/2 - k*(-sn*cx+cs*cy),
	}
	// Gray's first pixel, at its bounds' Min, is Pix[0] (image.Gray.PixOffset);
	// cropInto refuses pixels shorter than the size and stride say.
	img := frameView{pix: fr.Gray.Pix, w: size.X, h: size.Y, stride: fr.Gray.Stride, channels: 1}
	if colour {
		img.pix, img.stride, img.channels = fr.Color.Pix, 3*size.X, 3
	}
	return b.cropInto(img, &b.affine)
}

// bounds is the pixel rectangle (image coordinates) the turned crop square
// covers.
func (c crop) bounds() image.Rectangle {
	h := c.side / 2
	cs, sn := math.Abs(math.Cos(c.angle)), math.Abs(math.Sin(c.angle))
	e := h * (cs + sn) // half the turned square's extent on each axis
	return image.Rect(int(math.Floor(c.cx-e)), int(math.Floor(c.cy-e)), int(math.Ceil(c.cx+e))+1, int(math.Ceil(c.cy+e))+1)
}
