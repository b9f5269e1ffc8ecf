package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Real media the suite runs on (Debian's opencv-doc, pocketsphinx-testdata
// and alsa-utils), plus the dev set's speech when it is there.
const (
	VideoDir   = "/usr/share/doc/opencv-doc/examples/data"
	WAVDir     = "/usr/share/pocketsphinx/test/data/librivox"
	AlsaWAV    = "/usr/share/sounds/alsa/Front_Center.wav"
	HaarModel  = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
	FrameW     = 640
	FrameH     = 480
	devsetWAVs = "speech"
)

// Report is the --json object; its field names are a contract (see Help).
type Report struct {
	Quick     bool   `json:"quick"`
	GoVersion string `json:"go_version"`
	CPUs      int    `json:"cpus"`
	// Face is the run's own face pipeline with its defaults.
	Face *Face `json:"face"`
	// FaceComparisons put Kindred's face backend and python3-opencv's Haar
	// cascade side by side, each row saying what both sides do.
	FaceComparisons []FaceComparison `json:"face_comparisons"`
	// MeshFace is the run's default (mesh) face pipeline on the dev set's
	// real clips; nil when no mesh backend was given.
	MeshFace *MeshFace `json:"mesh_face"`
	Analyze  *Analyze  `json:"analyze"`
	// AnalyzeReal is analyze's path on each of the dev set's real clips
	// (empty without the dev set).
	AnalyzeReal []Analyze `json:"analyze_real"`
	Voice       *Voice    `json:"voice"`
	// VoiceCLI is `kindred analyze --audio` against Praat's voice report,
	// whole processes, file by file.
	VoiceCLI *VoiceCLI `json:"voice_cli"`
	Fusion   *Fusion   `json:"fusion"`
	Behavior *Latency  `json:"behavior"`
	Mimicry  *Mimicry  `json:"mimicry"`
	Limiter  *Limiter  `json:"limiter"`
	Session  *Session  `json:"session"`
}

// Sizes are how much of each input a suite uses.
type Sizes struct {
	FaceFrames int
	RealClips  int // how many of RealClips analyze's path is timed on
	VoiceFiles int // 0: every file found
	VoiceRuns  int // each process timed this many times, the median kept
	Assess     int
	Events     int
	Updates    int
	Ticks      int
	Session    time.Duration
	Speed      float64
}

// SizesFor is the full suite, or with quick a check that it runs.
func SizesFor(quick bool) Sizes {
	if quick {
		return Sizes{FaceFrames: 48, RealClips: 1, VoiceFiles: 2, VoiceRuns: 1, Assess: 600, Events: 300, Updates: 3000,
			Ticks: 5000, Session: 2 * time.Minute, Speed: 100}
	}
	return Sizes{FaceFrames: 300, RealClips: len(RealClips), VoiceRuns: 5, Assess: 6000, Events: 3000, Updates: 30000,
		Ticks: 50000, Session: 10 * time.Minute, Speed: 60}
}

// VideoSource is an opened video file.
type VideoSource interface {
	Next(ctx context.Context) (perception.Frame, error)
	Close() error
}

// Deps are the parts only the command can wire: native leaves and the
// command's own paths.
type Deps struct {
	// Face is the face backend compared with the Haar reference.
	Face FaceBackend
	// Mesh, when set, is the run's default face stack (YuNet, the tracked
	// mesh and blendshapes), timed on real people from the dev set.
	Mesh *FaceBackend
	// OpenVideo opens a video file as gray frames.
	OpenVideo func(path string) (VideoSource, error)
	// AnalyzeVideo runs `kindred analyze --video path`'s code path in this
	// process and says how many frames it read at what frame rate.
	AnalyzeVideo func(ctx context.Context, path string) (frames int, fps float64, err error)
	// Run runs `kindred run args` in this process.
	Run func(ctx context.Context, args []string) error
	// Kindred starts the kindred command with args as a new process (the
	// executable itself, so process start-up is counted).
	Kindred []string
	// Devset is the dev set folder; its speech/ clips join the voice files
	// when it is there.
	Devset string
}

// Options choose the suite.
type Options struct {
	Quick bool
	// Only are the parts to run (see Parts; ParseParts reads them); the
	// others stay nil in the Report, null in --json. Nil runs them all.
	Only map[string]bool
	// Progress, when set, is told each step's name as it starts.
	Progress func(step string)
}

// Run runs the whole suite.
func Run(ctx context.Context, d Deps, o Options) (*Report, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	sz := SizesFor(o.Quick)
	rep := &Report{Quick: o.Quick, GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
	tmp, err := os.MkdirTemp("", "kindred-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	steps := []struct {
		part, name string
		run        func() error
	}{
		{PartFace, "face: " + d.Face.Name + " and python3-opencv Haar", func() (err error) {
			rep.Face, rep.FaceComparisons, err = benchFace(ctx, d, tmp, sz.FaceFrames, pythonWithOpenCV)
			return err
		}},
		{PartMeshFace, "face: the mesh pipeline on the dev set's real clips", func() (err error) {
			if d.Mesh == nil {
				return nil
			}
			rep.MeshFace, err = benchMesh(ctx, d, sz.FaceFrames)
			return err
		}},
		{PartAnalyze, "kindred analyze --video", func() (err error) { rep.Analyze, err = benchAnalyzeVideo(ctx, d); return err }},
		{PartAnalyzeReal, "kindred analyze --video on the dev set's real clips", func() (err error) {
			rep.AnalyzeReal, err = benchAnalyzeReal(ctx, d, sz.RealClips)
			return err
		}},
		{PartVoice, "voice analyser", func() (err error) { rep.Voice, err = benchVoice(ctx); return err }},
		{PartVoiceCLI, "kindred analyze --audio and praat voice report", func() (err error) {
			rep.VoiceCLI, err = benchVoiceCLI(ctx, d, tmp, sz.VoiceFiles, sz.VoiceRuns)
			return err
		}},
		{PartFusion, "fusion", func() (err error) { rep.Fusion, err = benchFusion(sz.Assess); return err }},
		{PartBehavior, "behaviour", func() (err error) { rep.Behavior, err = benchBehavior(ctx, sz.Events); return err }},
		{PartMimicry, "mimicry", func() (err error) { rep.Mimicry, err = benchMimicry(sz.Updates); return err }},
		{PartLimiter, "limiter", func() (err error) { rep.Limiter, err = benchLimiter(ctx, sz.Ticks); return err }},
		{PartSession, "simulated session", func() (err error) {
			rep.Session, err = benchSession(ctx, d, tmp, "visit", sz.Session, sz.Speed)
			return err
		}},
	}
	for _, s := range steps {
		if o.Only != nil && !o.Only[s.part] {
			continue
		}
		if o.Progress != nil {
			o.Progress(s.name)
		}
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func (d Deps) validate() error {
	var errs []error
	if err := d.Face.validate(); err != nil {
		errs = append(errs, err)
	}
	if d.Mesh != nil {
		if err := d.Mesh.validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if d.OpenVideo == nil || d.AnalyzeVideo == nil || d.Run == nil {
		errs = append(errs, errors.New("bench: OpenVideo, AnalyzeVideo and Run are needed"))
	}
	if len(d.Kindred) == 0 {
		errs = append(errs, errors.New("bench: no kindred command to time"))
	}
	return errors.Join(errs...)
}
