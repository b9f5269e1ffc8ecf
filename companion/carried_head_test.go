package companion

import (
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// A carried face (its frame got no mesh fit: face.Opts.MeshRate) keeps the
// person in view for the answer desk, but its head pose is an earlier
// frame's: it is not handed to the nod reader, where a held pose between
// two fitted ones would read as the head stopping and jumping. (Handing
// carried poses on fails this test.)
func TestCarriedFacesGiveNoHeadPose(t *testing.T) {
	d := &answerDesk{heads: make(chan headObs, 8)}
	for i, carried := range []bool{false, true, false, true} {
		at := time.Duration(i) * time.Second / 60
		d.see(perception.FaceObs{At: at, Track: 1, Carried: carried, Pose: perception.HeadPose{Pitch: perception.Degrees(float64(i))}})
		if !d.faceSeen(at) {
			t.Errorf("frame %d (carried %v): face not seen", i, carried)
		}
	}
	var got []time.Duration
	for len(d.heads) > 0 {
		got = append(got, (<-d.heads).at)
	}
	want := []time.Duration{0, 2 * time.Second / 60}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("head poses at %v, want only the fitted frames' %v", got, want)
	}
}
