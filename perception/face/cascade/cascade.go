package cascade

import (
	"errors"
	"fmt"
	"image"
	"math"
	"os"
	"sync"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception/face"
)

// Debian's opencv-data cascades.
const (
	LBPFrontal  = "/usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml"
	HaarFrontal = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
	HaarAlt2    = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_alt2.xml"
)

// Opts tunes the scan.
type Opts struct {
	// ScaleStep is the pyramid step (1.1 is thorough, 1.2 twice as fast).
	ScaleStep float64
	// MinNeighbors is how many raw windows must agree on a face.
	MinNeighbors int
	// MaxWidth shrinks wider frames to this width before scanning (0 keeps
	// the size); boxes are scaled back.
	MaxWidth int
	// MinSize is the smallest face side, in input pixels.
	MinSize int
}

// DefaultOpts scan a 640x480 frame at half size for faces of 48 px and up.
var DefaultOpts = Opts{ScaleStep: 1.1, MinNeighbors: 3, MaxWidth: 320, MinSize: 48}

// Detector is one loaded cascade; calls are serialised (OpenCV's cascade
// keeps per-call scratch state).
type Detector struct {
	mu   sync.Mutex
	c    gocv.CascadeClassifier
	open bool
	opts Opts
}

var _ face.Detector = (*Detector)(nil)

// ErrClosed is returned by Detect after Close.
var ErrClosed = errors.New("cascade: closed")

// Open loads a cascade XML file.
func Open(path string, o Opts) (*Detector, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("cascade: %w", err)
	}
	if o.ScaleStep <= 1 {
		return nil, fmt.Errorf("cascade: scale step %g must be above 1", o.ScaleStep)
	}
	c := gocv.NewCascadeClassifier()
	if !c.Load(path) {
		c.Close()
		return nil, fmt.Errorf("cascade: %s is not a cascade OpenCV can load", path)
	}
	return &Detector{c: c, open: true, opts: o}, nil
}

// Close frees the cascade; safe to call twice.
func (d *Detector) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open {
		d.open = false
		return d.c.Close()
	}
	return nil
}

// Detect finds faces; Score grows with the number of agreeing windows.
func (d *Detector) Detect(img *image.Gray) ([]face.Detection, error) {
	if img == nil || img.Rect.Empty() {
		return nil, errors.New("cascade: empty image")
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	packed := make([]byte, w*h)
	for y := range h {
		copy(packed[y*w:(y+1)*w], img.Pix[y*img.Stride:y*img.Stride+w])
	}
	raw, scale, err := d.scan(packed, w, h)
	if err != nil {
		return nil, err
	}
	groups := group(raw, d.opts.MinNeighbors)
	out := make([]face.Detection, 0, len(groups))
	for _, g := range groups {
		r := image.Rect(int(float64(g.box.Min.X)*scale), int(float64(g.box.Min.Y)*scale),
			int(math.Ceil(float64(g.box.Max.X)*scale)), int(math.Ceil(float64(g.box.Max.Y)*scale))).Add(b.Min)
		out = append(out, face.Detection{Box: r, Score: min(1, float64(g.n)/12)})
	}
	return out, nil
}

// scan runs the cascade and returns every raw window, in scanned pixels,
// with the factor back to input pixels.
func (d *Detector) scan(packed []byte, w, h int) ([]image.Rectangle, float64, error) {
	src, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC1, packed)
	if err != nil {
		return nil, 0, fmt.Errorf("cascade: frame to Mat: %w", err)
	}
	defer src.Close()
	work := gocv.NewMat()
	defer work.Close()
	scale := 1.0
	if d.opts.MaxWidth > 0 && w > d.opts.MaxWidth {
		scale = float64(w) / float64(d.opts.MaxWidth)
		gocv.Resize(src, &work, image.Pt(d.opts.MaxWidth, int(float64(h)/scale+0.5)), 0, 0, gocv.InterpolationArea)
	} else {
		src.CopyTo(&work)
	}
	gocv.EqualizeHist(work, &work)
	minSide := int(float64(d.opts.MinSize) / scale)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.open {
		return nil, 0, ErrClosed
	}
	raw := d.c.DetectMultiScaleWithParams(work, d.opts.ScaleStep, 0, 0, image.Pt(minSide, minSide), image.Point{})
	return raw, scale, nil
}

type cluster struct {
	box image.Rectangle
	n   int
}

// group merges raw windows that overlap well (as OpenCV's groupRectangles
// does) and keeps clusters of more than minNeighbors windows, averaged.
func group(raw []image.Rectangle, minNeighbors int) []cluster {
	type acc struct {
		x0, y0, x1, y1 float64
		n              int
	}
	var accs []acc
	for _, r := range raw {
		placed := false
		for i := range accs {
			a := &accs[i]
			n := float64(a.n)
			mean := image.Rect(int(a.x0/n), int(a.y0/n), int(a.x1/n), int(a.y1/n))
			if similar(mean, r) {
				a.x0, a.y0, a.x1, a.y1 = a.x0+float64(r.Min.X), a.y0+float64(r.Min.Y), a.x1+float64(r.Max.X), a.y1+float64(r.Max.Y)
				a.n++
				placed = true
				break
			}
		}
		if !placed {
			accs = append(accs, acc{float64(r.Min.X), float64(r.Min.Y), float64(r.Max.X), float64(r.Max.Y), 1})
		}
	}
	var out []cluster
	for _, a := range accs {
		if a.n <= minNeighbors {
			continue
		}
		n := float64(a.n)
		out = append(out, cluster{image.Rect(int(a.x0/n+0.5), int(a.y0/n+0.5), int(a.x1/n+0.5), int(a.y1/n+0.5)), a.n})
	}
	// Drop clusters nested inside a stronger one (a face inside a face).
	kept := out[:0]
	for i, c := range out {
		inner := false
		for j, o := range out {
			if i != j && o.n >= c.n && c.box.Intersect(o.box).Eq(c.box) {
				inner = true
				break
			}
		}
		if !inner {
			kept = append(kept, c)
		}
	}
	return kept
}

// similar is OpenCV's grouping rule: corners within 20 % of the mean side.
func similar(a, b image.Rectangle) bool {
	delta := 0.2 * float64(min(a.Dx(), b.Dx())+min(a.Dy(), b.Dy())) / 2
	return math.Abs(float64(a.Min.X-b.Min.X)) <= delta && math.Abs(float64(a.Min.Y-b.Min.Y)) <= delta &&
		math.Abs(float64(a.Max.X-b.Max.X)) <= delta && math.Abs(float64(a.Max.Y-b.Max.Y)) <= delta
}
