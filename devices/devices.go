package devices

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/mesh"
	"github.com/kindred-hri/kindred/perception/face/pose"

	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"
)

// OpenVoice opens speech synthesis and the speaker. Without an audio output
// the player answers every clip with voices.ErrNoAudioOutput, saying why:
// the Speaker then speaks silently (the mouth still moves) and warns once,
// which the run records as a fault rather than a line on stderr alone.
func OpenVoice() (voices.Synthesizer, voices.Player, error) {
	synth, err := espeak.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("speech synthesis: %w (run kindred doctor)", err)
	}
	pl, err := playback.Open()
	if err != nil {
		return synth, noOutput{err}, nil
	}
	return synth, pl, nil
}

// noOutput is the player of a robot whose audio output would not open.
type noOutput struct{ err error }

func (p noOutput) Play(context.Context, voices.Audio) (voices.Playing, error) {
	if errors.Is(p.err, voices.ErrNoAudioOutput) {
		return nil, fmt.Errorf("%w (kindred doctor explains more)", p.err)
	}
	return nil, fmt.Errorf("%w: %w (kindred doctor explains more)", voices.ErrNoAudioOutput, p.err)
}

// FirstScanWidth is the width the face detector's first, cheap scan
// shrinks frames to (half of 640x480).
const FirstScanWidth = 320

// FaceBackend names the face stack: the licence-clean learned models
// (YuNet, MediaPipe's mesh and blendshapes; the default) or dlib's HOG
// detector and 68-point model (opt-in: its model's training data excludes
// commercial use).
type FaceBackend string

const (
	FaceMesh FaceBackend = "mesh"
	FaceDlib FaceBackend = "dlib"
)

// DefaultFaceBackend is the backend every command uses unless told.
const DefaultFaceBackend = FaceMesh

// String and Set make a FaceBackend a flag.Value that refuses other names.
func (b *FaceBackend) String() string { return string(*b) }
func (b *FaceBackend) Set(s string) error {
	switch FaceBackend(s) {
	case FaceMesh, FaceDlib:
		*b = FaceBackend(s)
		return nil
	}
	return fmt.Errorf("want mesh or dlib, got %q", s)
}

// FaceBackendUsage is the --face-backend flag's help.
const FaceBackendUsage = "face models: mesh (YuNet + MediaPipe face mesh and blendshapes, licence-clean) or dlib (HOG + 68-point model, non-commercial training data)"

// FaceModels names the models a backend runs, with their licences, for the
// analyze summary and kindred doctor.
func FaceModels(b FaceBackend) []models.Model {
	if b == FaceDlib {
		return []models.Model{
			{Name: "dlib HOG frontal face detector", Licence: "Boost Software License 1.0 (dlib)"},
			{Name: "dlib 68-point shape predictor (" + dlib.DefaultModel + ")", Licence: "trained on iBUG 300-W: non-commercial research use only"},
			{Name: "solvePnP head pose (OpenCV)", Licence: "Apache-2.0 (OpenCV)"},
		}
	}
	return slices.Clone(models.FaceModels)
}

// OpenFacePipeline builds the face stack every command shares (see
// OpenFacePipelineWith).
func OpenFacePipeline(detectEvery int, backend FaceBackend) (*face.Pipeline, func(), error) {
	return OpenFacePipelineWith(FaceSchedule{DetectEvery: detectEvery}, backend, nil, nil)
}

// DefaultLiveMeshRate is `kindred run`'s face_mesh_rate: a 30 fps camera
// is fitted on every frame, a 60 fps one on every other, which one core
// keeps up with (the mesh and its blendshapes are some 25 CPU ms a frame).
const DefaultLiveMeshRate = 30

