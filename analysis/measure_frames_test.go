package analysis

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/eval"
	"github.com/kindred-hri/kindred/perception/face"
)

// measuredFaceLabels opens a face measurement: it skips unless
// KINDRED_MEASURE is set or when the dev set is absent, and returns the dev
// set's folder and its face labels.
func measuredFaceLabels(t *testing.T) (string, []eval.FaceLabel) {
	t.Helper()
	if os.Getenv("KINDRED_MEASURE") == "" {
		t.Skip("a measurement: set KINDRED_MEASURE=1")
	}
	dir := filepath.Join("..", "..", "shared", "devset")
	labels, err := eval.ReadFaceLabels(dir)
	if err != nil {
		t.Skipf("dev set absent: %v", err)
	}
	return dir, labels
}

// measuredFrames is the common ground of the face measurements (issue
// 20's TestMeasureSmilePSPI and TestMeasureAU9): it analyses path as
// analyze --video does (mesh backend), reads its frames again, and returns
// the rows, each frame's Features (zero where no face was found) and the
// baseline the frames are scored against: the recording's own neutral, or
// the population's face for a still. each, when not nil, sees every frame
// with a face as it is read.
func measuredFrames(t *testing.T, path string, each func(i int, f perception.Frame, r *FrameRow)) ([]FrameRow, []face.Features, face.Features) {
	t.Helper()
	rows, _, err := AnalyzeVideo(context.Background(), path, DefaultDetectEvery, devices.FaceMesh)
	if err != nil {
		t.Fatal(err)
	}
	src, err := camera.OpenFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var feats, calm []face.Features
	for i := 0; ; i++ {
		f, err := src.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var ft face.Features
		if i < len(rows) && rows[i].Face != nil {
			ft, _ = face.MeasureObs(f.Gray, rows[i].Face)
			calm = append(calm, ft)
			if each != nil {
				each(i, f, &rows[i])
			}
		}
		feats = append(feats, ft)
	}
	o := face.DefaultOpts()
	lm := face.Project(&face.GenericFace, perception.HeadPose{}, 2, perception.Point{X: 320, Y: 240})
	base, _ := face.Measure(nil, &lm, perception.HeadPose{})
	if b, ok := face.NeutralOf(calm, &o); ok {
		base = b.Neutral
	}
	return rows, feats, base
}
