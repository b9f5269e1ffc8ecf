package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
)

// FaceBackend is one face stack under test: a detector and landmarker pair
// (dlib's HOG and 68-point model today; any face.Detector and
// face.Landmarker plug in the same way).
type FaceBackend struct {
	// Name says what the backend is, for the labels.
	Name string
	// Detector scans a frame at the frame's own size.
	Detector face.Detector
	// Shrunk is the same detector scanning frames shrunk to at most
	// maxWidth, shrinking included; nil when the backend has none (the rows
	// that need it are then left out).
	Shrunk func(maxWidth int) face.Detector
	// RunScanWidth is the width the run's first scan shrinks frames to
	// before it falls back to the full-size scan when that finds no face
	// (0: the run scans at full size only).
	RunScanWidth int
	// MinFace is the narrowest face box Detector finds, in pixels of the
	// image it scans; the reference is held to the same smallest face.
	MinFace int
	// Landmarker and Pose complete the run's face pipeline.
	Landmarker face.Landmarker
	Pose       face.PoseEstimator
}

func (b FaceBackend) validate() error {
	switch {
	case b.Name == "" || b.Detector == nil || b.Landmarker == nil:
		return errors.New("bench: the face backend needs a name, a detector and a landmarker")
	case b.RunScanWidth > 0 && b.Shrunk == nil:
		return fmt.Errorf("bench: %s: a %d px first scan needs Shrunk", b.Name, b.RunScanWidth)
	case b.MinFace < 1:
		return fmt.Errorf("bench: %s: MinFace %d must be at least 1", b.Name, b.MinFace)
	}
	return nil
}

// runDetector is the detector the run's pipeline asks: a shrunk scan first
// and the full-size one when it finds nothing, or the full-size scan alone.
func (b FaceBackend) runDetector() face.Detector {
	if b.RunScanWidth > 0 {
		return face.Fallback{First: b.Shrunk(b.RunScanWidth), Then: b.Detector}
	}
	return b.Detector
}

// Schedule is when and at what size one side of a face comparison scans.
type Schedule struct {
	DetectEvery int `json:"detect_every"`
	// ScanWidth is the width frames are shrunk to before scanning (0: the
	// frame's own size); shrinking is timed.
	ScanWidth int `json:"scan_width"`
	// FullScanWhenNone rescans at full size when the shrunk scan finds no face.
	FullScanWhenNone bool `json:"full_scan_when_none"`
	// MinFacePx is the smallest face looked for, in pixels of the scanned
	// image (0: the tool's own default).
	MinFacePx int `json:"min_face_px"`
}

// FaceSide is one side of a face comparison; the schedule's fields sit in
// its JSON object.
type FaceSide struct {
	Tool string `json:"tool"`
	// Does says what is timed per frame.
	Does      string `json:"does"`
	Available bool   `json:"available"`
	Missing   string `json:"missing,omitempty"`
	Schedule
	FPS   float64 `json:"fps,omitempty"`
	P50MS float64 `json:"p50_ms,omitempty"`
	P95MS float64 `json:"p95_ms,omitempty"`
	// Rounds is how many frames were scanned (the pipeline: frames
	// processed); WithFace how many of them gave a face.
	Rounds   int `json:"rounds,omitempty"`
	WithFace int `json:"with_face,omitempty"`
}

// FaceComparison is Kindred and the reference on the same frames.
type FaceComparison struct {
	// Name says what the row compares.
	Name string `json:"name"`
	// LikeForLike is true when both sides scan the same frames at the same
	// size for the same smallest face; false for "each side's default".
	LikeForLike bool     `json:"like_for_like"`
	Frames      int      `json:"frames"`
	Width       int      `json:"width"`
	Height      int      `json:"height"`
	Ours        FaceSide `json:"ours"`
	Reference   FaceSide `json:"reference"`
	// OursVsReference is our frames per second over its (> 1: Kindred is
	// faster); 0 when the reference is missing.
	OursVsReference float64 `json:"ours_vs_reference,omitempty"`
}

// Face is the run's face pipeline on its own.
type Face struct {
	Backend        string   `json:"backend"`
	Source         string   `json:"source"`
	Frames         int      `json:"frames"`
	Width          int      `json:"width"`
	Height         int      `json:"height"`
	Schedule       Schedule `json:"schedule"`
	FPS            float64  `json:"fps"`
	P50MS          float64  `json:"p50_ms"`
	P95MS          float64  `json:"p95_ms"`
	FramesWithFace int      `json:"frames_with_face"`
	// DetectionRounds is how many frames the pipeline ran its detector on
	// (its schedule, plus the frames after a track was lost or a cut).
	DetectionRounds int `json:"detection_rounds"`
}

