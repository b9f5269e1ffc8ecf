package mesh

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
)

// referenceBlob is the crop's network input made the way fits made it
// before cropInto: the whole frame copied into a Mat, gocv's warpAffine
// (bilinear, black border), then a Go loop into the RGB planes over 255.
func referenceBlob(t *testing.T, fr perception.Frame, c crop) []float32 {
	t.Helper()
	g := fr.Gray.Bounds()
	colour := fr.Color.Valid() && fr.Color.W == g.Dx() && fr.Color.H == g.Dy()
	var pix []byte
	mt := gocv.MatTypeCV8UC3
	if colour {
		pix = fr.Color.Pix
	} else {
		pix, mt = make([]byte, 0, g.Dx()*g.Dy()), gocv.MatTypeCV8UC1
		for y := g.Min.Y; y < g.Max.Y; y++ {
			o := fr.Gray.PixOffset(g.Min.X, y)
			pix = append(pix, fr.Gray.Pix[o:o+g.Dx()]...)
		}
	}
	src := gocv.NewMatWithSize(g.Dy(), g.Dx(), mt)
	defer src.Close()
	dst, err := src.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	copy(dst, pix)
	k := cropSide / c.side
	cs, sn := math.Cos(c.angle), math.Sin(c.angle)
	cx, cy := c.cx-float64(g.Min.X), c.cy-float64(g.Min.Y)
	am := gocv.NewMatWithSize(2, 3, gocv.MatTypeCV64F)
	defer am.Close()
	am.SetDoubleAt(0, 0, k*cs)
	am.SetDoubleAt(0, 1, k*sn)
	am.SetDoubleAt(0, 2, cropSide/2-k*(cs*cx+sn*cy))
	am.SetDoubleAt(1, 0, -k*sn)
	am.SetDoubleAt(1, 1, k*cs)
	am.SetDoubleAt(1, 2, cropSide/2-k*(-sn*cx+cs*cy))
	warped := gocv.NewMat()
	defer warped.Close()
	gocv.WarpAffineWithParams(src, &warped, am, image.Pt(cropSide, cropSide), gocv.InterpolationLinear, gocv.BorderConstant, color.RGBA{})
	crop, err := warped.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	const plane = cropSide * cropSide
	const inv = 1.0 / 255
	out := make([]float32, 3*plane)
	for i := range plane {
		if colour {
			out[i], out[plane+i], out[2*plane+i] = float32(crop[3*i+2])*inv, float32(crop[3*i+1])*inv, float32(crop[3*i])*inv
		} else {
			v := float32(crop[i]) * inv
			out[i], out[plane+i], out[2*plane+i] = v, v, v
		}
	}
	return out
}

// The crop's network input, made by cropInto from the frame in place, is
// bit for bit what the copy, warp and Go loop made: on noise (every pixel
// differs from its neighbours, so a channel swapped, a row off or a
// stride misread shows), in colour and in gray, level and turned, partly
// off the frame, and from a gray sub-image whose origin is not 0,0 and
// whose rows are longer than it.
func TestCropBlobMatchesTheCopyAndLoop(t *testing.T) {
	const w, h = 640, 480
	r := rand.New(rand.NewPCG(5, 6))
	bgr := &perception.BGR{Pix: make([]byte, 3*w*h), W: w, H: h}
	for i := range bgr.Pix {
		bgr.Pix[i] = uint8(r.IntN(256))
	}
	gray := image.NewGray(image.Rect(0, 0, w, h))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(r.IntN(256))
	}
	sub := gray.SubImage(image.Rect(100, 40, 500, 400)).(*image.Gray)
	crops := map[string]crop{
		"level":    {cx: 320, cy: 240, side: 210},
		"turned":   {cx: 300, cy: 200, side: 180, angle: 0.31},
		"off-edge": {cx: 620, cy: 30, side: 260, angle: -0.2},
		"small":    {cx: 250.5, cy: 260.25, side: 40, angle: 1.1},
	}
	frames := map[string]perception.Frame{
		"colour":    {Gray: gray, Color: bgr},
		"gray":      {Gray: gray},
		"gray-sub":  {Gray: sub},
		"size-diff": {Gray: sub, Color: bgr}, // colour of another size: gray is fitted
	}
	buf := newFitBuffers()
	defer buf.close()
	for fn, fr := range frames {
		for cn, c := range crops {
			if err := buf.cropBlob(fr, c); err != nil {
				t.Fatalf("%s %s: %v", fn, cn, err)
			}
			got, err := buf.blob.DataPtrFloat32()
			if err != nil {
				t.Fatal(err)
			}
			want := referenceBlob(t, fr, c)
			bad := 0
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					if bad == 0 {
						t.Errorf("%s %s: input value %d (plane %d) is %v, want %v", fn, cn, i, i/(cropSide*cropSide), got[i], want[i])
					}
					bad++
				}
			}
			if bad > 0 {
				t.Errorf("%s %s: %d of %d input values differ", fn, cn, bad, len(want))
			}
		}
	}
}

// Bad frames and crops are errors, never a read past the pixels.
func TestCropBlobRefusesBadInput(t *testing.T) {
	buf := newFitBuffers()
	defer buf.close()
	gray := image.NewGray(image.Rect(0, 0, 64, 48))
	if err := buf.cropBlob(perception.Frame{Gray: gray}, crop{cx: 500, cy: 500, side: 40}); err == nil {
		t.Error("a crop off the frame: no error")
	}
	short := &image.Gray{Pix: make([]byte, 64*47), Stride: 64, Rect: image.Rect(0, 0, 64, 48)}
	if err := buf.cropBlob(perception.Frame{Gray: short}, crop{cx: 32, cy: 24, side: 40}); err == nil {
		t.Error("a gray image with fewer pixels than its bounds: no error")
	}
	am := [6]float64{1, 0, 0, 0, 1, 0}
	for name, v := range map[string]frameView{
		"short pixels": {pix: make([]byte, 64*48-1), w: 64, h: 48, stride: 64, channels: 1},
		"short stride": {pix: make([]byte, 3*64*48), w: 64, h: 48, stride: 64, channels: 3},
		"two channels": {pix: make([]byte, 2*64*48), w: 64, h: 48, stride: 128, channels: 2},
		"no pixels":    {w: 0, h: 0, channels: 1},
	} {
		if err := buf.cropInto(v, &am); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
