package face

import (
	"image"
	"sync"
	"sync/atomic"

	"github.com/kindred-hri/kindred/perception"
)

// Ahead runs a pipeline's face detector on the frames the pipeline will
// detect on, before Process reaches them: fed from another goroutine a few
// frames ahead, detection (the costlier half of the work) then runs on the
// second core while Process fits landmarks on the frames before.
//
// The output does not change: only the image-bound scans run ahead (a plain
// Detector's scan; a Fallback's First scan, and its Then scan when First
// found nothing), and those depend on the frame alone. Process still decides
// which results to use from its tracks, in frame order; a frame it detects
// on that was not scanned ahead (after a cut or a lost track) is scanned
// there and then, as without Ahead.
type Ahead struct {
	det   Detector
	every int
	// everyTracked is the detection period while a mesh tracks faces, and
	// tracked says whether one did after the pipeline's last Track: frames
	// that schedule skips are not scanned then. The guess is made a few
	// frames ahead; when it is wrong (a face was lost meanwhile) the
	// pipeline scans the frame itself, with the same result.
	everyTracked int
	tracked      *atomic.Bool
	n            int // non-empty frames offered so far; only the feeding goroutine uses it

	mu    sync.Mutex
	queue []*scan // scanned (or being scanned) and not yet taken by Process, in frame order
}

// scan is one frame's detector output, ready when done is closed.
type scan struct {
	index             int // the frame's place in the pipeline's count of frames
	img               *image.Gray
	done              chan struct{}
	first, then       []Detection
	firstErr, thenErr error
	ranThen           bool
}

// Ahead attaches a lookahead to the pipeline and returns it, or returns nil
// when the detector's output depends on more than the frame (a track-aware
// detector other than Fallback), so that nothing can run ahead. Call it
// before the first Process; feed the returned Ahead from one goroutine.
func (p *Pipeline) Ahead() *Ahead {
	if _, ok := p.det.(Fallback); !ok {
		if _, aware := p.det.(trackAware); aware {
			return nil
		}
	}
	p.ahead = &Ahead{det: p.det, every: p.opts.DetectEvery, n: p.frames, tracked: &p.meshTracked}
	if _, mesh := p.lm.(MeshFitter); mesh && p.opts.DetectEveryTracked > p.opts.DetectEvery {
		every := p.opts.DetectEvery
		p.ahead.everyTracked = (p.opts.DetectEveryTracked + every - 1) / every * every
	}
	return p.ahead
}

// Offer takes the next frame the pipeline will be given, in order, and when
// the pipeline's schedule detects on it, scans it before returning. Frames
// must each be offered once, in the order Process will see them; Offer may
// run concurrently with Process.
func (a *Ahead) Offer(f perception.Frame) {
	img := f.Gray
	if a == nil || img == nil || img.Rect.Empty() {
		return // Process does not count these frames either
	}
	i := a.n
	a.n++
	every := a.every
	if a.everyTracked > 0 && a.tracked.Load() {
		every = a.everyTracked
	}
	if i%every != 0 {
		return
	}
	s := &scan{index: i, img: img, done: make(chan struct{})}
	a.mu.Lock()
	a.queue = append(a.queue, s)
	a.mu.Unlock()
	defer close(s.done)
	fb, ok := a.det.(Fallback)
	if !ok {
		s.first, s.firstErr = a.det.Detect(img)
		return
	}
	if fb.First == nil || fb.Then == nil {
		s.firstErr = errMissingPass
		return
	}
	s.first, s.firstErr = fb.First.Detect(img)
	if s.firstErr != nil || len(s.first) == 0 {
		s.then, s.thenErr = fb.Then.Detect(img)
		s.ranThen = true
	}
}

// take returns the scan made ahead of the index-th frame, img, waiting for
// it to finish, or nil when that frame was not scanned ahead. Scans of
// earlier frames Process did not detect on (it returned early, or detection
// was scheduled differently) are dropped.
func (a *Ahead) take(index int, img *image.Gray) *scan {
	if a == nil {
		return nil
	}
	a.mu.Lock()
	for len(a.queue) > 0 && a.queue[0].index < index {
		a.queue = a.queue[1:]
	}
	var s *scan
	if len(a.queue) > 0 && a.queue[0].index == index && a.queue[0].img == img {
		s, a.queue = a.queue[0], a.queue[1:]
	}
	a.mu.Unlock()
	if s != nil {
		<-s.done
	}
	return s
}

// detect is the pipeline's detection on img, the index-th frame, given the
// tracked boxes, using the scan made ahead when there is one.
func (p *Pipeline) detect(index int, img *image.Gray, tracked []image.Rectangle) ([]Detection, error) {
	s := p.ahead.take(index, img)
	fb, isFallback := p.det.(Fallback)
	switch {
	case s == nil && isFallback:
		return fb.DetectTracked(img, tracked)
	case s == nil:
		if ta, ok := p.det.(trackAware); ok {
			return ta.DetectTracked(img, tracked)
		}
		return p.det.Detect(img)
	case !isFallback:
		return s.first, s.firstErr
	}
	if s.firstErr == errMissingPass {
		return nil, s.firstErr
	}
	ps := passes{
		first: func() ([]Detection, error) { return s.first, s.firstErr },
		then: func() ([]Detection, error) {
			if !s.ranThen {
				return fb.Then.Detect(img)
			}
			return s.then, s.thenErr
		},
	}
	return fb.run(img, tracked, true, ps)
}
