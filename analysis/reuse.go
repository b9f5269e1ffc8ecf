package analysis

import (
	"context"
	"fmt"

	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/voice"
)

// AnalyzeVideo analyses one video as `kindred analyze --video` does (the
// same face pipeline, neutral-face second pass, movement and fusion),
// writing nothing, for the commands that measure it (eval, bench), with
// analyze's default --mesh-every (DefaultMeshEvery). It
// returns one row per frame and the video's frame rate.
func AnalyzeVideo(ctx context.Context, path string, detectEvery int, backend devices.FaceBackend) ([]FrameRow, float64, error) {
	return AnalyzeVideoScheduled(ctx, path, devices.FaceSchedule{DetectEvery: detectEvery, MeshEvery: DefaultMeshEvery}, backend)
}

// AnalyzeVideoScheduled is AnalyzeVideo on the face schedule s (analyze's
// --detect-every and --mesh-every).
func AnalyzeVideoScheduled(ctx context.Context, path string, s devices.FaceSchedule, backend devices.FaceBackend) ([]FrameRow, float64, error) {
	hooks, err := newFrameHooks(nil)
	if err != nil {
		return nil, 0, fmt.Errorf("posture and fusion: %w", err)
	}
	var res analysis
	if err := analyzeVideo(ctx, path, s, backend, false, nil, hooks, &res, nil); err != nil {
		return nil, 0, err
	}
	return res.series, res.Video.FPS, nil
}

// HopsClass is a recording's most frequent sounding hop class, as the
// summary reads it before the whole-clip combiner (silence when no hop
// sounds); res's hops are labelled by ClipClassifier.LabelHops.
func HopsClass(res *voice.Analysis) perception.VocalClass {
	return perception.VocalClass(summarizeAudio("", 0, res).Vocalisation.Class)
}
