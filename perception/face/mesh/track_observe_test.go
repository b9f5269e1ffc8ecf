package mesh

import (
	"image"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// TestTrackAheadOfObserve: tracking every frame of a real clip first and
// observing them afterwards (Track as far ahead of Observe as it can get,
// with the blendshapes left to Observe by Opts.Blender) gives the faces
// Process gives frame by frame with the blendshapes fitted inline. Observe
// must read what Track saw on that frame, not the track as it is now.
func TestTrackAheadOfObserve(t *testing.T) {
	if testing.Short() {
		t.Skip("fits a real clip twice")
	}
	frames := webcamFrames(t, "liveportrait__d0.mp4", 78)
	d := detector(t)
	newPipe := func(blender bool) *face.Pipeline {
		fo := DefaultFitterOpts()
		o := face.DefaultOpts()
		o.DetectBehind = false // scans in step: the same frames get them in both runs
		if blender {
			fo.Blendshapes = false
		}
		fit, err := NewFitter(fo)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fit.Close() })
		if blender {
			o.Blender = fit
		}
		p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fit, pose.New(), o)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	inStep := newPipe(false)
	var want [][]perception.FaceObs
	for _, f := range frames {
		want = append(want, inStep.Process(f))
	}
	ahead := newPipe(true)
	var tracked []face.Tracked
	for _, f := range frames {
		tracked = append(tracked, ahead.Track(f))
	}
	faces := 0
	for i, tr := range tracked {
		got := ahead.Observe(tr)
		if !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("frame %d: observed after tracking all frames\n%+v\nwant (Process in step)\n%+v", i, got, want[i])
		}
		for _, o := range got {
			if !o.HasBlendshapes {
				t.Fatalf("frame %d: face %d has no blendshapes", i, o.Track)
			}
		}
		faces += len(got)
	}
	if faces < len(frames)*95/100 {
		t.Errorf("%d faces in %d frames", faces, len(frames))
	}
}

// counting is a detector that counts its scans.
type counting struct {
	face.Detector
	n *atomic.Int64
}

func (c counting) Detect(img *image.Gray) ([]face.Detection, error) {
	c.n.Add(1)
	return c.Detector.Detect(img)
}

// TestAheadScansOnlyWhatIsUsed: analyze's schedule (detection every 6th
// frame, every 12th while the mesh tracks) with the scans run ahead, one
// frame ahead of tracking, gives the faces that detecting in step gives,
// and scans no more often than in step: while the mesh tracks, Ahead leaves
// out the frames the schedule skips.
func TestAheadScansOnlyWhatIsUsed(t *testing.T) {
	if testing.Short() {
		t.Skip("fits a real clip twice")
	}
	frames := webcamFrames(t, "liveportrait__d3.mp4", 150)
	d := detector(t)
	run := func(ahead bool) ([][]perception.FaceObs, int64) {
		var n atomic.Int64
		o := face.DefaultOpts()
		o.DetectEvery, o.DetectBehind = 6, false
		p, err := face.NewPipeline(face.Fallback{First: counting{d.Shrunk(320), &n}, Then: counting{d, &n}}, fitter(t), pose.New(), o)
		if err != nil {
			t.Fatal(err)
		}
		var a *face.Ahead
		if ahead {
			a = p.Ahead()
			a.Offer(frames[0])
		}
		var out [][]perception.FaceObs
		for i, f := range frames {
			if ahead && i+1 < len(frames) {
				a.Offer(frames[i+1])
			}
			out = append(out, p.Process(f))
		}
		return out, n.Load()
	}
	want, inStep := run(false)
	got, ahead := run(true)
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("frame %d: faces with scans ahead differ from detecting in step", i)
		}
	}
	t.Logf("%d frames: %d scans in step, %d ahead", len(frames), inStep, ahead)
	if ahead > inStep {
		t.Errorf("%d scans ahead, %d in step: Ahead scanned frames the schedule did not use", ahead, inStep)
	}
}
