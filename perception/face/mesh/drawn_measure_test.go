package mesh

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/drawn"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// TestMeasureDrawnFaces is a measurement, not a check: for every face the
// run's mesh stack finds in the drawn set (package drawn), in Megamind.avi
// and in the dev set's real media, it logs the frames with a face and the
// spread (min/10th percentile/median/90th/max) of the face's Looks. Run
// with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureDrawnFaces -v ./perception/face/mesh
func TestMeasureDrawnFaces(t *testing.T) {
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	measure := func(name string, frames func(func(perception.Frame) bool)) {
		p := pipeline(t)
		var smooth, rough, hue, chroma []float64
		n, with := 0, 0
		frames(func(f perception.Frame) bool {
			n++
			obs := p.Process(f)
			if len(obs) > 0 {
				with++
			}
			for _, o := range obs {
				l := face.MeasureLooks(f, &o.Landmarks)
				smooth = append(smooth, l.Smooth)
				rough = append(rough, l.Rough)
				if l.HasColour {
					hue = append(hue, l.Hue)
					chroma = append(chroma, l.Chroma)
				}
			}
			return true
		})
		t.Logf("%-40s frames %4d with a face %4d | smooth %s | rough %s | hue %s | chroma %s | %+v", name, n, with, spread(smooth), spread(rough), spread(hue), spread(chroma), p.Stats())
	}
	for _, c := range drawn.Set() {
		measure("drawn "+c.Name, func(yield func(perception.Frame) bool) {
			for _, f := range c.Frames {
				if !yield(f) {
					return
				}
			}
		})
	}
	if os.Getenv("KINDRED_MEASURE_DRAWN_ONLY") != "" {
		return
	}
	for _, v := range []string{"Megamind.avi", "Megamind_bugy.avi"} {
		measure(v, videoFrames(t, testmedia.Path(t, v)))
	}
	for _, c := range []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"} {
		measure(c, videoFrames(t, devsetFaces(t, c)))
	}
	stills, _ := filepath.Glob(filepath.Join(filepath.Dir(devsetFaces(t, "labels.csv")), "*.*"))
	for _, s := range stills {
		if ext := filepath.Ext(s); !slices.Contains([]string{".jpg", ".jpeg", ".png"}, ext) {
			continue
		}
		measure(filepath.Base(s), imageFrames(t, s))
	}
	_ = fmt.Sprint
}
