package face

import (
	"errors"
	"image"
	"testing"

	"github.com/kindred-hri/kindred/perception"
)

// countingDetector is a fake that answers from a script and counts calls.
type countingDetector struct {
	dets  []Detection
	err   error
	calls int
}

// sizedDetector is a countingDetector that finds faces of minFace px and up.
type sizedDetector struct {
	countingDetector
	minFace int
}

func (s *sizedDetector) MinFace(image.Point) int { return s.minFace }

func (c *countingDetector) Detect(*image.Gray) ([]Detection, error) {
	c.calls++
	return c.dets, c.err
}

func TestFallbackAsksTheSecondOnlyWhenTheFirstFindsNothing(t *testing.T) {
	face := []Detection{{Box: image.Rect(0, 0, 90, 90), Score: 0.9}}
	small := []Detection{{Box: image.Rect(0, 0, 40, 40), Score: 0.7}}
	cases := []struct {
		name        string
		first, then *countingDetector
		want        int // faces returned
		wantThen    int // calls of the second detector
		wantErr     bool
	}{
		{"first finds", &countingDetector{dets: face}, &countingDetector{dets: small}, 1, 0, false},
		{"first finds nothing", &countingDetector{}, &countingDetector{dets: small}, 1, 1, false},
		{"nobody finds", &countingDetector{}, &countingDetector{}, 0, 1, false},
		{"first fails", &countingDetector{err: errors.New("boom")}, &countingDetector{dets: small}, 1, 1, false},
		{"both fail", &countingDetector{err: errors.New("a")}, &countingDetector{err: errors.New("b")}, 0, 1, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Fallback{First: c.first, Then: c.then}.Detect(blank)
			if (err != nil) != c.wantErr || len(got) != c.want || c.then.calls != c.wantThen || c.first.calls != 1 {
				t.Errorf("got %v, %v; first called %d, then %d", got, err, c.first.calls, c.then.calls)
			}
		})
	}
	if _, err := (Fallback{}).Detect(blank); err == nil {
		t.Error("fallback without detectors: want an error")
	}
}

func TestFallbackTrustsTheFirstWhileLargeFacesAreTracked(t *testing.T) {
	big, small := image.Rect(0, 0, 200, 200), image.Rect(0, 0, 100, 100)
	cases := []struct {
		name     string
		tracked  []image.Rectangle
		wantThen int
	}{
		{"nothing tracked", nil, 1},
		{"a large face tracked", []image.Rectangle{big}, 0},
		{"a small face tracked too", []image.Rectangle{big, small}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, then := &sizedDetector{minFace: 160}, &countingDetector{}
			f := Fallback{First: first, Then: then}
			if _, err := f.DetectTracked(blank, c.tracked); err != nil {
				t.Fatal(err)
			}
			if first.calls != 1 || then.calls != c.wantThen {
				t.Errorf("first called %d, then %d; want 1 and %d", first.calls, then.calls, c.wantThen)
			}
		})
	}
}

func TestPipelineTellsTheDetectorWhatItTracks(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	coarse := &sizedDetector{minFace: 100}
	// Fine is the scripted scene; coarse sees nothing. Once the face is
	// tracked (it is about 180 px wide), only coarse is asked.
	p, err := NewPipeline(Fallback{First: coarse, Then: s}, s, s, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	s.show(perspectiveFace(neutralFace, perception.HeadPose{}))
	for i := range 9 {
		if obs := p.Process(frameAt(i, 30)); len(obs) != 1 {
			t.Fatalf("frame %d: %d faces", i, len(obs))
		}
	}
	if coarse.calls != 3 || s.calls.detect != 1 {
		t.Errorf("coarse asked %d times, fine %d; want 3 and 1 (frames 0, 4, 8)", coarse.calls, s.calls.detect)
	}
}