// haarMinNeighbors is OpenCV's default for detectMultiScale; every row's
// reference uses it, so only the schedule and size change between rows.
const haarMinNeighbors = 3

// benchFace times the run's face pipeline on frames of a Debian video
// resized to 640x480, then each comparison row on the very same frames;
// findPython finds the python3 with OpenCV that runs the reference (or says
// why there is none).
func benchFace(ctx context.Context, d Deps, tmp string, n int, findPython func(context.Context) (string, string)) (*Face, []FaceComparison, error) {
	path, frames, err := readFrames(ctx, d.OpenVideo, n)
	if err != nil {
		return nil, nil, err
	}
	raw := filepath.Join(tmp, "frames.gray")
	if err := writeRaw(raw, frames); err != nil {
		return nil, nil, err
	}
	b := d.Face
	runSched := Schedule{DetectEvery: face.DefaultOpts().DetectEvery, ScanWidth: b.RunScanWidth,
		FullScanWhenNone: b.RunScanWidth > 0, MinFacePx: b.MinFace}
	o := face.DefaultOpts()
	pipe, err := face.NewPipeline(b.runDetector(), b.Landmarker, b.Pose, o)
	if err != nil {
		return nil, nil, err
	}
	ours := timeFrames(frames, func(f perception.Frame) (bool, error) { return len(pipe.Process(f)) > 0, nil })
	if ours.err != nil {
		return nil, nil, ours.err
	}
	res := &Face{Backend: b.Name, Source: path, Frames: len(frames), Width: FrameW, Height: FrameH, Schedule: runSched,
		FPS: ours.fps, P50MS: ours.p50, P95MS: ours.p95, FramesWithFace: ours.withFace, DetectionRounds: pipe.Stats().Detections}

	py, why := findPython(ctx)
	if why == "" {
		if _, err := os.Stat(HaarModel); err != nil {
			why = HaarModel + " not installed (apt-get install opencv-data)"
		}
	}
	haar := func(s Schedule) FaceSide {
		side := FaceSide{Tool: "python3-opencv Haar cascade (haarcascade_frontalface_default)", Schedule: s,
			Does: describeHaar(s)}
		if why != "" {
			side.Missing = why
			return side
		}
		got, err := runHaar(ctx, py, raw, len(frames), s)
		if err != nil {
			side.Missing = err.Error()
			return side
		}
		side.Available = true
		side.FPS, side.P50MS, side.P95MS, side.Rounds, side.WithFace = got.fps, got.p50, got.p95, got.rounds, got.withFace
		return side
	}
	detectOnly := func(det face.Detector, s Schedule) (FaceSide, error) {
		side := FaceSide{Tool: b.Name, Schedule: s, Available: true, Does: describeDetection(s)}
		t := timeFrames(frames, func(f perception.Frame) (bool, error) {
			if f.Seq%s.DetectEvery != 0 {
				return false, errSkipped
			}
			dets, err := det.Detect(f.Gray)
			return len(dets) > 0, err
		})
		side.FPS, side.P50MS, side.P95MS, side.Rounds, side.WithFace = t.fps, t.p50, t.p95, t.rounds, t.withFace
		return side, t.err
	}
	row := func(name string, like bool, ours, ref FaceSide) FaceComparison {
		c := FaceComparison{Name: name, LikeForLike: like, Frames: len(frames), Width: FrameW, Height: FrameH, Ours: ours, Reference: ref}
		if ref.Available && ref.FPS > 0 {
			c.OursVsReference = round3(ours.FPS / ref.FPS)
		}
		return c
	}
	var rows []FaceComparison
	full := Schedule{DetectEvery: 1, MinFacePx: b.MinFace}
	side, err := detectOnly(b.Detector, full)
	if err != nil {
		return nil, nil, err
	}
	rows = append(rows, row(fmt.Sprintf("like for like: face detection alone, every frame, full-size %dx%d scan", FrameW, FrameH), true, side, haar(full)))
	if b.RunScanWidth > 0 {
		half := Schedule{DetectEvery: 1, ScanWidth: b.RunScanWidth, MinFacePx: b.MinFace}
		side, err := detectOnly(b.Shrunk(b.RunScanWidth), half)
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, row(fmt.Sprintf("like for like: face detection alone, every frame, frames shrunk to %d px wide", b.RunScanWidth), true, side, haar(half)))
	}
	sched := runSched
	sched.DetectEvery = o.DetectEvery
	side, err = detectOnly(b.runDetector(), sched)
	if err != nil {
		return nil, nil, err
	}
	rows = append(rows, row("like for like: face detection alone on the run's schedule ("+describeSchedule(sched)+")", true, side, haar(sched)))
	pipeSide := FaceSide{Tool: b.Name, Schedule: runSched, Available: true,
		Does: "the run's whole face pipeline: " + describeSchedule(runSched) + "; tracking by landmarks in between, 68 landmarks, head pose and AUs on every frame",
		FPS:  res.FPS, P50MS: res.P50MS, P95MS: res.P95MS, Rounds: len(frames), WithFace: res.FramesWithFace}
	rows = append(rows, row("each side's default (different work): Kindred's whole face pipeline vs a Haar detection loop with OpenCV's defaults", false,
		pipeSide, haar(Schedule{DetectEvery: 1})))
	return res, rows, nil
}

