package analysis

import (
	"context"
	"image"
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// interpolateCarried fills a run of carried rows from the fitted rows of
// the same face on either side, in proportion to media time, and leaves
// them marked Carried; a run with no fitted row of that face after it (the
// face lost, another face attended) keeps its held values. (With the
// function's filling switched off, the interpolated rows keep the held
// values and this test fails.)
func TestInterpolateCarriedFillsBetweenFittedFrames(t *testing.T) {
	row := func(i, track int, carried bool, browEye float64) (FrameRow, face.Features) {
		at := time.Duration(i) * 40 * time.Millisecond
		o := &perception.FaceObs{At: at, Track: track, Carried: carried, Expression: perception.ExprNeutral,
			Box: image4(100 + 10*int(browEye)), Confidence: browEye / 10}
		return FrameRow{Frame: i, At: at, Face: o}, face.Features{BrowEye: browEye}
	}
	// Track 1 fitted at frames 0 (2) and 3 (5), carried at 1 and 2 (held
	// at 2); then carried at 5 and 6 after its fit at 4 (6), with track 2
	// attended at frame 7: no fitted frame of track 1 closes that run.
	spec := []struct {
		track   int
		carried bool
		v       float64
		want    float64
	}{
		{1, false, 2, 2}, {1, true, 2, 3}, {1, true, 2, 4}, {1, false, 5, 5},
		{1, false, 6, 6}, {1, true, 6, 6}, {1, true, 6, 6}, {2, false, 1, 1},
	}
	var rows []FrameRow
	var feats []face.Features
	for i, s := range spec {
		r, f := row(i, s.track, s.carried, s.v)
		rows, feats = append(rows, r), append(feats, f)
	}
	if n := interpolateCarried(rows, feats); n != 4 {
		t.Errorf("%d carried rows counted, want 4", n)
	}
	for i, s := range spec {
		if got := feats[i].BrowEye; math.Abs(got-s.want) > 1e-9 {
			t.Errorf("frame %d: brow_eye %.3f, want %.3f", i, got, s.want)
		}
		if got := rows[i].Face.Confidence; math.Abs(got-s.want/10) > 1e-9 {
			t.Errorf("frame %d: confidence %.3f, want %.3f", i, got, s.want/10)
		}
		if rows[i].Face.Carried != s.carried || rows[i].Face.Track != s.track {
			t.Errorf("frame %d: carried %v track %d, want %v %d", i, rows[i].Face.Carried, rows[i].Face.Track, s.carried, s.track)
		}
		if rows[i].Face.At != rows[i].At {
			t.Errorf("frame %d: face at %v, row at %v", i, rows[i].Face.At, rows[i].At)
		}
	}
}

func image4(x int) image.Rectangle { return image.Rect(x, 10, x+50, 60) }

// TestMeshEveryAgainstEveryFrame measures what --mesh-every costs on a real
// clip: analyzed fitting every frame and fitting every 3rd, the AUs of the
// frames the schedule skipped, interpolated, are compared with those
// measured on them. The bound is the measured figure with a margin; held
// values (the last fitted frame's, what a live run carries) are further
// off, so the test fails with the interpolation switched off.
func TestMeshEveryAgainstEveryFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses a real clip twice")
	}
	clip := devsetClip(t, "liveportrait__d0.mp4")
	run := func(every int) []FrameRow {
		rows, _, err := AnalyzeVideoScheduled(context.Background(), clip, devices.FaceSchedule{DetectEvery: DefaultDetectEvery, MeshEvery: every}, devices.FaceMesh)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	ref, strided := run(1), run(3)
	if len(ref) != len(strided) {
		t.Fatalf("%d rows fitting every frame, %d every 3rd", len(ref), len(strided))
	}
	var n int
	var auErr, pspiErr, heldAU, heldPSPI float64
	var lastFitted *perception.FaceObs
	for i := range ref {
		r, s := ref[i].Face, strided[i].Face
		if s != nil && !s.Carried {
			lastFitted = s
		}
		if r == nil || s == nil || !s.Carried || lastFitted == nil {
			continue
		}
		n++
		auErr += meanAbsAU(r.AU, s.AU)
		pspiErr += math.Abs(r.PSPI - s.PSPI)
		heldAU += meanAbsAU(r.AU, lastFitted.AU)
		heldPSPI += math.Abs(r.PSPI - lastFitted.PSPI)
	}
	if n < len(ref)/2 {
		t.Fatalf("%d carried frames with a face of %d", n, len(ref))
	}
	nf := float64(n)
	t.Logf("%d carried frames: interpolated mean |AU error| %.3f, |PSPI error| %.3f; held %.3f and %.3f",
		n, auErr/nf, pspiErr/nf, heldAU/nf, heldPSPI/nf)
	if auErr/nf > maxInterpAUErr || pspiErr/nf > maxInterpPSPIErr {
		t.Errorf("interpolated frames off the measured ones by %.3f a AU and %.3f PSPI on average, want at most %.3f and %.3f",
			auErr/nf, pspiErr/nf, maxInterpAUErr, maxInterpPSPIErr)
	}
}

// The bounds of TestMeshEveryAgainstEveryFrame (measured: see its log).
const (
	maxInterpAUErr   = 0.05
	maxInterpPSPIErr = 0.075
)

func meanAbsAU(a, b perception.AUs) float64 {
	x := []float64{a.AU01, a.AU02, a.AU04, a.AU06, a.AU07, a.AU09, a.AU10, a.AU12, a.AU15, a.AU25, a.AU26, a.AU43}
	y := []float64{b.AU01, b.AU02, b.AU04, b.AU06, b.AU07, b.AU09, b.AU10, b.AU12, b.AU15, b.AU25, b.AU26, b.AU43}
	s := 0.0
	for i := range x {
		s += math.Abs(x[i] - y[i])
	}
	return s / float64(len(x))
}
