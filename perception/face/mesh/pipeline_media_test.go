package mesh

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// pipeline is the run's mesh stack: YuNet at 320 wide then full size, the
// tracked mesh, solvePnP pose.
func pipeline(t testing.TB) *face.Pipeline {
	t.Helper()
	d := detector(t)
	p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(t), pose.New(), face.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every synthetic pain image of the dev set reads a higher PSPI than its
// own identity's neutral image (the source gives no intensities, so there
// is no order among the three). Both are scored against the population
// baseline, as a single image is.
func TestSyntheticPainAboveItsNeutral(t *testing.T) {
	pspi := func(name string) float64 {
		f := devsetStill(t, name)
		obs := pipeline(t).Process(f)
		if len(obs) == 0 {
			t.Errorf("%s: no face", name)
			return 0
		}
		return obs[0].PSPI
	}
	for _, id := range []string{"A", "B", "C", "D"} {
		n := pspi(fmt.Sprintf("pain3d-synthetic__id%s_neutral.png", id))
		for k := 1; k <= 3; k++ {
			p := pspi(fmt.Sprintf("pain3d-synthetic__id%s_pain%d.png", id, k))
			t.Logf("id%s pain%d PSPI %.2f, neutral %.2f", id, k, p, n)
			if !(p > n) {
				t.Errorf("id%s pain%d: PSPI %.2f not above its neutral's %.2f", id, k, p, n)
			}
		}
	}
}

// Real video: a face in at least 95% of the frames of each of the dev set's
// real (posed) clips, one face throughout.
func TestFacesInRealVideo(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes and fits 650 frames")
	}
	for _, clip := range []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"} {
		t.Run(clip, func(t *testing.T) {
			v, err := camera.OpenVideo(devsetFaces(t, clip))
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			p := pipeline(t)
			frames, with := 0, 0
			for {
				f, err := v.Next(context.Background())
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				frames++
				if len(p.Process(f)) > 0 {
					with++
				}
			}
			share := float64(with) / float64(frames)
			t.Logf("%s: a face in %d of %d frames (%.1f%%), %+v", clip, with, frames, 100*share, p.Stats())
			if share < 0.95 {
				t.Errorf("a face in %.1f%% of the frames, want at least 95%%", 100*share)
			}
		})
	}
}
