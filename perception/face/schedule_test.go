package face

import (
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// The mesh schedule (Opts.MeshEvery, MeshRate): a recording fake counts
// the mesh passes of each frame. A frame the schedule skips has none and
// its face comes back marked Carried with its last fitted frame's values
// at its own time; a fitted frame has its pass and is not Carried; frames
// that detect are fitted whatever the schedule says. (Making fitDue always
// true fails every case but the every-frame ones; ignoring the detection
// frames fails "detection frames are fitted".)
func TestMeshScheduleIsHonoured(t *testing.T) {
	for _, tc := range []struct {
		name      string
		every     int
		rate, fps float64
		detect    int // Opts.DetectEvery (DetectEveryTracked is 0)
		fitted    func(i int) bool
	}{
		{"every frame", 0, 0, 30, 24, func(int) bool { return true }},
		{"every 3rd frame", 3, 0, 30, 24, func(i int) bool { return i%3 == 0 }},
		{"30 Hz of a 60 fps camera", 0, 30, 60, 24, func(i int) bool { return i%2 == 0 }},
		{"20 Hz of a 60 fps camera", 0, 20, 60, 24, func(i int) bool { return i%3 == 0 }},
		{"30 Hz of a 30 fps camera", 0, 30, 30, 24, func(int) bool { return true }},
		// Frame 25 detects: fitted, and the next two frames are carried.
		{"detection frames are fitted", 3, 0, 30, 25, func(i int) bool { return i%25 == 0 || i%25%3 == 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &scripted{t: t, poses: []perception.HeadPose{{}}}
			m := &meshFake{scripted: s}
			o := DefaultOpts()
			o.DetectEvery, o.DetectEveryTracked, o.DetectBehind = tc.detect, 0, false
			o.MeshEvery, o.MeshRate = tc.every, tc.rate
			p, err := NewPipeline(s, m, s, o)
			if err != nil {
				t.Fatal(err)
			}
			var last perception.FaceObs
			passes := 0
			for i := range 60 {
				// The face changes from frame to frame, so a carried frame
				// shows its last fitted frame's values, not its own.
				e := neutralFace
				if i%2 == 1 {
					e = grimace
				}
				s.show(perspectiveFace(e, perception.HeadPose{}))
				before := len(m.calls)
				f := frameAt(i, tc.fps)
				obs := p.Process(f)
				n := len(m.calls) - before
				passes += n
				if len(obs) != 1 {
					t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
				}
				got := obs[0]
				if got.At != f.At {
					t.Errorf("frame %d: observation at %v, want the frame's %v", i, got.At, f.At)
				}
				switch want := tc.fitted(i); {
				case want && (n == 0 || got.Carried):
					t.Errorf("frame %d: %d mesh passes, carried %v; want it fitted", i, n, got.Carried)
				case !want && (n != 0 || !got.Carried):
					t.Errorf("frame %d: %d mesh passes, carried %v; want it carried", i, n, got.Carried)
				case !want && (got.AU != last.AU || got.PSPI != last.PSPI || got.Expression != last.Expression):
					t.Errorf("frame %d: carried AUs %+v, want the last fitted frame's %+v", i, got.AU, last.AU)
				}
				if !got.Carried {
					last = got
				}
			}
			t.Logf("%d mesh passes for 60 frames", passes)
		})
	}
}

// Options outside the schedule's bounds are refused.
func TestMeshScheduleBounds(t *testing.T) {
	for _, tc := range []struct {
		every int
		rate  float64
		ok    bool
	}{
		{0, 0, true}, {1, 0, true}, {MaxMeshEvery, 0, true}, {MaxMeshEvery + 1, 0, false}, {-1, 0, false},
		{0, MinMeshRate, true}, {0, 30, true}, {0, 1, false}, {0, -5, false},
	} {
		o := DefaultOpts()
		o.MeshEvery, o.MeshRate = tc.every, tc.rate
		if err := o.Validate(); (err == nil) != tc.ok {
			t.Errorf("MeshEvery %d, MeshRate %g: Validate() = %v, want ok %v", tc.every, tc.rate, err, tc.ok)
		}
	}
}
