package mesh

import (
	"testing"

	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/drawn"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// Drawn faces are no face: flat-shaded cartoons and smoothly shaded CGI
// heads (stills and a moving, talking sequence of each), line drawings, and
// characters of a colour no skin has. With the check off the same stack
// takes every one of them for a person, so the test fails without it.
func TestDrawnFacesAreNoFace(t *testing.T) {
	run := func(acceptDrawn bool) (frames, with int, st face.Stats) {
		o := face.DefaultOpts()
		o.AcceptDrawn = acceptDrawn
		for _, c := range drawn.Set() {
			if c.Style == drawn.Emoji {
				continue // YuNet finds no face in them
			}
			d := detector(t)
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), o)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range c.Frames {
				frames++
				if len(p.Process(f)) > 0 {
					with++
					if !acceptDrawn {
						t.Errorf("%s frame %d: a face", c.Name, f.Seq)
					}
				}
			}
			s := p.Stats()
			st.DrawnFlat += s.DrawnFlat
			st.DrawnNoiseless += s.DrawnNoiseless
			st.DrawnColour += s.DrawnColour
		}
		return frames, with, st
	}
	frames, with, st := run(false)
	t.Logf("check on: a face in %d of %d drawn frames; rejected flat %d, noiseless %d, colour %d", with, frames, st.DrawnFlat, st.DrawnNoiseless, st.DrawnColour)
	if st.DrawnFlat == 0 || st.DrawnNoiseless == 0 || st.DrawnColour == 0 {
		t.Errorf("rejections by reason %+v: want every reason counted", st)
	}
	frames, with, _ = run(true)
	t.Logf("check off: a face in %d of %d drawn frames", with, frames)
	if with < frames*9/10 {
		t.Fatalf("with the check off the stack finds a face in only %d of %d drawn frames: the set no longer tests the check", with, frames)
	}
}
