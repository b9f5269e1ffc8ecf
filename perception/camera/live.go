package camera

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
)

// device is an opened camera: the seam between the retry logic and gocv.
type device interface {
	read() (picture, error)
	close() error
}

// opener opens the device; called again after each loss.
type opener func() (device, error)

// CameraOpts tunes a live camera.
type CameraOpts struct {
	Width, Height int           // requested capture size (0 keeps the driver's)
	RetryEvery    time.Duration // how often to try to reopen a lost camera
	// Origin is the wall instant a frame's media time counts from; zero
	// counts from the opening. A run gives its session clock's origin: a
	// camera reopened mid-run (after an opt-in) counting from zero again
	// was behind everything fusion had seen, which then assessed nothing
	// until the new camera's time caught up with the old, as long as the
	// run had lasted.
	Origin time.Time
}

// Present reports whether V4L2 camera index exists (/dev/videoN), without
// opening it: whether a run with no source named has a camera to watch.
func Present(index int) bool {
	_, err := os.Stat(fmt.Sprintf("/dev/video%d", index))
	return err == nil
}

// DefaultCameraOpts asks for 640x480 and retry every second.
func DefaultCameraOpts() CameraOpts {
	return CameraOpts{Width: 640, Height: 480, RetryEvery: time.Second}
}

// Camera is a live camera that survives being unplugged.
type Camera struct {
	open    opener
	dev     device
	opts    CameraOpts
	events  chan<- perception.Event
	start   time.Time
	seq     int
	lost    bool
	lastErr error
	fps     float64
}

// OpenCamera opens camera index (V4L2). events receives the lost/back
// reports (nil discards them); it must be drained. An index that cannot be
// opened at all is an error here; later losses are retried.
func OpenCamera(index int, o CameraOpts, events chan<- perception.Event) (*Camera, error) {
	var fps float64
	open := func() (device, error) {
		vc, err := gocv.OpenVideoCaptureWithAPI(index, gocv.VideoCaptureV4L2)
		if err != nil || !vc.IsOpened() {
			if vc != nil {
				vc.Close()
			}
			return nil, fmt.Errorf("camera %d: cannot open", index)
		}
		if o.Width > 0 && o.Height > 0 {
			vc.Set(gocv.VideoCaptureFrameWidth, float64(o.Width))
			vc.Set(gocv.VideoCaptureFrameHeight, float64(o.Height))
		}
		fps = vc.Get(gocv.VideoCaptureFPS)
		return &capture{vc: vc}, nil
	}
	c, err := newCamera(open, o, events)
	if err != nil {
		return nil, err
	}
	c.fps = fps
	return c, nil
}

func newCamera(open opener, o CameraOpts, events chan<- perception.Event) (*Camera, error) {
	start := o.Origin
	if start.IsZero() {
		start = time.Now()
	}
	if o.RetryEvery <= 0 {
		return nil, errors.New("camera: retry interval must be positive")
	}
	dev, err := open()
	if err != nil {
		return nil, err
	}
	return &Camera{open: open, dev: dev, opts: o, events: events, start: start}, nil
}

// Next returns the next frame. When the camera fails it reports the loss
// once, then retries every RetryEvery until it is back or ctx is done.
func (c *Camera) Next(ctx context.Context) (perception.Frame, error) {
	for {
		if err := ctx.Err(); err != nil {
			return perception.Frame{}, err
		}
		if c.dev == nil {
			dev, err := c.open()
			if err != nil {
				c.lastErr = err
				if err := c.wait(ctx); err != nil {
					return perception.Frame{}, err
				}
				continue
			}
			c.dev = dev
		}
		pic, err := c.dev.read()
		if err != nil {
			if cerr := c.dev.close(); cerr != nil {
				err = fmt.Errorf("%w (closing it: %v)", err, cerr)
			}
			c.dev = nil
			if !c.lost {
				c.lost = true
				if err := c.emit(ctx, perception.EventModalityLost, err.Error()); err != nil {
					return perception.Frame{}, err
				}
			}
			if err := c.wait(ctx); err != nil {
				return perception.Frame{}, err
			}
			continue
		}
		now := time.Now()
		if c.lost {
			c.lost = false
			if err := c.emit(ctx, perception.EventModalityBack, ""); err != nil {
				return perception.Frame{}, err
			}
		}
		f := perception.Frame{At: now.Sub(c.start), Seq: c.seq, Gray: pic.gray, Color: pic.color, Wall: now}
		c.seq++
		return f, nil
	}
}

func (c *Camera) wait(ctx context.Context) error {
	t := time.NewTimer(c.opts.RetryEvery)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Camera) emit(ctx context.Context, kind perception.EventKind, why string) error {
	if c.events == nil {
		return nil
	}
	e := perception.Event{At: time.Since(c.start), Kind: kind, Modality: perception.ModFace, Text: why}
	select {
	case c.events <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FPS is what the driver reported at open (0 when it does not say).
func (c *Camera) FPS() float64 { return c.fps }

// Close releases the device; safe to call twice.
func (c *Camera) Close() error {
	if c.dev == nil {
		return nil
	}
	err := c.dev.close()
	c.dev = nil
	return err
}

// capture is a gocv camera.
type capture struct{ vc *gocv.VideoCapture }

func (c *capture) read() (picture, error) {
	m := gocv.NewMat()
	defer m.Close()
	if !c.vc.Read(&m) || m.Empty() {
		return picture{}, errors.New("camera delivered no frame")
	}
	return pictureOf(m)
}

func (c *capture) close() error { return c.vc.Close() }
