package mesh

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"sync"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// ErrClosed is returned by calls after Close.
var ErrClosed = errors.New("mesh: closed")

// DetectorOpts tunes YuNet.
type DetectorOpts struct {
	// MaxWidth shrinks wider images (area resampling) before the scan;
	// 0 scans at the native size. YuNet's smallest anchors (stride 8) find
	// faces from about 10 px, so 320 still finds a face a fifth of a
	// 640-wide frame wide, at a quarter of the cost.
	MaxWidth int
	// Threshold is the least score (sqrt(cls*obj)) a face box needs.
	Threshold float64
	// NMS is the IoU above which the weaker of two boxes is dropped.
	NMS float64
	// MaxFaces bounds how many boxes one call returns.
	MaxFaces int
}

// DefaultDetectorOpts: OpenCV's YuNet sample uses score 0.9 and NMS 0.3;
// 0.6 keeps turned and partly lit faces (the mesh's presence score then
// rejects a false box).
func DefaultDetectorOpts() DetectorOpts {
	return DetectorOpts{MaxWidth: 0, Threshold: 0.6, NMS: 0.3, MaxFaces: 8}
}

// Detector is YuNet. Calls are serialised (an OpenCV Net keeps its blobs,
// and a scan reuses the Detector's buffers).
type Detector struct {
	mu     sync.Mutex
	net    gocv.Net
	open   bool
	opts   DetectorOpts
	full   gocv.Mat // the frame, 8-bit gray
	turned gocv.Mat // the frame turned (DetectTurned)
	affine gocv.Mat // the turn, 2x3
	small  gocv.Mat // the frame shrunk for a scan
	blob   gocv.Mat // [1,3,ph,pw] input
	blobW  int      // blob's padded size
	blobH  int
}

var _ face.Detector = (*Detector)(nil)

var yunetOutputs = []string{"cls_8", "cls_16", "cls_32", "obj_8", "obj_16", "obj_32", "bbox_8", "bbox_16", "bbox_32", "kps_8", "kps_16", "kps_32"}

// NewDetector loads the embedded YuNet model.
func NewDetector(opts DetectorOpts) (*Detector, error) {
	if opts.MaxFaces <= 0 {
		opts.MaxFaces = DefaultDetectorOpts().MaxFaces
	}
	if opts.NMS <= 0 {
		opts.NMS = DefaultDetectorOpts().NMS
	}
	n, err := readNet(models.YuNet, "YuNet")
	if err != nil {
		return nil, err
	}
	return &Detector{net: n, open: true, opts: opts, full: gocv.NewMat(), turned: gocv.NewMat(), affine: gocv.NewMat(), small: gocv.NewMat(), blob: gocv.NewMat()}, nil
}

func readNet(b []byte, name string) (gocv.Net, error) {
	n, err := gocv.ReadNetFromONNXBytes(b)
	if err != nil {
		return n, fmt.Errorf("mesh: loading the embedded %s model: %w", name, err)
	}
	if n.Empty() {
		n.Close()
		return n, fmt.Errorf("mesh: OpenCV loaded an empty %s network", name)
	}
	return n, nil
}

// Close frees the network; safe to call twice.
func (d *Detector) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.open {
		return nil
	}
	d.open = false
	return errors.Join(d.net.Close(), d.full.Close(), d.turned.Close(), d.affine.Close(), d.small.Close(), d.blob.Close())
}

// Shrunk is the same network (calls serialised with it) scanning images
// shrunk to at most maxWidth.
func (d *Detector) Shrunk(maxWidth int) face.Detector { return shrunk{d, maxWidth} }

type shrunk struct {
	d        *Detector
	maxWidth int
}

func (s shrunk) Detect(img *image.Gray) ([]face.Detection, error) { return s.d.detect(img, s.maxWidth) }

// MinFace is the narrowest face the shrunk scan finds reliably: YuNet's
// stride-8 anchors find faces from about 16 px of the scanned image.
func (s shrunk) MinFace(size image.Point) int {
	return int(math.Ceil(minScanned * scaleFor(size.X, s.maxWidth)))
}

var _ face.MinFacer = shrunk{}

const minScanned = 16

func scaleFor(width, maxWidth int) float64 {
	if maxWidth > 0 && width > maxWidth {
		return float64(width) / float64(maxWidth)
	}
	return 1
}

