//go:build cgo

package posture_test

import (
	"image"
	"os"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/posture"
)

const vtest = "/usr/share/doc/opencv-doc/examples/data/vtest.avi"

// TestPedestriansMoveMoreThanAStillFrame plays real video of people walking
// (opencv-doc's vtest.avi) and the same first frame repeated: movement must
// read clearly higher for the walkers. gocv only decodes the file here; the
// package itself stays pure Go.
func TestPedestriansMoveMoreThanAStillFrame(t *testing.T) {
	if _, err := os.Stat(vtest); err != nil {
		t.Skipf("%s not installed (opencv-doc): %v", vtest, err)
	}
	vc, err := gocv.VideoCaptureFile(vtest)
	if err != nil {
		t.Fatalf("open %s: %v", vtest, err)
	}
	defer vc.Close()
	m := gocv.NewMat()
	defer m.Close()
	gray := gocv.NewMat()
	defer gray.Close()
	var frames []*image.Gray
	for len(frames) < 100 && vc.Read(&m) && !m.Empty() {
		gocv.CvtColor(m, &gray, gocv.ColorBGRToGray)
		img, err := gray.ToImage()
		if err != nil {
			t.Fatal(err)
		}
		frames = append(frames, img.(*image.Gray))
	}
	if len(frames) < 100 {
		t.Fatalf("read %d frames from %s, want 100", len(frames), vtest)
	}
	play := func(pick func(i int) *image.Gray) perception.PostureObs {
		a, err := posture.New(posture.DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		var obs perception.PostureObs
		for i := range frames {
			obs = a.Update(perception.Frame{At: time.Duration(i) * time.Second / 10, Seq: i, Gray: pick(i)}, nil)
		}
		return obs
	}
	walking := play(func(i int) *image.Gray { return frames[i] })
	still := play(func(int) *image.Gray { return frames[0] })
	t.Logf("walking %+v", walking)
	t.Logf("still   %+v", still)
	// Walkers fill only a few percent of the wide frame, so the whole-frame
	// numbers are modest; a still frame must stay at zero.
	if walking.Amplitude < still.Amplitude+0.08 || walking.Speed < still.Speed+0.05 {
		t.Errorf("walkers amplitude %.2f speed %.2f vs still %.2f %.2f: want clearly more movement",
			walking.Amplitude, walking.Speed, still.Amplitude, still.Speed)
	}
	if still.Amplitude > 0.05 || still.Speed > 0.05 {
		t.Errorf("a repeated frame moved: amplitude %.2f speed %.2f", still.Amplitude, still.Speed)
	}
}
