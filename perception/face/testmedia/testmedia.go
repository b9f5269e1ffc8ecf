package testmedia

import (
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // messi5.jpg
	_ "image/png"  // astronaut.png
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/cputime"
)

// OpenCVData is where opencv-doc installs its sample media.
const OpenCVData = "/usr/share/doc/opencv-doc/examples/data"

// Dirs are searched in order.
func Dirs() []string {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..", "..")
	return []string{os.Getenv("KINDRED_TESTMEDIA"), filepath.Join(root, "testdata", "debian"), OpenCVData}
}

// Path returns the path of a media file or skips the test.
func Path(t testing.TB, name string) string {
	t.Helper()
	for _, d := range Dirs() {
		if d == "" {
			continue
		}
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("test media %s absent: run scripts/testmedia.sh (astronaut.png) or apt-get install opencv-doc", name)
	return ""
}

// Gray decodes an image file into gray pixels.
func Gray(t testing.TB, path string) *image.Gray {
	t.Helper()
	g, err := DecodeGray(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// DecodeGray decodes a PNG or JPEG file into gray pixels.
func DecodeGray(path string) (*image.Gray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Bounds(), img, img.Bounds().Min, draw.Src)
	return g, nil
}

// Webcam places an image in a 640x480 frame (cropping or padding), the size
// the live benchmarks are specified at.
func Webcam(src *image.Gray, offset image.Point) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(g, g.Bounds(), src, offset, draw.Src)
	return g
}

// CPUTime is the CPU time this process has used (cputime.Process), for the
// face tests' benchmarks.
func CPUTime() time.Duration { return cputime.Process() }