// errSkipped marks a frame the schedule does not scan.
var errSkipped = errors.New("not scanned")

type frameTimes struct {
	fps, p50, p95    float64
	rounds, withFace int
	err              error
}

// timeFrames calls do on each frame and times every call; do returns
// errSkipped for a frame it does not scan (still timed, as the reference's
// loop is).
func timeFrames(frames []perception.Frame, do func(perception.Frame) (bool, error)) frameTimes {
	var r frameTimes
	lat := make([]time.Duration, 0, len(frames))
	start := time.Now()
	for _, f := range frames {
		t := time.Now()
		f.Wall = t
		hit, err := do(f)
		lat = append(lat, time.Since(t))
		switch {
		case errors.Is(err, errSkipped):
			continue
		case err != nil:
			r.err = fmt.Errorf("frame %d: %w", f.Seq, err)
			return r
		}
		r.rounds++
		if hit {
			r.withFace++
		}
	}
	r.fps = round3(float64(len(frames)) / time.Since(start).Seconds())
	r.p50, r.p95 = pctMS(lat, 0.5), pctMS(lat, 0.95)
	return r
}

func describeSchedule(s Schedule) string {
	every := "every frame"
	if s.DetectEvery > 1 {
		every = fmt.Sprintf("detection every %d frames", s.DetectEvery)
	}
	scan := fmt.Sprintf("%dx%d scan", FrameW, FrameH)
	if s.ScanWidth > 0 {
		scan = fmt.Sprintf("frames shrunk to %d px wide", s.ScanWidth)
		if s.FullScanWhenNone {
			scan += fmt.Sprintf(", a full %dx%d scan when that finds no face", FrameW, FrameH)
		}
	}
	return every + ", " + scan
}

func describeDetection(s Schedule) string {
	return fmt.Sprintf("detection alone, %s, faces of %d px and up at the scan size", describeSchedule(s), s.MinFacePx)
}

func describeHaar(s Schedule) string {
	size := "no minimum face size"
	if s.MinFacePx > 0 {
		size = fmt.Sprintf("minSize %d px at the scan size", s.MinFacePx)
	}
	return fmt.Sprintf("equalizeHist + detectMultiScale (scaleFactor 1.1, minNeighbors %d, %s), %s", haarMinNeighbors, size, describeSchedule(s))
}

// readFrames reads the first n frames of Megamind.avi (else vtest.avi) as
// 640x480 gray frames.
func readFrames(ctx context.Context, open func(string) (VideoSource, error), n int) (string, []perception.Frame, error) {
	var lastErr error
	for _, name := range []string{"Megamind.avi", "vtest.avi"} {
		path := filepath.Join(VideoDir, name)
		src, err := open(path)
		if err != nil {
			lastErr = err
			continue
		}
		var frames []perception.Frame
		for len(frames) < n {
			f, err := src.Next(ctx)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				src.Close()
				return "", nil, fmt.Errorf("%s: %w", path, err)
			}
			f.Gray = ResizeGray(f.Gray, FrameW, FrameH)
			f.Seq = len(frames)
			frames = append(frames, f)
		}
		src.Close()
		if len(frames) == 0 {
			lastErr = fmt.Errorf("%s: no frames", path)
			continue
		}
		return path, frames, nil
	}
	return "", nil, fmt.Errorf("no benchmark video (apt-get install opencv-doc): %w", lastErr)
}

