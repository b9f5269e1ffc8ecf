package camera

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // decodeGo
	_ "image/png"  // decodeGo
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
)

// ErrNotMedia marks a file that exists but is not an image or video OpenCV
// can decode (the CLI turns it into exit code 2).
var ErrNotMedia = errors.New("not a readable image or video")

// Source is what every frame source here offers.
type Source interface {
	Next(ctx context.Context) (perception.Frame, error)
	// FPS is the nominal frame rate (0 when unknown, as for a camera that
	// does not say).
	FPS() float64
	Close() error
}

var imageExt = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".bmp": true, ".pgm": true, ".ppm": true, ".tif": true, ".tiff": true, ".webp": true}

// OpenFile opens a video file, an image, or a folder of images. Images are
// given media times at fps (1 when fps is 0).
func OpenFile(path string, fps float64) (Source, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("camera: %w", err)
	}
	if st.IsDir() || imageExt[strings.ToLower(filepath.Ext(path))] {
		return OpenImages(path, fps)
	}
	return OpenVideo(path)
}

// DefaultVideoFPS is the rate given to a video whose container names
// none: the common PAL rate.
const DefaultVideoFPS = 25

// Video reads a video file frame by frame.
type Video struct {
	vc     *gocv.VideoCapture
	path   string
	fps    float64
	count  int
	seq    int
	first  *picture // read at open to prove the file decodes
	closed bool
}

// OpenVideo opens a video file and decodes its first frame, so a file that
// is not a video fails here (ErrNotMedia) rather than halfway through a run.
func OpenVideo(path string) (*Video, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("camera: %w", err)
	}
	vc, err := gocv.OpenVideoCaptureWithAPI(path, gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		return nil, fmt.Errorf("camera: %s: %w", path, ErrNotMedia)
	}
	v := &Video{vc: vc, path: path, fps: vc.Get(gocv.VideoCaptureFPS), count: int(vc.Get(gocv.VideoCaptureFrameCount))}
	if !(v.fps > 0 && v.fps < 1000) {
		v.fps = DefaultVideoFPS
	}
	first, err := v.read()
	if err != nil {
		vc.Close()
		return nil, fmt.Errorf("camera: %s: %w (%v)", path, ErrNotMedia, err)
	}
	v.first = first
	return v, nil
}

func (v *Video) read() (*picture, error) {
	m := gocv.NewMat()
	defer m.Close()
	if !v.vc.Read(&m) || m.Empty() {
		return nil, io.EOF
	}
	p, err := pictureOf(m)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Next returns the next frame, io.EOF after the last.
func (v *Video) Next(ctx context.Context) (perception.Frame, error) {
	if err := ctx.Err(); err != nil {
		return perception.Frame{}, err
	}
	if v.closed {
		return perception.Frame{}, io.EOF
	}
	g := v.first
	v.first = nil
	if g == nil {
		var err error
		if g, err = v.read(); err != nil {
			if errors.Is(err, io.EOF) {
				return perception.Frame{}, io.EOF
			}
			return perception.Frame{}, fmt.Errorf("camera: %s frame %d: %w", v.path, v.seq, err)
		}
	}
	f := perception.Frame{At: mediaTime(v.seq, v.fps), Seq: v.seq, Gray: g.gray, Color: g.color, Wall: time.Now()}
	v.seq++
	return f, nil
}

// FPS is the container's frame rate.
func (v *Video) FPS() float64 { return v.fps }

// FrameCount is the container's frame count (an estimate for some formats).
func (v *Video) FrameCount() int { return v.count }

// Close releases the file; safe to call twice.
func (v *Video) Close() error {
	if v.closed {
		return nil
	}
	v.closed = true
	return v.vc.Close()
}

func mediaTime(seq int, fps float64) time.Duration {
	return time.Duration(float64(seq) / fps * float64(time.Second))
}

// Images reads one image or the images of a folder (sorted by name).
type Images struct {
	paths []string
	fps   float64
	seq   int
}

// OpenImages lists an image or a folder's images. A named image that does
// not decode is ErrNotMedia here; in a folder, files without an image
// extension are skipped and a bad image fails at its turn.
func OpenImages(path string, fps float64) (*Images, error) {
	if fps <= 0 {
		fps = 1
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("camera: %w", err)
	}
	var paths []string
	if st.IsDir() {
		err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != path {
				return fs.SkipDir
			}
			if !d.IsDir() && imageExt[strings.ToLower(filepath.Ext(p))] {
				paths = append(paths, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("camera: %w", err)
		}
		if len(paths) == 0 {
			return nil, fmt.Errorf("camera: %s: no images in the folder: %w", path, ErrNotMedia)
		}
		slices.Sort(paths)
	} else {
		if _, err := decodeImage(path); err != nil {
			return nil, err
		}
		paths = []string{path}
	}
	return &Images{paths: paths, fps: fps}, nil
}

// decodeImage decodes PNG and JPEG in Go (libpng would print warnings about
// colour profiles on stderr, mid-CLI output) and anything else through OpenCV.
func decodeImage(path string) (picture, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".jpg", ".jpeg":
		return decodeGo(path)
	}
	m := gocv.IMRead(path, gocv.IMReadColor)
	defer m.Close()
	if m.Empty() {
		return picture{}, fmt.Errorf("camera: %s: %w", path, ErrNotMedia)
	}
	return pictureOf(m)
}

// Next decodes the next image, io.EOF after the last. An image that does
// not decode is an error at its turn, and the next call reads on.
func (s *Images) Next(ctx context.Context) (perception.Frame, error) {
	if err := ctx.Err(); err != nil {
		return perception.Frame{}, err
	}
	if s.seq >= len(s.paths) {
		return perception.Frame{}, io.EOF
	}
	g, err := decodeImage(s.paths[s.seq])
	if err != nil {
		s.seq++ // the next call reads the image after it, at its own time
		return perception.Frame{}, err
	}
	f := perception.Frame{At: mediaTime(s.seq, s.fps), Seq: s.seq, Gray: g.gray, Color: g.color, Wall: time.Now()}
	s.seq++
	return f, nil
}

// FPS is the rate the images are played at.
func (s *Images) FPS() float64 { return s.fps }

// Len is the number of images.
func (s *Images) Len() int { return len(s.paths) }

// Close does nothing: images are read one at a time.
func (s *Images) Close() error { return nil }

func decodeGo(path string) (picture, error) {
	f, err := os.Open(path)
	if err != nil {
		return picture{}, fmt.Errorf("camera: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return picture{}, fmt.Errorf("camera: %s: %w (%v)", path, ErrNotMedia, err)
	}
	if g, ok := img.(*image.Gray); ok {
		return picture{gray: g}, nil
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	rgba := image.NewRGBA(g.Bounds())
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Src)
	bgr := &perception.BGR{Pix: make([]byte, 3*b.Dx()*b.Dy()), W: b.Dx(), H: b.Dy()}
	for i := range b.Dx() * b.Dy() {
		bgr.Pix[3*i], bgr.Pix[3*i+1], bgr.Pix[3*i+2] = rgba.Pix[4*i+2], rgba.Pix[4*i+1], rgba.Pix[4*i]
	}
	return picture{gray: g, color: bgr}, nil
}
