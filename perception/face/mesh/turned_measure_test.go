package mesh

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// TestMeasureLyingFaces is a measurement, not a check: each face of the
// dev set's labelled frames (stills, and every 12th video frame away from
// a segment's boundary), its whole frame turned by ±30, ±45, ±60 and ±90
// degrees (lying), found by a single frame's scan without the turned scans
// (TurnedEvery 0, main's behaviour), and by a camera watching it with them
// (the default schedule), with the frame it was found on. Run with
//
//	KINDRED_MEASURE=1 go test -run TestMeasureLyingFaces -v ./perception/face/mesh
func TestMeasureLyingFaces(t *testing.T) {
	every := measureEvery(t, 12)
	angles := []float64{30, -30, 45, -45, 60, -60, 90, -90}
	type tally struct{ faces, off, on, latest int }
	tl := map[float64]*tally{}
	for _, a := range angles {
		tl[a] = &tally{}
	}
	d := detector(t)
	n := framesToFind()
	for _, df := range devFrames(t, every) {
		refs := single(t, df.frame)
		for _, deg := range angles {
			g, to := lying(deg)(t, df.frame)
			off := single(t, g)
			o := face.DefaultOpts()
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), o)
			if err != nil {
				t.Fatal(err)
			}
			found := map[int]int{} // ref index -> first frame
			for i := 0; i < n && len(found) < len(refs); i++ {
				g.At, g.Seq = time.Duration(i)*time.Second/30, i
				obs := p.Process(g)
				for k, ref := range refs {
					if _, done := found[k]; done {
						continue
					}
					if _, ok := matched(obs, to(boxCentre(ref)), 0.5*float64(ref.Box.Dx())); ok {
						found[k] = i
					}
				}
			}
			for k, ref := range refs {
				c := tl[deg]
				c.faces++
				_, offOK := matched(off, to(boxCentre(ref)), 0.5*float64(ref.Box.Dx()))
				if offOK {
					c.off++
				}
				fi, onOK := found[k]
				if onOK {
					c.on++
					c.latest = max(c.latest, fi)
				}
				if !offOK || !onOK {
					t.Logf("%-50s %6.2fs %-12s turned %4g: without %v, with %v (frame %d)", df.file, df.at.Seconds(), df.label, deg, offOK, onOK, fi)
				}
			}
		}
	}
	t.Logf("| turn | faces | found without turned scans | found with them (default) | latest frame found |")
	for _, a := range angles {
		c := tl[a]
		t.Logf("| %+g° | %d | %d | %d | %d |", a, c.faces, c.off, c.on, c.latest)
	}
}