func writeRaw(path string, frames []perception.Frame) error {
	var buf bytes.Buffer
	for _, f := range frames {
		buf.Write(f.Gray.Pix)
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

// ResizeGray scales an image to w x h by bilinear interpolation.
func ResizeGray(src *image.Gray, w, h int) *image.Gray {
	dst := image.NewGray(image.Rect(0, 0, w, h))
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw == 0 || sh == 0 {
		return dst
	}
	fx, fy := float64(sw)/float64(w), float64(sh)/float64(h)
	for y := 0; y < h; y++ {
		sy := (float64(y)+0.5)*fy - 0.5
		y0 := int(math.Floor(sy))
		dy := sy - float64(y0)
		y0c, y1c := min(max(y0, 0), sh-1), min(max(y0+1, 0), sh-1)
		r0 := src.Pix[(y0c)*src.Stride:]
		r1 := src.Pix[(y1c)*src.Stride:]
		for x := 0; x < w; x++ {
			sx := (float64(x)+0.5)*fx - 0.5
			x0 := int(math.Floor(sx))
			dx := sx - float64(x0)
			x0c, x1c := min(max(x0, 0), sw-1), min(max(x0+1, 0), sw-1)
			top := float64(r0[x0c])*(1-dx) + float64(r0[x1c])*dx
			bot := float64(r1[x0c])*(1-dx) + float64(r1[x1c])*dx
			dst.Pix[y*dst.Stride+x] = uint8(math.Round(top*(1-dy) + bot*dy))
		}
	}
	return dst
}

// haarScript is the reference a user would write with python3-opencv:
// per frame on the schedule, shrink (INTER_AREA, as dlib's scan shrinks by
// area averaging), equalise, Haar frontal-face cascade, and the full-size
// scan when the shrunk one found nothing. Every frame's loop turn is timed,
// reading the raw frames is not.
const haarScript = `
import json, sys, time
import cv2, numpy as np
c = json.loads(sys.argv[1])
w, h, n = c["w"], c["h"], c["n"]
frames = np.fromfile(c["raw"], dtype=np.uint8).reshape(n, h, w)
det = cv2.CascadeClassifier(c["cascade"])
if det.empty():
    sys.exit("cannot load " + c["cascade"])
kw = {"scaleFactor": 1.1, "minNeighbors": c["min_neighbors"]}
if c["min_face"] > 0:
    kw["minSize"] = (c["min_face"], c["min_face"])
lat, rounds, hits = [], 0, 0
start = time.perf_counter()
for i, f in enumerate(frames):
    t = time.perf_counter()
    if i % c["every"] == 0:
        img = f
        if 0 < c["scan_w"] < w:
            img = cv2.resize(f, (c["scan_w"], round(h * c["scan_w"] / w)), interpolation=cv2.INTER_AREA)
        faces = det.detectMultiScale(cv2.equalizeHist(img), **kw)
        if len(faces) == 0 and c["fallback"] and img is not f:
            faces = det.detectMultiScale(cv2.equalizeHist(f), **kw)
        rounds += 1
        hits += 1 if len(faces) > 0 else 0
    lat.append(time.perf_counter() - t)
elapsed = time.perf_counter() - start
lat.sort()
print(json.dumps({"fps": n / elapsed, "p50_ms": 1000 * lat[int(0.5 * (n - 1))], "p95_ms": 1000 * lat[int(0.95 * (n - 1))],
                  "rounds": rounds, "with_face": hits}))
`

func runHaar(ctx context.Context, python, raw string, n int, s Schedule) (frameTimes, error) {
	cfg, err := json.Marshal(map[string]any{"raw": raw, "w": FrameW, "h": FrameH, "n": n, "cascade": HaarModel,
		"every": s.DetectEvery, "scan_w": s.ScanWidth, "fallback": s.FullScanWhenNone, "min_face": s.MinFacePx,
		"min_neighbors": haarMinNeighbors})
	if err != nil {
		return frameTimes{}, err
	}
	cmd := exec.CommandContext(ctx, python, "-c", haarScript, string(cfg))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return frameTimes{}, fmt.Errorf("python3 failed: %v: %s", err, lastLine(stderr.Bytes()))
	}
	var got struct {
		FPS      float64 `json:"fps"`
		P50MS    float64 `json:"p50_ms"`
		P95MS    float64 `json:"p95_ms"`
		Rounds   int     `json:"rounds"`
		WithFace int     `json:"with_face"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		return frameTimes{}, errors.New("python3 printed no result: " + lastLine(out))
	}
	return frameTimes{fps: round3(got.FPS), p50: round3(got.P50MS), p95: round3(got.P95MS), rounds: got.Rounds, withFace: got.WithFace}, nil
}

// pythonWithOpenCV finds a python3 that imports cv2: the one on PATH, else
// Debian's (a pyenv or venv python on PATH does not see python3-opencv).
// The second result says why there is none.
func pythonWithOpenCV(ctx context.Context) (string, string) {
	why := "python3 not installed"
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		out, err := exec.CommandContext(ctx, path, "-c", "import cv2, numpy").CombinedOutput()
		if err == nil {
			return path, ""
		}
		why = "python3-opencv not installed (scripts/deps.sh --with-bench): " + lastLine(out)
	}
	return "", why
}
