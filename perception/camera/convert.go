package camera

import (
	"errors"
	"fmt"
	"image"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
)

// picture is one decoded frame: gray always, colour when the source has it.
type picture struct {
	gray  *image.Gray
	color *perception.BGR
}

// pictureOf copies a decoded Mat (BGR, BGRA or gray, 8 bit) into Go
// values: its gray image and, for a colour Mat, its BGR pixels.
func pictureOf(m gocv.Mat) (picture, error) {
	g, err := grayOf(m)
	if err != nil || m.Channels() == 1 {
		return picture{gray: g}, err
	}
	c := m
	if m.Channels() == 4 {
		c = gocv.NewMat()
		defer c.Close()
		gocv.CvtColor(m, &c, gocv.ColorBGRAToBGR)
	}
	w, h := c.Cols(), c.Rows()
	data, err := c.DataPtrUint8()
	if err != nil {
		return picture{}, fmt.Errorf("frame pixels: %w", err)
	}
	bgr := &perception.BGR{Pix: make([]byte, 3*w*h), W: w, H: h}
	step := c.Step()
	for y := range h {
		copy(bgr.Pix[y*3*w:(y+1)*3*w], data[y*step:y*step+3*w])
	}
	return picture{gray: g, color: bgr}, nil
}

// grayOf copies a decoded Mat (BGR, BGRA or gray, 8 bit) into a Go gray image.
func grayOf(m gocv.Mat) (*image.Gray, error) {
	if m.Empty() {
		return nil, errors.New("empty frame")
	}
	var g gocv.Mat
	switch m.Channels() {
	case 1:
		g = m.Clone()
	case 3:
		g = gocv.NewMat()
		gocv.CvtColor(m, &g, gocv.ColorBGRToGray)
	case 4:
		g = gocv.NewMat()
		gocv.CvtColor(m, &g, gocv.ColorBGRAToGray)
	default:
		return nil, fmt.Errorf("frame with %d channels", m.Channels())
	}
	defer g.Close()
	if g.Type() != gocv.MatTypeCV8UC1 {
		return nil, fmt.Errorf("frame of type %v, want 8-bit", m.Type())
	}
	w, h := g.Cols(), g.Rows()
	data, err := g.DataPtrUint8()
	if err != nil {
		return nil, fmt.Errorf("frame pixels: %w", err)
	}
	img := image.NewGray(image.Rect(0, 0, w, h))
	step := g.Step()
	for y := range h {
		copy(img.Pix[y*w:(y+1)*w], data[y*step:y*step+w])
	}
	return img, nil
}
