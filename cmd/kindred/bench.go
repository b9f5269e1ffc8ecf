package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/bench"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/dlib"
	"github.com/kindred-hri/kindred/perception/face/mesh"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

func cmdBench(ctx context.Context, e env, args []string) error {
	fs := newFlags("bench", e.stdout)
	asJSON := fs.Bool("json", false, "print one JSON object (fields: see kindred bench -h)")
	devset := fs.String("devset", defaultDevset, "dev set folder whose speech/*.wav join the voice comparison when it is there")
	quick := fs.Bool("quick", false, "fewer frames and files, a 2-minute session: a check that the suite runs, not a measurement")
	only := fs.String("only", "", bench.OnlyUsage())
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, errHelpShown) {
			fmt.Fprint(e.stdout, "\n"+bench.Help)
		}
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	o, err := bench.ParseOptions(*quick, *only)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("bench: the kindred executable: %w", err)
	}
	d, closeFace, err := benchDeps([]string{self}, *devset)
	if err != nil {
		return err
	}
	defer closeFace()
	if !*asJSON {
		o.Progress = func(step string) { fmt.Fprintf(e.stderr, "bench: %s...\n", step) }
	}
	rep, err := bench.Run(ctx, d, o)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(rep)
	}
	bench.Print(e.stdout, rep)
	return nil
}

// benchDeps wires the native leaves and this command's own paths into the
// suite: dlib's face backend as the run builds it, the video decoder,
// analyze's and run's code paths, and kindred (the command to start as a
// process for the whole-CLI timings).
func benchDeps(kindred []string, devset string) (bench.Deps, func(), error) {
	lm, err := dlib.OpenLandmarker(dlib.DefaultModel)
	if err != nil {
		return bench.Deps{}, nil, fmt.Errorf("face: %w (apt-get install libdlib-data)", err)
	}
	det := dlib.NewDetector(dlib.DefaultDetectorOpts())
	// The narrowest face box the full-size scan finds (dlib's 80 px window
	// with a margin); the reference is held to the same.
	minFace := 80
	if mf, ok := det.Shrunk(0).(face.MinFacer); ok {
		minFace = mf.MinFace(image.Pt(bench.FrameW, bench.FrameH))
	}
	d := bench.Deps{
		Face: bench.FaceBackend{
			Name:         "dlib HOG + 68 landmarks",
			Detector:     det,
			Shrunk:       det.Shrunk,
			RunScanWidth: devices.FirstScanWidth,
			MinFace:      minFace,
			Landmarker:   lm,
			Pose:         pose.New(),
		},
		OpenVideo: func(path string) (bench.VideoSource, error) { return camera.OpenFile(path, 0) },
		AnalyzeVideo: func(ctx context.Context, path string) (int, float64, error) {
			rows, fps, err := analysis.AnalyzeVideo(ctx, path, face.DefaultOpts().DetectEvery, defaultFaceBackend)
			return len(rows), fps, err
		},
		Run:     runInProcess,
		Kindred: kindred,
	}
	if st, err := os.Stat(devset); err == nil && st.IsDir() {
		d.Devset = devset
	}
	// The default (mesh) stack as openFacePipelineWith builds it, timed on
	// real people.
	yn, err := mesh.NewDetector(mesh.DefaultDetectorOpts())
	if err != nil {
		det.Close()
		lm.Close()
		return bench.Deps{}, nil, fmt.Errorf("face: %w", err)
	}
	fit, err := mesh.NewFitter(mesh.DefaultFitterOpts())
	if err != nil {
		det.Close()
		lm.Close()
		yn.Close()
		return bench.Deps{}, nil, fmt.Errorf("face: %w", err)
	}
	d.Mesh = &bench.FaceBackend{Name: "YuNet + MediaPipe mesh and blendshapes", Detector: yn, Shrunk: yn.Shrunk,
		RunScanWidth: 320, MinFace: face.DefaultOpts().MinFace, Landmarker: fit, Pose: pose.New()}
	return d, func() { det.Close(); lm.Close(); yn.Close(); fit.Close() }, nil
}

// runInProcess runs `kindred run args` in this process, its output
// discarded but for the last line of a failure.
func runInProcess(ctx context.Context, args []string) error {
	var stderr strings.Builder
	if err := cmdRun(ctx, env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}, args); err != nil {
		s := strings.TrimSpace(stderr.String())
		return fmt.Errorf("%w: %s", err, s[strings.LastIndex(s, "\n")+1:])
	}
	return nil
}
