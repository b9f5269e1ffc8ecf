package face

import (
	"errors"
	"image"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// flakyDetector fails the calls fail names (1-based) and finds nobody on
// the others.
type flakyDetector struct {
	fail  func(call int) bool
	calls int
}

func (d *flakyDetector) Detect(*image.Gray) ([]Detection, error) {
	d.calls++
	if d.fail(d.calls) {
		return nil, errors.New("forward failed")
	}
	return nil, nil
}

type noFaceLandmarker struct{}

func (noFaceLandmarker) Landmarks(*image.Gray, image.Rectangle) ([68]perception.Point, error) {
	return [68]perception.Point{}, errNoFace
}

// A detector that fails drops the frame's detections, as before, and is a
// fault a live run records: once for each run of failed scans, and no more
// than one a minute of video, so a detector failing on every other scan
// is not a fault a frame. Before, a detector that failed on every frame
// left the robot blind with nothing recorded.
func TestDetectorFailureIsAFaultOnceARun(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fail       func(call int) bool
		wantFaults int
	}{
		{"never", func(int) bool { return false }, 0},
		{"one scan", func(call int) bool { return call == 3 }, 1},
		{"two runs of scans", func(call int) bool { return call == 3 || call >= 1000 && call < 1005 }, 2},
		{"every scan", func(int) bool { return true }, 1},
		{"every other scan, for three minutes", func(call int) bool { return call%2 == 0 }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPipeline(&flakyDetector{fail: tc.fail}, noFaceLandmarker{}, nil, DefaultOpts())
			if err != nil {
				t.Fatal(err)
			}
			var faults []error
			p.OnLeafFault(func(err error) { faults = append(faults, err) })
			for i := range 3 * 60 * 30 { // three minutes at 30 fps
				p.Process(frameAt(i, 30))
			}
			if len(faults) != tc.wantFaults {
				t.Errorf("%d faults %v, want %d", len(faults), faults, tc.wantFaults)
			}
			for _, f := range faults {
				if !strings.Contains(f.Error(), "face: detector: forward failed") {
					t.Errorf("fault %q, want the detector's error", f)
				}
			}
		})
	}
}
