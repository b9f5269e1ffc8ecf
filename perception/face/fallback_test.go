package face

import (
	"errors"
	"image"
	"testing"
)

// countingDetector is a fake that answers from a script and counts calls.
type countingDetector struct {
	dets  []Detection
	err   error
	calls int
}

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