// FaceSchedule says on which frames the face stack runs its costly parts:
// the detector every DetectEvery frames (face.Opts.DetectEvery), the
// landmark fits of tracked faces on every MeshEvery-th frame or at most
// MeshRate times a second (face.Opts.MeshEvery, MeshRate; 0 for every
// frame). TurnedEvery is face.Opts.TurnedEvery, the scans of turned
// copies of a frame (fewer while faces are tracked) that find a person
// lying on one side:
// 0 keeps face.DefaultTurnedEvery, a negative value turns them off.
type FaceSchedule struct {
	DetectEvery int
	MeshEvery   int
	MeshRate    float64
	TurnedEvery int
}

// OpenFacePipelineWith scores each face against the calibrated neutral
// face baseline gives for its track, when it gives one (baseline may be
// nil), instead of learning one per face; distressed (may be nil) says when
// the voice sounded distressed, so the face is not learnt as calm then.
//
// The mesh backend: YuNet scanning a 320-wide copy first and the full frame
// only when that finds nothing, MediaPipe's 478-point mesh tracked from
// frame to frame (68 iBUG points mapped from it) with its blendshapes, and
// solvePnP head pose on the mapped points. The models are embedded.
//
// The dlib backend: dlib's HOG detector (a half-size scan first, the
// full-size scan only when it finds nothing, so a small, far face is still
// found at a quarter of the cost), its 68-point landmarks, and solvePnP
// head pose. The 100 MB shape model loads (about 1 s) while the detector is
// built (about 0.4 s).
func OpenFacePipelineWith(s FaceSchedule, backend FaceBackend, baseline func(track int) *face.Baseline, distressed func(at time.Duration) bool) (*face.Pipeline, func(), error) {
	o := face.DefaultOpts()
	o.DetectEvery, o.MeshEvery, o.MeshRate = s.DetectEvery, s.MeshEvery, s.MeshRate
	switch {
	case s.TurnedEvery < 0:
		o.TurnedEvery = 0
	case s.TurnedEvery > 0:
		o.TurnedEvery = s.TurnedEvery
	}
	o.BaselineFor = baseline
	o.Distressed = distressed
	if backend == FaceDlib {
		return openDlibPipeline(o)
	}
	det, err := mesh.NewDetector(mesh.DefaultDetectorOpts())
	if err != nil {
		return nil, nil, fmt.Errorf("face: %w", err)
	}
	// The blendshapes are scored in the pipeline's Observe, not inside the
	// mesh fit: a caller that tracks and observes on two goroutines
	// (analyze) runs them beside the next frame's mesh.
	fo := mesh.DefaultFitterOpts()
	fo.Blendshapes = false
	fit, err := mesh.NewFitter(fo)
	if err != nil {
		det.Close()
		return nil, nil, fmt.Errorf("face: %w", err)
	}
	o.Blender = fit
	pipe, err := face.NewPipeline(face.Fallback{First: det.Shrunk(320), Then: det}, fit, pose.New(), o)
	if err != nil {
		det.Close()
		fit.Close()
		return nil, nil, fmt.Errorf("face pipeline: %w", err)
	}
	return pipe, func() { det.Close(); fit.Close() }, nil
}

func openDlibPipeline(o face.Opts) (*face.Pipeline, func(), error) {
	type loaded struct {
		lm  *dlib.Landmarker
		err error
	}
	model := make(chan loaded, 1)
	go func() {
		lm, err := dlib.OpenLandmarker(dlib.DefaultModel)
		model <- loaded{lm, err}
	}()
	fine := dlib.NewDetector(dlib.DefaultDetectorOpts())
	m := <-model
	if m.err != nil {
		fine.Close()
		return nil, nil, fmt.Errorf("face: %w (apt-get install libdlib-data)", m.err)
	}
	pipe, err := face.NewPipeline(face.Fallback{First: fine.Shrunk(FirstScanWidth), Then: fine}, m.lm, pose.New(), o)
	if err != nil {
		fine.Close()
		m.lm.Close()
		return nil, nil, fmt.Errorf("face pipeline: %w", err)
	}
	return pipe, func() { fine.Close(); m.lm.Close() }, nil
}
