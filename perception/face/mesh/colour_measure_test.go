package mesh

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// TestMeasureGrayAgainstColour is a measurement, not a check: the Detector
// feeds YuNet the gray frame in all three channels, and this counts, on
// the real and animated media at hand, the frames where YuNet finds a face
// (score 0.6) in that gray blob and in the frame's colour, first 320 wide
// and then, as the pipeline's Fallback does, at full size when that finds
// none. Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureGrayAgainstColour -v ./perception/face/mesh
func TestMeasureGrayAgainstColour(t *testing.T) {
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	d := detector(t)
	run := func(name string, frames func(func(perception.Frame) bool), every int) {
		var n, gray320, colour320, gray, colour, grayBoxes, colourBoxes int
		i := 0
		frames(func(f perception.Frame) bool {
			i++
			if (i-1)%every != 0 || !f.Color.Valid() {
				return true
			}
			n++
			for _, c := range []struct {
				colour      bool
				first, both *int
				boxes       *int
			}{{false, &gray320, &gray, &grayBoxes}, {true, &colour320, &colour, &colourBoxes}} {
				found := scanChannels(t, d, f, c.colour, 320)
				if len(found) > 0 {
					*c.first++
				} else {
					found = scanChannels(t, d, f, c.colour, 0)
				}
				if len(found) > 0 {
					*c.both++
				}
				*c.boxes += len(found)
			}
			return true
		})
		t.Logf("%-26s frames %4d | 320 wide: gray %4d colour %4d | then full size: gray %4d colour %4d | boxes: gray %4d colour %4d",
			name, n, gray320, colour320, gray, colour, grayBoxes, colourBoxes)
	}
	dev := func(pattern string) []string {
		m, _ := filepath.Glob(devsetFaces(t, "") + "/" + pattern)
		return m
	}
	run("dev set real photos", imageFrames(t, append(dev("pexels*"), dev("whitehouse*")...)...), 1)
	run("dev set synthetic", imageFrames(t, dev("pain3d*")...), 1)
	for _, v := range []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"} {
		run(v+" (every 2nd)", videoFrames(t, devsetFaces(t, v)), 2)
	}
	run("astronaut, messi5", imageFrames(t, testmedia.Path(t, "astronaut.png"), testmedia.Path(t, "messi5.jpg")), 1)
	run("Megamind.avi (every 2nd)", videoFrames(t, testmedia.Path(t, "Megamind.avi")), 2)
	run("vtest.avi (every 8th)", videoFrames(t, testmedia.Path(t, "vtest.avi")), 8)
	var none []string
	for _, n := range []string{"baboon.jpg", "fruits.jpg", "building.jpg", "HappyFish.jpg", "chicky_512.png", "home.jpg",
		"apple.jpg", "orange.jpg", "board.jpg", "starry_night.jpg", "squirrel_cls.jpg", "smarties.png", "stuff.jpg",
		"aero1.jpg", "graf1.png", "pic1.png", "rubberwhale1.png", "butterfly.jpg", "blox.jpg", "Blender_Suzanne1.jpg",
		"Blender_Suzanne2.jpg", "left01.jpg", "notes.png"} {
		none = append(none, testmedia.Path(t, n))
	}
	run("opencv-doc, no face", imageFrames(t, none...), 1)
}

// scanChannels is the Detector's scan of f (shrunk to maxWidth when wider,
// 0: full size) with the blob's three channels the frame's colour, or
// (colour false) its gray three times as Detect feeds them.
func scanChannels(t *testing.T, d *Detector, f perception.Frame, colour bool, maxWidth int) []candidate {
	t.Helper()
	w, h := f.Color.W, f.Color.H
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, f.Color.Pix)
	if err != nil {
		t.Fatal(err)
	}
	m = m.Clone() // owns its pixels, so that CvtColor and Resize may remake it
	defer m.Close()
	if !colour {
		g := gocv.NewMatWithSize(h, w, gocv.MatTypeCV8UC1)
		if err := intoMat(&g, f.Gray); err != nil {
			t.Fatal(err)
		}
		gocv.CvtColor(g, &m, gocv.ColorGrayToBGR)
		g.Close()
	}
	if maxWidth > 0 && w > maxWidth {
		w, h = maxWidth, h*maxWidth/w
		gocv.Resize(m, &m, image.Pt(w, h), 0, 0, gocv.InterpolationArea)
	}
	pix, err := m.DataPtrUint8()
	if err != nil {
		t.Fatal(err)
	}
	pw, ph := (w+31)/32*32, (h+31)/32*32
	blob := gocv.NewMatWithSizes([]int{1, 3, ph, pw}, gocv.MatTypeCV32F)
	defer blob.Close()
	dst, err := blob.DataPtrFloat32()
	if err != nil {
		t.Fatal(err)
	}
	clear(dst) // the padding is zeros, as in Detect
	plane, step := pw*ph, m.Step()
	for y := range h {
		for x := range w {
			for c := range 3 {
				dst[c*plane+y*pw+x] = float32(pix[y*step+3*x+c])
			}
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.net.SetInput(blob, "")
	outs := d.net.ForwardLayers(yunetOutputs)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	var raw [12][]float32
	for i := range outs {
		if raw[i], err = outs[i].DataPtrFloat32(); err != nil {
			t.Fatal(err)
		}
	}
	return nms(decodeYuNet(raw, pw, ph, d.opts.Threshold), d.opts.NMS, d.opts.MaxFaces)
}
