package mesh

import (
	"math/rand/v2"
	"testing"
	"time"

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

// A face let in once is looked at again at each detection round: a cartoon
// that first passes (filmed, with a camera's noise) and then plays on
// without noise, with no cut between, is dropped within a round or two.
func TestDrawnFaceTrackedIsDroppedAtTheNextRound(t *testing.T) {
	c := drawn.Character{Style: drawn.Flat, CX: 320, CY: 250, Size: 110, EyeSize: 1}
	c.Skin, c.Hair, c.Background = drawn.RGB(0.87, 0.66, 0.5), drawn.RGB(0.2, 0.12, 0.06), drawn.RGB(0.95, 0.92, 0.8)
	clean := drawn.Draw(c, drawn.Width, drawn.Height, 0, 0)
	filmed := drawn.Draw(c, drawn.Width, drawn.Height, 0, 0)
	r := rand.New(rand.NewPCG(7, 7))
	for _, p := range [][]byte{filmed.Gray.Pix, filmed.Color.Pix} {
		for i, v := range p {
			p[i] = uint8(min(255, max(0, float64(v)+3*r.NormFloat64()+0.5)))
		}
	}
	d := detector(t)
	p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), face.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	const n, within = 40, 26 // two rounds of DetectEveryTracked, and a scan behind
	late := 0
	for k := range n {
		f := clean
		if k == 0 {
			f = filmed
		}
		f.At, f.Seq = time.Duration(k)*time.Second/drawn.FPS, k
		got := len(p.Process(f)) > 0
		if k == 0 && !got {
			t.Fatal("the filmed cartoon was not taken for a face: the test no longer starts a track")
		}
		if k >= within && got {
			late++
		}
	}
	t.Logf("%+v", p.Stats())
	if late > 0 {
		t.Errorf("a face in %d of the frames after frame %d", late, within)
	}
}
