package dlib

/*
#cgo CXXFLAGS: -std=c++14 -O2
// pkg-config dlib-1 names libblas.so and liblapack.so, which Debian ships
// only in -dev packages; dlib's headers call cblas directly, so link the
// runtime sonames instead.
#cgo LDFLAGS: -ldlib -l:libblas.so.3 -l:liblapack.so.3 -lpthread
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"math"
	"sync"
	"unsafe"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// DefaultModel is where Debian's libdlib-data installs the 68-point model.
const DefaultModel = "/usr/share/dlib/shape_predictor_68_face_landmarks.dat"

// ErrClosed is returned by calls on a closed Landmarker or Detector.
var ErrClosed = errors.New("dlib: closed")

// Landmarker fits the 68 iBUG points inside a face box.
type Landmarker struct {
	mu sync.RWMutex // guards p against Close; fits run concurrently (read lock)
	p  unsafe.Pointer
}

var _ face.Landmarker = (*Landmarker)(nil)

// OpenLandmarker loads a shape predictor model (about 1 s for the 100 MB
// 68-point model). Load it once and share it.
func OpenLandmarker(path string) (*Landmarker, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var msg [512]C.char
	p := C.kd_predictor_open(cpath, &msg[0], C.int(len(msg)))
	if p == nil {
		return nil, fmt.Errorf("dlib: load shape model %s: %s", path, C.GoString(&msg[0]))
	}
	return &Landmarker{p: p}, nil
}

// Close frees the model. It is safe to call twice.
func (l *Landmarker) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.p != nil {
		C.kd_predictor_close(l.p)
		l.p = nil
	}
	return nil
}

// Landmarks fits the 68 points for the face in box.
func (l *Landmarker) Landmarks(img *image.Gray, box image.Rectangle) ([68]perception.Point, error) {
	var pts [68]perception.Point
	if err := checkImage(img); err != nil {
		return pts, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.p == nil {
		return pts, ErrClosed
	}
	b := img.Bounds()
	box = box.Sub(b.Min)
	var xy [136]C.double
	n := C.kd_predictor_fit(l.p, (*C.uchar)(unsafe.Pointer(&img.Pix[0])),
		C.long(b.Dy()), C.long(b.Dx()), C.long(img.Stride),
		C.long(box.Min.X), C.long(box.Min.Y), C.long(box.Max.X-1), C.long(box.Max.Y-1), &xy[0])
	if n != 68 {
		return pts, fmt.Errorf("dlib: shape model fitted %d parts, want 68", int(n))
	}
	for i := range pts {
		pts[i] = perception.Point{X: float64(xy[2*i]) + float64(b.Min.X), Y: float64(xy[2*i+1]) + float64(b.Min.Y)}
	}
	return pts, nil
}

// DetectorOpts tunes the HOG detector.
type DetectorOpts struct {
	// Upsample doubles the image this many times before scanning: dlib's
	// detector misses faces under about 80 px without it, at 4x the cost per step.
	Upsample int
	// Threshold is added to the detector's own threshold; below 0 finds more
	// (and falser) faces.
	Threshold float64
	// MaxFaces bounds how many boxes one call returns.
	MaxFaces int
	// MaxWidth shrinks wider images by a whole factor (box-averaged) before
	// scanning, 0 keeps the size: at 640x480 halving cuts the cost about 4x
	// but needs faces of 160 px and up (twice the detector's 80 px window;
	// a person within about 0.8 m of a webcam).
	MaxWidth int
}

// DefaultDetectorOpts scans at the native size and reports up to 8 faces,
// 0.2 above the SVM threshold: that drops a marginal false face (margin
// 0.02) on astronaut.png and keeps a face in 96% of Megamind.avi's frames.
func DefaultDetectorOpts() DetectorOpts {
	return DetectorOpts{Upsample: 0, Threshold: 0.2, MaxFaces: 8}
}

// Detector is dlib's HOG + linear SVM frontal face detector.
type Detector struct {
	mu   sync.Mutex // dlib's detector keeps scratch buffers: one call at a time
	d    unsafe.Pointer
	opts DetectorOpts
	// Scratch for shrinking, kept between calls (under mu): a live camera
	// would otherwise allocate a frame's worth every detection round.
	tmp   []float32
	small *image.Gray
}

var _ face.Detector = (*Detector)(nil)

// NewDetector builds the detector (its weights are compiled into libdlib).
func NewDetector(opts DetectorOpts) *Detector {
	if opts.MaxFaces <= 0 {
		opts.MaxFaces = DefaultDetectorOpts().MaxFaces
	}
	return &Detector{d: C.kd_detector_new(), opts: opts}
}

// Close frees the detector. It is safe to call twice.
func (d *Detector) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.d != nil {
		C.kd_detector_close(d.d)
		d.d = nil
	}
	return nil
}

// Detect finds frontal faces; Score is the SVM margin squashed to 0..1.
func (d *Detector) Detect(img *image.Gray) ([]face.Detection, error) {
	return d.detect(img, d.opts.MaxWidth)
}

// Shrunk is the same detector (one model in memory, calls serialised with
// it) scanning images shrunk to at most maxWidth: building a second
// detector would load dlib's weights again (about 0.4 s).
func (d *Detector) Shrunk(maxWidth int) face.Detector { return shrunk{d, maxWidth} }

var _ face.MinFacer = shrunk{}

type shrunk struct {
	d        *Detector
	maxWidth int
}

func (s shrunk) Detect(img *image.Gray) ([]face.Detection, error) { return s.d.detect(img, s.maxWidth) }

// MinFace is the narrowest face box the shrunk scan finds in an image of
// this size: dlib's 80 px window times the shrink scale, with a margin.
func (s shrunk) MinFace(size image.Point) int {
	return int(math.Ceil(window * 1.1 * scaleFor(size.X, s.maxWidth)))
}

// window is the side of dlib's frontal face detector window, in pixels.
const window = 80

// scaleFor is how much an image width is shrunk to fit maxWidth (1: not).
func scaleFor(width, maxWidth int) float64 {
	if maxWidth > 0 && width > maxWidth {
		return float64(width) / float64(maxWidth)
	}
	return 1
}

func (d *Detector) detect(img *image.Gray, maxWidth int) ([]face.Detection, error) {
	if err := checkImage(img); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.d == nil {
		return nil, ErrClosed
	}
	orig := img.Bounds()
	scale := scaleFor(orig.Dx(), maxWidth)
	if scale > 1 {
		img = d.shrink(img, scale)
		if img.Rect.Empty() {
			return nil, nil // too thin to hold a face once shrunk
		}
	}
	b := img.Bounds()
	out := make([]C.kd_rect, d.opts.MaxFaces)
	n := C.kd_detector_detect(d.d, (*C.uchar)(unsafe.Pointer(&img.Pix[0])),
		C.long(b.Dy()), C.long(b.Dx()), C.long(img.Stride),
		C.int(d.opts.Upsample), C.double(d.opts.Threshold), &out[0], C.int(len(out)))
	if n < 0 {
		return nil, errors.New("dlib: face detector failed")
	}
	dets := make([]face.Detection, 0, int(n))
	for _, r := range out[:n] {
		up := func(v C.long) int { return int(math.Round(float64(v) * scale)) }
		box := image.Rect(up(r.left), up(r.top), up(r.right+1), up(r.bottom+1)).Add(orig.Min)
		dets = append(dets, face.Detection{Box: box, Score: squash(float64(r.score))})
	}
	return dets, nil
}

// squash maps an SVM margin (0 at the threshold, ~1.5 for a clear face) to 0..1.
func squash(margin float64) float64 {
	s := 0.5 + margin/3
	return min(1, max(0, s))
}

func checkImage(img *image.Gray) error {
	if img == nil || img.Rect.Empty() || len(img.Pix) == 0 {
		return errors.New("dlib: empty image")
	}
	return nil
}

// shrink resamples img smaller by scale (> 1): each output pixel averages
// the input over its own footprint (area resampling, so no aliasing of the
// gradients HOG reads), weighting partly covered pixels by their coverage.
// The result and its scratch are d's, valid until the next call (under d.mu).
func (d *Detector) shrink(img *image.Gray, scale float64) *image.Gray {
	b := img.Bounds()
	w, h := int(float64(b.Dx())/scale), int(float64(b.Dy())/scale)
	if d.small == nil || d.small.Rect.Dx() != w || d.small.Rect.Dy() != h {
		d.small = image.NewGray(image.Rect(0, 0, w, h))
	}
	out := d.small
	if w == 0 || h == 0 {
		return out
	}
	// Horizontal then vertical passes, in float32 rows.
	if cap(d.tmp) < w*b.Dy() {
		d.tmp = make([]float32, w*b.Dy())
	}
	tmp := d.tmp[:w*b.Dy()]
	for y := range b.Dy() {
		row := img.Pix[y*img.Stride : y*img.Stride+b.Dx()]
		for x := range w {
			tmp[y*w+x] = footprint(x, scale, b.Dx(), func(i int) float32 { return float32(row[i]) })
		}
	}
	for y := range h {
		for x := range w {
			v := footprint(y, scale, b.Dy(), func(i int) float32 { return tmp[i*w+x] })
			out.Pix[y*out.Stride+x] = uint8(min(255, max(0, v+0.5)))
		}
	}
	return out
}

// footprint averages get(i) over [o*scale, (o+1)*scale), the input span of
// output sample o.
func footprint(o int, scale float64, n int, get func(int) float32) float32 {
	lo, hi := float64(o)*scale, min(float64(o+1)*scale, float64(n))
	var sum, wsum float32
	for i := int(lo); float64(i) < hi; i++ {
		wt := float32(min(float64(i+1), hi) - max(float64(i), lo))
		sum += wt * get(i)
		wsum += wt
	}
	if wsum == 0 {
		return 0
	}
	return sum / wsum
}
