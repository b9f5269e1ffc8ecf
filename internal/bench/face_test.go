package bench

import (
	"context"
	"image"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// recordingDetector records the width of every image it scans and finds a
// face when found says so for that call.
type recordingDetector struct {
	widths []int
	found  func(call int) bool
}

func (d *recordingDetector) Detect(img *image.Gray) ([]face.Detection, error) {
	d.widths = append(d.widths, img.Bounds().Dx())
	if d.found != nil && d.found(len(d.widths)-1) {
		return []face.Detection{{Box: image.Rect(200, 100, 400, 300), Score: 0.9}}, nil
	}
	return nil, nil
}

// shrinking scans images shrunk to width through the recording detector.
type shrinking struct {
	d     *recordingDetector
	width int
}

func (s shrinking) Detect(img *image.Gray) ([]face.Detection, error) {
	return s.d.Detect(image.NewGray(image.Rect(0, 0, s.width, s.width*3/4)))
}

type fakeLandmarker struct{}

func (fakeLandmarker) Landmarks(_ *image.Gray, box image.Rectangle) ([68]perception.Point, error) {
	var p [68]perception.Point
	for i := range p {
		p[i] = perception.Point{X: float64(box.Min.X + i%box.Dx()), Y: float64(box.Min.Y + i)}
	}
	return p, nil
}

type fakeVideo struct{ n, next int }

func (v *fakeVideo) Next(context.Context) (perception.Frame, error) {
	if v.next == v.n {
		return perception.Frame{}, io.EOF
	}
	v.next++
	return perception.Frame{Gray: image.NewGray(image.Rect(0, 0, 320, 240))}, nil
}
func (v *fakeVideo) Close() error { return nil }

func TestFaceBackendValidate(t *testing.T) {
	det := &recordingDetector{}
	shrunk := func(w int) face.Detector { return shrinking{det, w} }
	tests := []struct {
		name string
		b    FaceBackend
		want string // "" valid
	}{
		{"complete", FaceBackend{Name: "x", Detector: det, Shrunk: shrunk, RunScanWidth: 320, MinFace: 80, Landmarker: fakeLandmarker{}}, ""},
		{"full size only", FaceBackend{Name: "x", Detector: det, MinFace: 80, Landmarker: fakeLandmarker{}}, ""},
		{"no name", FaceBackend{Detector: det, MinFace: 80, Landmarker: fakeLandmarker{}}, "needs a name"},
		{"no landmarker", FaceBackend{Name: "x", Detector: det, MinFace: 80}, "needs a name"},
		{"first scan without a shrunk detector", FaceBackend{Name: "x", Detector: det, RunScanWidth: 320, MinFace: 80, Landmarker: fakeLandmarker{}}, "needs Shrunk"},
		{"no smallest face", FaceBackend{Name: "x", Detector: det, Landmarker: fakeLandmarker{}}, "MinFace"},
	}
	for _, tt := range tests {
		err := tt.b.validate()
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

// Each like-for-like row runs our detector on exactly the schedule and scan
// size it hands the reference; the default row says it is not like for
// like.
func TestFaceRowsCompareLikeForLike(t *testing.T) {
	const frames = 12
	full := &recordingDetector{found: func(int) bool { return false }}
	small := &recordingDetector{found: func(call int) bool { return call%2 == 0 }}
	d := Deps{
		Face: FaceBackend{Name: "fake", Detector: full, Shrunk: func(w int) face.Detector { return shrinking{small, w} },
			RunScanWidth: 320, MinFace: 88, Landmarker: fakeLandmarker{}},
		OpenVideo: func(string) (VideoSource, error) { return &fakeVideo{n: frames}, nil },
	}
	noPython := func(context.Context) (string, string) { return "", "not run in this test" }
	res, rows, err := benchFace(context.Background(), d, t.TempDir(), frames, noPython)
	if err != nil {
		t.Fatal(err)
	}
	// The pipeline's own count of detection rounds: at least its schedule,
	// at most every frame.
	if every := face.DefaultOpts().DetectEvery; res.DetectionRounds < (frames+every-1)/every || res.DetectionRounds > frames {
		t.Errorf("pipeline ran its detector on %d of %d frames", res.DetectionRounds, frames)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	every := face.DefaultOpts().DetectEvery
	want := []Schedule{
		{DetectEvery: 1, MinFacePx: 88},
		{DetectEvery: 1, ScanWidth: 320, MinFacePx: 88},
		{DetectEvery: every, ScanWidth: 320, FullScanWhenNone: true, MinFacePx: 88},
	}
	for i, s := range want {
		r := rows[i]
		if !r.LikeForLike || r.Ours.Schedule != s || r.Reference.Schedule != s {
			t.Errorf("row %d %q: like %v, ours %+v, reference %+v; want both %+v", i, r.Name, r.LikeForLike, r.Ours.Schedule, r.Reference.Schedule, s)
		}
		if wantRounds := (frames + s.DetectEvery - 1) / s.DetectEvery; r.Ours.Rounds != wantRounds {
			t.Errorf("row %d: %d frames scanned, want %d", i, r.Ours.Rounds, wantRounds)
		}
	}
	for _, r := range rows {
		if r.Reference.Available || r.Reference.Missing != "not run in this test" || r.OursVsReference != 0 {
			t.Errorf("%q: a missing reference must say why and give no ratio: %+v", r.Name, r)
		}
	}
	if last := rows[3]; last.LikeForLike || !strings.Contains(last.Name, "different work") || last.Reference.Schedule != (Schedule{DetectEvery: 1}) {
		t.Errorf("default row: %+v", last)
	}
	for _, r := range rows {
		if !strings.Contains(r.Ours.Does, describeSchedule(r.Ours.Schedule)) || !strings.Contains(r.Reference.Does, describeSchedule(r.Reference.Schedule)) {
			t.Errorf("%q: a side's label does not say its schedule: %q / %q", r.Name, r.Ours.Does, r.Reference.Does)
		}
	}
}

// The run-schedule row's detector is the run's: the shrunk scan on every
// DetectEvery-th frame, the full-size scan only when that found nothing.
func TestRunScheduleScansLikeTheRun(t *testing.T) {
	const frames = 16
	full := &recordingDetector{}
	small := &recordingDetector{found: func(call int) bool { return call%2 == 0 }}
	b := FaceBackend{Name: "fake", Detector: full, Shrunk: func(w int) face.Detector { return shrinking{small, w} },
		RunScanWidth: 320, MinFace: 88, Landmarker: fakeLandmarker{}}
	fs := make([]perception.Frame, frames)
	for i := range fs {
		fs[i] = perception.Frame{Seq: i, Gray: image.NewGray(image.Rect(0, 0, FrameW, FrameH))}
	}
	every := face.DefaultOpts().DetectEvery
	det := b.runDetector()
	got := timeFrames(fs, func(f perception.Frame) (bool, error) {
		if f.Seq%every != 0 {
			return false, errSkipped
		}
		dets, err := det.Detect(f.Gray)
		return len(dets) > 0, err
	})
	rounds := frames / every
	if got.rounds != rounds || len(small.widths) != rounds {
		t.Fatalf("%d rounds, %d shrunk scans; want %d", got.rounds, len(small.widths), rounds)
	}
	// The shrunk scan finds a face on every other round: the full scan runs
	// on the others, at full size.
	if len(full.widths) != rounds/2 || got.withFace != rounds/2 {
		t.Errorf("%d full scans, %d rounds with a face; want %d each", len(full.widths), got.withFace, rounds/2)
	}
	for _, w := range full.widths {
		if w != FrameW {
			t.Errorf("full scan on a %d px wide image", w)
		}
	}
	for _, w := range small.widths {
		if w != 320 {
			t.Errorf("first scan on a %d px wide image", w)
		}
	}
}

func TestResizeGrayKeepsLevels(t *testing.T) {
	tests := []struct{ sw, sh, w, h int }{{720, 528, 640, 480}, {320, 240, 640, 480}, {1, 1, 4, 3}}
	for _, tt := range tests {
		src := newGrayRamp(tt.sw, tt.sh)
		got := ResizeGray(src, tt.w, tt.h)
		if b := got.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
			t.Fatalf("%dx%d -> %v", tt.sw, tt.sh, b)
		}
		// A horizontal ramp stays a ramp: left edge dark, right edge bright.
		if tt.sw > 1 && got.GrayAt(0, tt.h/2).Y >= got.GrayAt(tt.w-1, tt.h/2).Y {
			t.Errorf("%dx%d: ramp lost: %d..%d", tt.sw, tt.sh, got.GrayAt(0, tt.h/2).Y, got.GrayAt(tt.w-1, tt.h/2).Y)
		}
	}
}

func newGrayRamp(w, h int) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			g.Pix[y*g.Stride+x] = uint8(255 * x / max(1, w-1))
		}
	}
	return g
}