// Detect finds faces in a gray image (the three input channels get the same
// gray: YuNet finds faces in gray images as it does in colour). Measured
// (TestMeasureGrayAgainstColour): on every real face at hand (the dev
// set's photos and clips, astronaut.png, messi5.jpg; 351 frames) gray and
// colour found a face in the same frames, while colour found more boxes in
// an animation (Megamind.avi: 213 against 183 in 135 frames), one face in
// 22 opencv-doc images without any, and faces in 50 of 100 frames of a
// street scene where gray found 1.
func (d *Detector) Detect(img *image.Gray) ([]face.Detection, error) {
	return d.detect(img, d.opts.MaxWidth)
}

func (d *Detector) detect(img *image.Gray, maxWidth int) ([]face.Detection, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.load(img)
	if err != nil {
		return nil, err
	}
	cands, scale, err := d.scan(d.full, maxWidth)
	if err != nil {
		return nil, err
	}
	dets := make([]face.Detection, 0, len(cands))
	for _, c := range cands {
		r := image.Rect(int(math.Round(c.x0*scale)), int(math.Round(c.y0*scale)), int(math.Round(c.x1*scale)), int(math.Round(c.y1*scale))).Add(b.Min)
		r = r.Intersect(b.Inset(-b.Dx() / 4)) // a box may overhang the frame a little, not without end
		if r.Empty() {
			continue
		}
		off := perception.Point{X: float64(b.Min.X), Y: float64(b.Min.Y)}
		dets = append(dets, face.Detection{Box: r, Score: c.score, Eyes: [2]perception.Point{
			{X: c.kps[0]*scale + off.X, Y: c.kps[1]*scale + off.Y},
			{X: c.kps[2]*scale + off.X, Y: c.kps[3]*scale + off.Y},
		}})
	}
	return dets, nil
}

// load puts img into d.full for a scan and returns its bounds; d.mu is
// held.
func (d *Detector) load(img *image.Gray) (image.Rectangle, error) {
	if img == nil || img.Rect.Empty() || len(img.Pix) == 0 {
		return image.Rectangle{}, errors.New("mesh: empty image")
	}
	if !d.open {
		return image.Rectangle{}, ErrClosed
	}
	return img.Bounds(), intoMat(&d.full, img)
}

// DetectTurned finds the faces of img in a copy of it turned by deg
// degrees (counter-clockwise on screen) about its centre, on a canvas that
// holds the whole turned frame, and returns them in img's coordinates
// (face.TurnDetector): a face lying on its side, which YuNet misses past
// about 25 degrees, is upright in the copy turned the other way. A box
// keeps its size, centred where its centre lands, and the eyes keep the
// order they had in the upright copy (the person's right eye first), so
// the mesh's first crop is levelled on the face's own roll.
func (d *Detector) DetectTurned(img *image.Gray, deg float64) ([]face.Detection, error) {
	return d.detectTurned(img, deg, d.opts.MaxWidth)
}

// DetectTurned is the shrunk scan of a turned copy (see
// Detector.DetectTurned).
func (s shrunk) DetectTurned(img *image.Gray, deg float64) ([]face.Detection, error) {
	return s.d.detectTurned(img, deg, s.maxWidth)
}

var _ face.TurnDetector = (*Detector)(nil)
var _ face.TurnDetector = shrunk{}

