package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/analysis"
	"github.com/kindred-hri/kindred/internal/progress"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// cmdAnalyze analyses a video (or image, or folder of images) and/or an
// audio file offline (package analysis); here are its flags and the checks
// that make bad usage exit 2.
func cmdAnalyze(ctx context.Context, e env, args []string) error {
	o := analysis.Options{FaceBackend: defaultFaceBackend, Progress: terminalProgress}
	fs := newFlags("analyze", e.stdout)
	fs.StringVar(&o.Video, "video", "", "video file, image, or folder of images to analyse")
	fs.StringVar(&o.Audio, "audio", "", "audio file (WAV) to analyse; a pipe such as /dev/stdin is read as a stream")
	fs.DurationVar(&o.AudioLimit, "audio-limit", wav.DefaultMaxDuration, "longest audio read; a longer file or stream is refused (exit 2)")
	fs.StringVar(&o.Out, "out", "", "per-frame CSV to write (with --audio also OUT.voice.csv, and only that with --audio alone)")
	fs.BoolVar(&o.Summary, "summary", false, "print the summary JSON object on stdout (printed anyway without --out)")
	fs.StringVar(&o.Report, "report", "", "plot PSPI, key AUs and the pain score over time: FILE.png or FILE.html")
	fs.IntVar(&o.DetectEvery, "detect-every", analysis.DefaultDetectEvery, "run the face detector every N frames, track landmarks in between")
	fs.IntVar(&o.MeshEvery, "mesh-every", analysis.DefaultMeshEvery, "fit the face mesh on every Nth frame, interpolate the frames between (1: every frame)")
	fs.StringVar(&o.OutDir, "out-dir", "", "batch: analyse every video of --video DIR (or a quoted glob) into DIR/NAME.csv and DIR/NAME.summary.json")
	fs.IntVar(&o.Jobs, "jobs", 1, "batch: recordings analysed at once (each loads the face models)")
	fs.Var(&o.FaceBackend, "face-backend", faceBackendUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	if o.Video == "" && o.Audio == "" {
		return badInput("give --video FILE and/or --audio FILE")
	}
	if o.Report != "" {
		if ext := strings.ToLower(filepath.Ext(o.Report)); ext != ".png" && ext != ".html" {
			return badInput("--report %s: must end in .png or .html", o.Report)
		}
	}
	if o.DetectEvery < 1 {
		return badInput("--detect-every %d: must be at least 1", o.DetectEvery)
	}
	if o.MeshEvery < 1 || o.MeshEvery > face.MaxMeshEvery {
		return badInput("--mesh-every %d: must be in [1, %d]", o.MeshEvery, face.MaxMeshEvery)
	}
	if o.AudioLimit <= 0 {
		return badInput("--audio-limit %v: must be positive", o.AudioLimit)
	}
	if o.Jobs < 1 {
		return badInput("--jobs %d: must be at least 1", o.Jobs)
	}
	if o.OutDir != "" {
		switch {
		case o.Video == "":
			return badInput("--out-dir needs --video DIR or a glob")
		case o.Audio != "" || o.Out != "" || o.Report != "" || o.Summary:
			return badInput("--out-dir analyses videos only, one CSV and summary file each: drop --audio, --out, --report and --summary")
		}
	} else if strings.ContainsAny(o.Video, "*?[") {
		if _, err := os.Stat(o.Video); err != nil { // a real name may hold these characters
			return badInput("--video %s: a glob analyses many recordings: give --out-dir DIR", o.Video)
		}
	}
	return analysis.Run(ctx, o, e.stdout, e.stderr)
}

// terminalProgress draws a package's progress as a progress line on w when
// w is a terminal, and nothing otherwise.
func terminalProgress(w io.Writer, what string, total int) analysis.Progress {
	p := progress.New(w, what, total, time.Now)
	if p == nil {
		return nil
	}
	return p
}