// The mesh stack is timed on the dev set's real clips only, in 640x480
// frames, as many as asked across the clips; without a dev set it says so.
func TestMeshTimedOnRealClipsOnly(t *testing.T) {
	det := &recordingDetector{found: func(int) bool { return true }}
	var opened []string
	d := Deps{
		Mesh: &FaceBackend{Name: "fake mesh", Detector: det, MinFace: 40, Landmarker: fakeLandmarker{}},
		OpenVideo: func(path string) (VideoSource, error) {
			opened = append(opened, filepath.Base(path))
			return &fakeVideo{n: 10}, nil
		},
	}
	res, err := benchMesh(context.Background(), d, 15)
	if err != nil || res.Missing == "" || res.Frames != 0 || len(opened) != 0 {
		t.Errorf("without a dev set: %+v, %v, opened %v; want it said missing", res, err, opened)
	}
	d.Devset = "devset"
	res, err = benchMesh(context.Background(), d, 15)
	if err != nil {
		t.Fatal(err)
	}
	if res.Missing != "" || res.Frames != 15 || res.Width != FrameW || res.Height != FrameH || !(res.CPUMSPerFrame >= 0) {
		t.Errorf("with the dev set: %+v", res)
	}
	if want := RealClips[:2]; !slices.Equal(opened, want) {
		t.Errorf("opened %v, want %v", opened, want)
	}
	for _, w := range det.widths {
		if w != FrameW {
			t.Fatalf("scanned a %d px wide frame, want %d", w, FrameW)
		}
	}
}