func (d *Detector) detectTurned(img *image.Gray, deg float64, maxWidth int) ([]face.Detection, error) {
	if math.IsNaN(deg) || math.IsInf(deg, 0) {
		return nil, fmt.Errorf("mesh: turn of %v degrees", deg)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	b, err := d.load(img)
	if err != nil {
		return nil, err
	}
	// OpenCV's rotation about the frame's centre (getRotationMatrix2D):
	// x' = cs x + sn y + tx, y' = -sn x + cs y + ty, moved so that the
	// turned frame's corners all lie on the canvas.
	w, h := float64(b.Dx()), float64(b.Dy())
	a := deg * math.Pi / 180
	cs, sn := math.Cos(a), math.Sin(a)
	if math.Abs(cs) < 1e-12 {
		cs = 0
	}
	if math.Abs(sn) < 1e-12 {
		sn = 0
	}
	cw := int(math.Ceil(math.Abs(cs)*w + math.Abs(sn)*h - 1e-9))
	ch := int(math.Ceil(math.Abs(sn)*w + math.Abs(cs)*h - 1e-9))
	cx, cy := (w-1)/2, (h-1)/2
	ncx, ncy := (float64(cw)-1)/2, (float64(ch)-1)/2
	m := [6]float64{cs, sn, ncx - cs*cx - sn*cy, -sn, cs, ncy + sn*cx - cs*cy}
	if d.affine.Empty() {
		d.affine = gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	}
	for i, v := range m {
		d.affine.SetDoubleAt(i/3, i%3, v)
	}
	// The uncovered corners mid-grey, no edge smeared into them.
	gocv.WarpAffineWithParams(d.full, &d.turned, d.affine, image.Pt(cw, ch), gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{128, 128, 128, 255})
	cands, scale, err := d.scan(d.turned, maxWidth)
	if err != nil {
		return nil, err
	}
	// Back into the frame: the inverse of the rotation.
	back := func(u, v float64) (float64, float64) {
		u, v = u*scale-m[2], v*scale-m[5]
		return cs*u - sn*v + float64(b.Min.X), sn*u + cs*v + float64(b.Min.Y)
	}
	dets := make([]face.Detection, 0, len(cands))
	for _, c := range cands {
		mx, my := back((c.x0+c.x1)/2, (c.y0+c.y1)/2)
		bw, bh := (c.x1-c.x0)*scale, (c.y1-c.y0)*scale
		if math.Abs(sn) > math.Abs(cs) { // more than 45 degrees: the face's height lies across the frame
			bw, bh = bh, bw
		}
		r := image.Rect(int(math.Round(mx-bw/2)), int(math.Round(my-bh/2)), int(math.Round(mx+bw/2)), int(math.Round(my+bh/2)))
		r = r.Intersect(b.Inset(-b.Dx() / 4))
		if r.Empty() {
			continue
		}
		var eyes [2]perception.Point
		for k := range eyes {
			eyes[k].X, eyes[k].Y = back(c.kps[2*k], c.kps[2*k+1])
		}
		dets = append(dets, face.Detection{Box: r, Score: c.score, Eyes: eyes})
	}
	return dets, nil
}

// scan runs YuNet on src (8-bit gray), shrunk to at most maxWidth, and
// returns its boxes in the shrunk image's pixels and the factor back to
// src's (d.mu held).
func (d *Detector) scan(src gocv.Mat, maxWidth int) ([]candidate, float64, error) {
	scale := scaleFor(src.Cols(), maxWidth)
	w, h := src.Cols(), src.Rows()
	if scale > 1 {
		w, h = int(float64(src.Cols())/scale), int(float64(src.Rows())/scale)
		if w < 32 || h < 32 {
			return nil, scale, nil
		}
		gocv.Resize(src, &d.small, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		src = d.small
	}
	pw, ph := (w+31)/32*32, (h+31)/32*32
	if d.blobW != pw || d.blobH != ph || d.blob.Empty() {
		d.blob.Close()
		d.blob = gocv.NewMatWithSizes([]int{1, 3, ph, pw}, gocv.MatTypeCV32F)
		d.blobW, d.blobH = pw, ph
	}
	blob := d.blob
	dst, err := blob.DataPtrFloat32()
	if err != nil {
		return nil, scale, fmt.Errorf("mesh: detector input: %w", err)
	}
	pix, err := src.DataPtrUint8()
	if err != nil {
		return nil, scale, fmt.Errorf("mesh: detector image: %w", err)
	}
	step := src.Step()
	clear(dst)
	plane := pw * ph
	for y := range h {
		row := pix[y*step : y*step+w]
		o := y * pw
		for x, v := range row {
			f := float32(v)
			dst[o+x] = f
			dst[plane+o+x] = f
			dst[2*plane+o+x] = f
		}
	}
	d.net.SetInput(blob, "")
	outs := d.net.ForwardLayers(yunetOutputs)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != len(yunetOutputs) {
		return nil, scale, fmt.Errorf("mesh: YuNet gave %d outputs, want %d", len(outs), len(yunetOutputs))
	}
	var raw [12][]float32
	for i := range outs {
		if raw[i], err = outs[i].DataPtrFloat32(); err != nil {
			return nil, scale, fmt.Errorf("mesh: YuNet output %s: %w", yunetOutputs[i], err)
		}
	}
	cands := decodeYuNet(raw, pw, ph, d.opts.Threshold)
	return nms(cands, d.opts.NMS, d.opts.MaxFaces), scale, nil
}

// intoMat copies a Go gray image into m, remade as an 8-bit Mat of the
// image's size only when its size differs.
func intoMat(m *gocv.Mat, img *image.Gray) error {
	b := img.Bounds()
	if m.Empty() || m.Rows() != b.Dy() || m.Cols() != b.Dx() || m.Type() != gocv.MatTypeCV8UC1 {
		m.Close()
		*m = gocv.NewMatWithSize(b.Dy(), b.Dx(), gocv.MatTypeCV8UC1)
	}
	dst, err := m.DataPtrUint8()
	if err != nil {
		return fmt.Errorf("mesh: image: %w", err)
	}
	w := b.Dx()
	for y := range b.Dy() {
		o := img.PixOffset(b.Min.X, b.Min.Y+y)
		copy(dst[y*w:(y+1)*w], img.Pix[o:o+w])
	}
	return nil
}

// candidate is one decoded YuNet box in scanned-image pixels.
type candidate struct {
	x0, y0, x1, y1, score float64
	kps                   [10]float64
}

// decodeYuNet turns YuNet 2023mar's per-stride outputs into boxes (the
// decode the model card and OpenCV's FaceDetectorYN use): for each grid cell
// of stride s, score sqrt(cls*obj), centre ((col+dx)*s, (row+dy)*s), size
// exp(dw)*s by exp(dh)*s, keypoints ((col+kx)*s, (row+ky)*s). raw holds
// cls, obj, bbox and kps for strides 8, 16, 32 in that order.
func decodeYuNet(raw [12][]float32, w, h int, threshold float64) []candidate {
	var out []candidate
	for si, s := range [3]int{8, 16, 32} {
		cols, rows := w/s, h/s
		cls, obj, bbox, kps := raw[si], raw[3+si], raw[6+si], raw[9+si]
		n := cols * rows
		if len(cls) < n || len(obj) < n || len(bbox) < 4*n || len(kps) < 10*n {
			continue
		}
		fs := float64(s)
		for i := range n {
			c := min(1, max(0, float64(cls[i])))
			o := min(1, max(0, float64(obj[i])))
			score := math.Sqrt(c * o)
			if score < threshold {
				continue
			}
			row, col := float64(i/cols), float64(i%cols)
			cx := (col + float64(bbox[4*i])) * fs
			cy := (row + float64(bbox[4*i+1])) * fs
			bw := math.Exp(float64(bbox[4*i+2])) * fs
			bh := math.Exp(float64(bbox[4*i+3])) * fs
			cand := candidate{x0: cx - bw/2, y0: cy - bh/2, x1: cx + bw/2, y1: cy + bh/2, score: score}
			for k := range 5 {
				cand.kps[2*k] = (float64(kps[10*i+2*k]) + col) * fs
				cand.kps[2*k+1] = (float64(kps[10*i+2*k+1]) + row) * fs
			}
			if finite(cand) {
				out = append(out, cand)
			}
		}
	}
	return out
}

func finite(c candidate) bool {
	for _, v := range append([]float64{c.x0, c.y0, c.x1, c.y1}, c.kps[:]...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return c.x1 > c.x0 && c.y1 > c.y0
}

// nms keeps the strongest boxes, dropping any that overlaps a kept one by
// more than iouMax.
func nms(cs []candidate, iouMax float64, maxN int) []candidate {
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	var kept []candidate
	for _, c := range cs {
		ok := true
		for _, k := range kept {
			if iouF(c, k) > iouMax {
				ok = false
				break
			}
		}
		if ok {
			kept = append(kept, c)
			if len(kept) == maxN {
				break
			}
		}
	}
	return kept
}

func iouF(a, b candidate) float64 {
	iw := min(a.x1, b.x1) - max(a.x0, b.x0)
	ih := min(a.y1, b.y1) - max(a.y0, b.y0)
	if iw <= 0 || ih <= 0 {
		return 0
	}
	in := iw * ih
	return in / ((a.x1-a.x0)*(a.y1-a.y0) + (b.x1-b.x0)*(b.y1-b.y0) - in)
}
