package bench

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"path/filepath"

	"github.com/kindred-hri/kindred/internal/cputime"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// RealClips are the dev set's videos of real people (faces/, posed
// expression sequences with one face throughout) that the mesh pipeline
// and analyze are timed on: the default face stack is built for people,
// and finds no face in an animation such as Megamind.avi.
var RealClips = []string{"liveportrait__d0.mp4", "liveportrait__d3.mp4", "liveportrait__d18.mp4"}

// MeshFace is the run's default (mesh) face pipeline on real people.
type MeshFace struct {
	Face
	// Missing says why it was not measured (no dev set), when it was not.
	Missing string `json:"missing,omitempty"`
	// CPUMSPerFrame is the process's CPU time per frame (all threads),
	// which the wall-clock fps on a shared machine does not show.
	CPUMSPerFrame float64 `json:"cpu_ms_per_frame,omitempty"`
}

// benchMesh times the mesh pipeline as the run builds it on up to n
// frames of the dev set's real clips, each placed in a 640x480 colour
// frame (cropped or padded), a new track at each clip's start.
func benchMesh(ctx context.Context, d Deps, n int) (*MeshFace, error) {
	b := d.Mesh
	res := &MeshFace{Face: Face{Backend: b.Name, Width: FrameW, Height: FrameH}}
	if d.Devset == "" {
		res.Missing = "no dev set (--devset): the mesh pipeline is timed on real people only"
		return res, nil
	}
	var frames []perception.Frame
	var sources []string
	for _, c := range RealClips {
		if len(frames) >= n {
			break
		}
		path := filepath.Join(d.Devset, "faces", c)
		got, err := readWebcamFrames(ctx, d.OpenVideo, path, n-len(frames))
		if err != nil {
			return nil, err
		}
		frames = append(frames, got...)
		sources = append(sources, c)
	}
	o := face.DefaultOpts()
	pipe, err := face.NewPipeline(b.runDetector(), b.Landmarker, b.Pose, o)
	if err != nil {
		return nil, err
	}
	cpu0 := cputime.Process()
	t := timeFrames(frames, func(f perception.Frame) (bool, error) { return len(pipe.Process(f)) > 0, nil })
	cpu := cputime.Process() - cpu0
	if t.err != nil {
		return nil, t.err
	}
	res.Source = fmt.Sprint(sources)
	res.Frames = len(frames)
	res.Schedule = Schedule{DetectEvery: o.DetectEvery, ScanWidth: b.RunScanWidth, FullScanWhenNone: b.RunScanWidth > 0, MinFacePx: b.MinFace}
	res.FPS, res.P50MS, res.P95MS, res.FramesWithFace = t.fps, t.p50, t.p95, t.withFace
	res.DetectionRounds = pipe.Stats().Detections
	res.CPUMSPerFrame = round3(cpu.Seconds() * 1000 / float64(len(frames)))
	return res, nil
}

// readWebcamFrames reads up to n frames of path, each placed top-left in a
// 640x480 frame, gray and colour; a new clip starts a new scene for the
// pipeline (its Seq numbering restarts).
func readWebcamFrames(ctx context.Context, open func(string) (VideoSource, error), path string, n int) ([]perception.Frame, error) {
	src, err := open(path)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var out []perception.Frame
	for len(out) < n {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, Webcam(f))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no frames", path)
	}
	return out, nil
}

// Webcam places a frame top-left in a 640x480 frame (cropping or padding
// with black), gray and, when it has colour, colour.
func Webcam(f perception.Frame) perception.Frame {
	g := f.Gray
	out := perception.Frame{At: f.At, Seq: f.Seq, Gray: padGray(g)}
	if f.Color.Valid() {
		c := &perception.BGR{Pix: make([]byte, 3*FrameW*FrameH), W: FrameW, H: FrameH}
		w := min(FrameW, f.Color.W)
		for y := range min(FrameH, f.Color.H) {
			copy(c.Pix[3*y*FrameW:3*y*FrameW+3*w], f.Color.Pix[3*y*f.Color.W:3*y*f.Color.W+3*w])
		}
		out.Color = c
	}
	return out
}

func padGray(src *image.Gray) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, FrameW, FrameH))
	sb := src.Bounds()
	w := min(FrameW, sb.Dx())
	for y := range min(FrameH, sb.Dy()) {
		o := src.PixOffset(sb.Min.X, sb.Min.Y+y)
		copy(g.Pix[y*FrameW:y*FrameW+w], src.Pix[o:o+w])
	}
	return g
}

// benchAnalyzeReal times the code path of `kindred analyze --video` on the
// first n of the dev set's real clips (model loading included, as for a
// user).
func benchAnalyzeReal(ctx context.Context, d Deps, n int) ([]Analyze, error) {
	if d.Devset == "" {
		return nil, nil
	}
	var out []Analyze
	for _, c := range RealClips[:min(n, len(RealClips))] {
		path := filepath.Join(d.Devset, "faces", c)
		a, err := timeAnalyze(ctx, d, path)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}
