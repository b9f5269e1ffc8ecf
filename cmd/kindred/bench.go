package main

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
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/mimicry"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/fusion"
	"github.com/kindred-hri/kindred/perception/scenario"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
	"github.com/kindred-hri/kindred/voices"
)

// Real media the suite runs on (Debian's opencv-doc and pocketsphinx-testdata).
const (
	benchVideoDir = "/usr/share/doc/opencv-doc/examples/data"
	benchWAVDir   = "/usr/share/pocketsphinx/test/data/librivox"
	benchCascade  = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"
	benchW        = 640
	benchH        = 480
)

const benchHelp = `kindred bench runs one reproducible suite in-process on real components and
Debian's media, and times the reference tools a user would otherwise pick on
the same inputs (Praat for voice, python3-opencv's Haar cascade for faces).
A missing reference tool is reported as missing ("available": false and a
"missing" reason), never estimated.

--json prints one object with these fields (times in the unit the name says):
  quick, go_version, cpus
  face:    source, frames, width, height, fps, p50_ms, p95_ms, frames_with_face
           (the run's face pipeline: dlib HOG + 68 landmarks + solvePnP, detector
           every 4th frame, on frames resized to 640x480)
  face_reference: tool, available, missing, frames, fps, p95_ms,
           frames_with_face, ours_vs_reference (our fps / its fps)
  analyze: file, frames, media_s, elapsed_s, x_realtime (kindred analyze's path)
  voice:   files, audio_s, process_x_realtime (Analyzer.Process per 10 ms hop),
           ns_per_hop, allocs_per_hop, analysis_x_realtime (decode + pitch, HNR,
           jitter, shimmer, functionals of whole files)
  voice_reference: tool, available, missing, elapsed_s, startup_s, x_realtime
           (excluding startup), ours_vs_reference (analysis x_realtime / its)
  analyze_audio: audio_s, elapsed_s, praat_elapsed_s, praat_missing,
           ours_vs_reference (praat's time / ours; > 1 means Kindred is
           faster): kindred analyze --audio FILE --summary (in-process,
           model loading included) against praat --run of the voice
           measures (pitch, jitter, shimmer, HNR) on the same 10.4 s
           LibriVox file less an empty script's run; best of three each
  fusion:   assessments, ns_per_assessment, allocs_per_assessment
  behavior: events, p50_us, p95_us, max_us (input sent to Engine.Run until
           its answer comes out)
  mimicry:  updates, ns_per_update, p50_us, p95_us
  limiter:  ticks, ns_per_tick (Limiter.Run on the sim body: one command
           stepped at once per tick, sent back to back)
  session:  scenario, session_s, speed, wall_s, samples, rss_mb_peak,
           heap_mb_early, heap_mb_late, goroutines_early, goroutines_late,
           goroutines_max (a kindred run of the scenario sampled 10 times a
           second; early and late are means over the first and last fifth)
`

// benchReport is the --json object; its field names are a contract.
type benchReport struct {
	Quick     bool          `json:"quick"`
	GoVersion string        `json:"go_version"`
	CPUs      int           `json:"cpus"`
	Face      *benchFace    `json:"face"`
	FaceRef   *benchRef     `json:"face_reference"`
	Analyze   *benchAnalyze `json:"analyze"`
	Voice     *benchVoice   `json:"voice"`
	VoiceRef  *benchRef     `json:"voice_reference"`
	// AnalyzeAudio times whole processes side by side.
	AnalyzeAudio *benchAnalyzeAudio `json:"analyze_audio"`
	Fusion       *benchFusion       `json:"fusion"`
	Behavior     *benchLatency      `json:"behavior"`
	Mimicry      *benchMimicry      `json:"mimicry"`
	Limiter      *benchLimiter      `json:"limiter"`
	Session      *benchSession      `json:"session"`
}

type benchFace struct {
	Source         string  `json:"source"`
	Frames         int     `json:"frames"`
	Width          int     `json:"width"`
	Height         int     `json:"height"`
	FPS            float64 `json:"fps"`
	P50MS          float64 `json:"p50_ms"`
	P95MS          float64 `json:"p95_ms"`
	FramesWithFace int     `json:"frames_with_face"`
}

// benchRef is one reference tool's result on the same input.
type benchRef struct {
	Tool      string `json:"tool"`
	Available bool   `json:"available"`
	Missing   string `json:"missing,omitempty"`
	// face reference
	Frames         int     `json:"frames,omitempty"`
	FPS            float64 `json:"fps,omitempty"`
	P95MS          float64 `json:"p95_ms,omitempty"`
	FramesWithFace int     `json:"frames_with_face,omitempty"`
	// voice reference
	ElapsedS  float64 `json:"elapsed_s,omitempty"`
	StartupS  float64 `json:"startup_s,omitempty"`
	XRealtime float64 `json:"x_realtime,omitempty"`
	// OursVsReference > 1 means Kindred is faster.
	OursVsReference float64 `json:"ours_vs_reference,omitempty"`
}

type benchAnalyze struct {
	File      string  `json:"file"`
	Frames    int     `json:"frames"`
	MediaS    float64 `json:"media_s"`
	ElapsedS  float64 `json:"elapsed_s"`
	XRealtime float64 `json:"x_realtime"`
}

// benchAnalyzeAudio is `kindred analyze --audio FILE --summary` against
// `praat --run` of the voice measures (pitch, jitter, shimmer, HNR) on the
// same file, both without process start-up, best of three.
type benchAnalyzeAudio struct {
	AudioS          float64 `json:"audio_s"`
	ElapsedS        float64 `json:"elapsed_s"`
	PraatElapsedS   float64 `json:"praat_elapsed_s,omitempty"`
	PraatMissing    string  `json:"praat_missing,omitempty"`
	OursVsReference float64 `json:"ours_vs_reference,omitempty"`
}

type benchVoice struct {
	Files             int     `json:"files"`
	AudioS            float64 `json:"audio_s"`
	ProcessXRealtime  float64 `json:"process_x_realtime"`
	NsPerHop          float64 `json:"ns_per_hop"`
	AllocsPerHop      float64 `json:"allocs_per_hop"`
	AnalysisXRealtime float64 `json:"analysis_x_realtime"`
}

type benchFusion struct {
	Assessments         int     `json:"assessments"`
	NsPerAssessment     float64 `json:"ns_per_assessment"`
	AllocsPerAssessment float64 `json:"allocs_per_assessment"`
}

type benchLatency struct {
	Events int     `json:"events"`
	P50US  float64 `json:"p50_us"`
	P95US  float64 `json:"p95_us"`
	MaxUS  float64 `json:"max_us"`
}

type benchMimicry struct {
	Updates     int     `json:"updates"`
	NsPerUpdate float64 `json:"ns_per_update"`
	P50US       float64 `json:"p50_us"`
	P95US       float64 `json:"p95_us"`
}

type benchLimiter struct {
	Ticks     int64   `json:"ticks"`
	NsPerTick float64 `json:"ns_per_tick"`
}

type benchSession struct {
	Scenario        string  `json:"scenario"`
	SessionS        float64 `json:"session_s"`
	Speed           float64 `json:"speed"`
	WallS           float64 `json:"wall_s"`
	Samples         int     `json:"samples"`
	RSSMBPeak       float64 `json:"rss_mb_peak"`
	HeapMBEarly     float64 `json:"heap_mb_early"`
	HeapMBLate      float64 `json:"heap_mb_late"`
	GoroutinesEarly float64 `json:"goroutines_early"`
	GoroutinesLate  float64 `json:"goroutines_late"`
	GoroutinesMax   int     `json:"goroutines_max"`
}

// benchSizes are how much of each input a suite uses.
type benchSizes struct {
	faceFrames int
	assess     int
	events     int
	updates    int
	ticks      int
	session    time.Duration
	speed      float64
}

func sizesFor(quick bool) benchSizes {
	if quick {
		return benchSizes{faceFrames: 48, assess: 600, events: 300, updates: 3000,
			ticks: 5000, session: 2 * time.Minute, speed: 100}
	}
	return benchSizes{faceFrames: 300, assess: 6000, events: 3000, updates: 30000,
		ticks: 50000, session: 10 * time.Minute, speed: 60}
}

func cmdBench(ctx context.Context, e env, args []string) error {
	fs := newFlags("bench", e.stdout)
	asJSON := fs.Bool("json", false, "print one JSON object (fields: see kindred bench -h)")
	quick := fs.Bool("quick", false, "fewer frames, a 2-minute session: a check that the suite runs, not a measurement")
	if err := fs.parse(args); err != nil {
		if errors.Is(err, errHelpShown) {
			fmt.Fprint(e.stdout, "\n"+benchHelp)
		}
		return err
	}
	if fs.NArg() > 0 {
		return badInput("unexpected argument %q", fs.Arg(0))
	}
	sz := sizesFor(*quick)
	rep := benchReport{Quick: *quick, GoVersion: runtime.Version(), CPUs: runtime.NumCPU()}
	tmp, err := os.MkdirTemp("", "kindred-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	progress := func(what string) {
		if !*asJSON {
			fmt.Fprintf(e.stderr, "bench: %s...\n", what)
		}
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"face pipeline and python3-opencv Haar", func() (err error) {
			rep.Face, rep.FaceRef, err = benchFacePipeline(ctx, tmp, sz.faceFrames)
			return err
		}},
		{"kindred analyze", func() (err error) { rep.Analyze, err = benchAnalyzeVideo(ctx); return err }},
		{"voice and Praat", func() (err error) {
			rep.Voice, rep.VoiceRef, err = benchVoiceAnalysis(ctx, tmp)
			return err
		}},
		{"kindred analyze --audio and Praat", func() (err error) {
			rep.AnalyzeAudio, err = benchAnalyzeAudioVsPraat(ctx, tmp)
			return err
		}},
		{"fusion", func() (err error) { rep.Fusion, err = benchFusionAssess(sz.assess); return err }},
		{"behaviour", func() (err error) { rep.Behavior, err = benchBehavior(ctx, sz.events); return err }},
		{"mimicry", func() (err error) { rep.Mimicry, err = benchMimicryUpdate(sz.updates); return err }},
		{"limiter", func() (err error) { rep.Limiter, err = benchLimiterTick(ctx, sz.ticks); return err }},
		{"simulated session", func() (err error) {
			rep.Session, err = benchSessionRun(ctx, tmp, "visit", sz.session, sz.speed)
			return err
		}},
	}
	for _, s := range steps {
		progress(s.name)
		if err := s.run(); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		if err := enc.Encode(&rep); err != nil {
			return err
		}
		return nil
	}
	printBench(e.stdout, &rep)
	return nil
}

// benchFacePipeline times the run's face pipeline on frames of a Debian
// video resized to 640x480, then a python3-opencv Haar pipeline on the very
// same frames (handed over as one raw file).
func benchFacePipeline(ctx context.Context, tmp string, n int) (*benchFace, *benchRef, error) {
	path, frames, err := benchFrames(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	pipe, closeFace, err := openFacePipeline(4, defaultFaceBackend)
	if err != nil {
		return nil, nil, err
	}
	defer closeFace()
	lat := make([]time.Duration, 0, len(frames))
	withFace := 0
	start := time.Now()
	for _, f := range frames {
		t := time.Now()
		f.Wall = t
		if len(pipe.Process(f)) > 0 {
			withFace++
		}
		lat = append(lat, time.Since(t))
	}
	elapsed := time.Since(start)
	res := &benchFace{Source: path, Frames: len(frames), Width: benchW, Height: benchH,
		FPS: round3(float64(len(frames)) / elapsed.Seconds()), P50MS: pctMS(lat, 0.50), P95MS: pctMS(lat, 0.95),
		FramesWithFace: withFace}
	ref := benchHaar(ctx, tmp, frames)
	if ref.Available && ref.FPS > 0 {
		ref.OursVsReference = round3(res.FPS / ref.FPS)
	}
	return res, ref, nil
}

// benchFrames reads the first n frames of Megamind.avi (else vtest.avi)
// as 640x480 gray frames.
func benchFrames(ctx context.Context, n int) (string, []perception.Frame, error) {
	var lastErr error
	for _, name := range []string{"Megamind.avi", "vtest.avi"} {
		path := filepath.Join(benchVideoDir, name)
		src, err := camera.OpenFile(path, 0)
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
			f.Gray = resizeGray(f.Gray, benchW, benchH)
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

// resizeGray scales an image to w x h by bilinear interpolation.
func resizeGray(src *image.Gray, w, h int) *image.Gray {
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

// haarScript is the reference face pipeline a user would write with
// python3-opencv: equalise, Haar frontal-face cascade, per frame. Only the
// detection is timed, not reading the raw frames.
const haarScript = `
import json, sys, time
import cv2, numpy as np
raw, w, h, n, cascade = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
frames = np.fromfile(raw, dtype=np.uint8).reshape(n, h, w)
det = cv2.CascadeClassifier(cascade)
if det.empty():
    sys.exit("cannot load " + cascade)
lat, hits = [], 0
start = time.perf_counter()
for f in frames:
    t = time.perf_counter()
    faces = det.detectMultiScale(cv2.equalizeHist(f), scaleFactor=1.1, minNeighbors=5, minSize=(40, 40))
    lat.append(time.perf_counter() - t)
    hits += 1 if len(faces) > 0 else 0
elapsed = time.perf_counter() - start
lat.sort()
print(json.dumps({"frames": n, "fps": n / elapsed, "p95_ms": 1000 * lat[int(0.95 * (n - 1))], "frames_with_face": hits}))
`

func benchHaar(ctx context.Context, tmp string, frames []perception.Frame) *benchRef {
	ref := &benchRef{Tool: "python3-opencv Haar cascade (haarcascade_frontalface_default)"}
	if _, err := os.Stat(benchCascade); err != nil {
		ref.Missing = benchCascade + " not installed (apt-get install opencv-data)"
		return ref
	}
	python, why := pythonWithOpenCV(ctx)
	if python == "" {
		ref.Missing = why
		return ref
	}
	raw := filepath.Join(tmp, "frames.gray")
	var buf bytes.Buffer
	for _, f := range frames {
		buf.Write(f.Gray.Pix)
	}
	if err := os.WriteFile(raw, buf.Bytes(), 0o600); err != nil {
		ref.Missing = "cannot hand over frames: " + err.Error()
		return ref
	}
	cmd := exec.CommandContext(ctx, python, "-c", haarScript, raw,
		strconv.Itoa(benchW), strconv.Itoa(benchH), strconv.Itoa(len(frames)), benchCascade)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		ref.Missing = fmt.Sprintf("python3 failed: %v: %s", err, lastLine(stderr.Bytes()))
		return ref
	}
	var got struct {
		Frames         int     `json:"frames"`
		FPS            float64 `json:"fps"`
		P95MS          float64 `json:"p95_ms"`
		FramesWithFace int     `json:"frames_with_face"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		ref.Missing = "python3 printed no result: " + lastLine(out)
		return ref
	}
	ref.Available = true
	ref.Frames, ref.FPS, ref.P95MS, ref.FramesWithFace = got.Frames, round3(got.FPS), round3(got.P95MS), got.FramesWithFace
	return ref
}

// pythonWithOpenCV finds a python3 that imports cv2: the one on PATH, else
// Debian's (a pyenv or venv python on PATH does not see python3-opencv).
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

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// benchAnalyzeVideo times the code path of `kindred analyze --video` on
// Megamind.avi (every frame, face, movement and fused pain).
func benchAnalyzeVideo(ctx context.Context) (*benchAnalyze, error) {
	path := filepath.Join(benchVideoDir, "Megamind.avi")
	hooks, err := newFrameHooks(nil)
	if err != nil {
		return nil, err
	}
	var res analysis
	start := time.Now()
	if err := analyzeVideo(ctx, path, 4, defaultFaceBackend, nil, hooks, &res, io.Discard); err != nil {
		return nil, err
	}
	elapsed := time.Since(start).Seconds()
	v := res.Video
	if v.FPS <= 0 || v.Frames == 0 {
		return nil, fmt.Errorf("%s: no frame rate or no frames", path)
	}
	media := float64(v.Frames) / v.FPS
	return &benchAnalyze{File: path, Frames: v.Frames, MediaS: round3(media), ElapsedS: round3(elapsed),
		XRealtime: round3(media / elapsed)}, nil
}

// benchWAVs lists the LibriVox recordings.
func benchWAVs() ([]string, error) {
	files, err := filepath.Glob(filepath.Join(benchWAVDir, "*.wav"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no WAVs in %s (apt-get install pocketsphinx-testdata)", benchWAVDir)
	}
	slices.Sort(files)
	return files, nil
}

// benchVoiceAnalysis times the voice analyser per hop (Process) and over
// whole files (decode, pitch, HNR, jitter, shimmer, functionals), then Praat
// doing pitch, jitter, shimmer and HNR on the same files.
func benchVoiceAnalysis(ctx context.Context, tmp string) (*benchVoice, *benchRef, error) {
	files, err := benchWAVs()
	if err != nil {
		return nil, nil, err
	}
	res := &benchVoice{Files: len(files)}
	var clips [][]float32
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			return nil, nil, err
		}
		x := a.Mono16k()
		clips = append(clips, x)
		res.AudioS += float64(len(x)) / voice.Rate
	}
	// Per hop, as a live run feeds the analyser.
	var hops int
	var elapsed time.Duration
	var mallocs uint64
	for _, x := range clips {
		a, err := voice.NewAnalyzer(voice.DefaultOpts())
		if err != nil {
			return nil, nil, err
		}
		m0 := mallocCount()
		t := time.Now()
		for i := 0; i+voice.HopSamples <= len(x); i += voice.HopSamples {
			a.Process(x[i:i+voice.HopSamples], time.Duration(i)*time.Second/voice.Rate)
			hops++
		}
		elapsed += time.Since(t)
		mallocs += mallocCount() - m0
	}
	res.NsPerHop = round3(float64(elapsed.Nanoseconds()) / float64(hops))
	res.AllocsPerHop = round3(float64(mallocs) / float64(hops))
	res.ProcessXRealtime = round3(float64(hops) * voice.Hop.Seconds() / elapsed.Seconds())
	// Whole files, decode included, as Praat reads them itself.
	t := time.Now()
	for _, f := range files {
		a, err := wav.DecodeFile(f)
		if err != nil {
			return nil, nil, err
		}
		if _, err := voice.AnalyzeSamples(ctx, a.Mono16k(), voice.DefaultOpts()); err != nil {
			return nil, nil, err
		}
	}
	res.AnalysisXRealtime = round3(res.AudioS / time.Since(t).Seconds())
	res.AudioS = round3(res.AudioS)
	ref := benchPraat(ctx, tmp, res.AudioS)
	if ref.Available && ref.XRealtime > 0 {
		ref.OursVsReference = round3(res.AnalysisXRealtime / ref.XRealtime)
	}
	return res, ref, nil
}

// praatScript measures every WAV in a folder as docs/DEPENDENCIES.md
// recommends: pitch (ac), the periodic cc point process for local jitter
// and shimmer, and cross-correlation harmonicity.
const praatScript = `form Measures
	sentence dir
endform
list = Create Strings as file list: "list", dir$ + "/*.wav"
n = Get number of strings
for i to n
	selectObject: list
	name$ = Get string: i
	sound = Read from file: dir$ + "/" + name$
	pitch = To Pitch (ac): 0, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600
	f0 = Get mean: 0, 0, "Hertz"
	selectObject: sound
	pp = To PointProcess (periodic, cc): 75, 600
	jitter = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
	selectObject: sound, pp
	shimmer = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
	selectObject: sound
	harm = To Harmonicity (cc): 0.01, 75, 0.1, 1.0
	hnr = Get mean: 0, 0
	appendInfoLine: name$, " ", fixed$(f0, 2), " ", fixed$(jitter * 100, 3), " ", fixed$(shimmer * 100, 3), " ", fixed$(hnr, 2)
	removeObject: sound, pitch, pp, harm
endfor
`

func benchPraat(ctx context.Context, tmp string, audioS float64) *benchRef {
	ref := &benchRef{Tool: "praat --run (pitch, jitter, shimmer, HNR)"}
	if _, err := exec.LookPath("praat"); err != nil {
		ref.Missing = "praat not installed (apt-get install praat)"
		return ref
	}
	script := filepath.Join(tmp, "measures.praat")
	empty := filepath.Join(tmp, "empty.praat")
	if err := os.WriteFile(script, []byte(praatScript), 0o600); err != nil {
		ref.Missing = "cannot write the script: " + err.Error()
		return ref
	}
	if err := os.WriteFile(empty, []byte("n = 0\n"), 0o600); err != nil {
		ref.Missing = "cannot write the script: " + err.Error()
		return ref
	}
	run := func(args ...string) (time.Duration, []byte, error) {
		cmd := exec.CommandContext(ctx, "praat", append([]string{"--run"}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t := time.Now()
		out, err := cmd.Output()
		if err != nil {
			return 0, nil, fmt.Errorf("%v: %s", err, lastLine(stderr.Bytes()))
		}
		return time.Since(t), out, nil
	}
	startup, _, err := run(empty)
	if err != nil {
		ref.Missing = "praat failed to start: " + err.Error()
		return ref
	}
	elapsed, out, err := run(script, benchWAVDir)
	if err != nil {
		ref.Missing = "praat failed: " + err.Error()
		return ref
	}
	if strings.Count(string(out), ".wav") == 0 {
		ref.Missing = "praat measured nothing: " + lastLine(out)
		return ref
	}
	ref.Available = true
	ref.ElapsedS, ref.StartupS = round3(elapsed.Seconds()), round3(startup.Seconds())
	work := max(elapsed-startup, time.Millisecond)
	ref.XRealtime = round3(audioS / work.Seconds())
	return ref
}

// benchAnalyzeAudioVsPraat joins two LibriVox recordings into one 10.4 s
// file and times, the same way, `kindred analyze --audio FILE --summary`
// (run in this process through the CLI's dispatch: flags, model loading,
// decode, voice measures, keywords, sound events, summary) and `praat
// --run` of praatScript on it less the run of an empty script: both
// without the operating system's process start, the best of three runs
// each.
func benchAnalyzeAudioVsPraat(ctx context.Context, tmp string) (*benchAnalyzeAudio, error) {
	var joined []float32
	for _, name := range []string{"sense_and_sensibility_01_austen_64kb-0870.wav", "sense_and_sensibility_01_austen_64kb-0930.wav"} {
		a, err := wav.DecodeFile(filepath.Join(benchWAVDir, name))
		if err != nil {
			return nil, fmt.Errorf("%w (apt-get install pocketsphinx-testdata)", err)
		}
		joined = append(joined, a.Mono16k()...)
	}
	dir := filepath.Join(tmp, "analyze-audio")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	file := filepath.Join(dir, "librivox-10s.wav")
	pcm := make([]int16, len(joined))
	for i, v := range joined {
		pcm[i] = int16(max(-32768, min(32767, math.Round(float64(v)*32767))))
	}
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(voices.WriteWAV(f, voices.Audio{SampleRate: voice.Rate, Samples: pcm}), f.Close()); err != nil {
		return nil, err
	}
	fastest := func(run func() error) (time.Duration, error) {
		var best time.Duration
		for range 3 {
			t := time.Now()
			if err := run(); err != nil {
				return 0, err
			}
			if d := time.Since(t); best == 0 || d < best {
				best = d
			}
		}
		return best, nil
	}
	res := &benchAnalyzeAudio{AudioS: round3(float64(len(joined)) / voice.Rate)}
	ours, err := fastest(func() error {
		var stderr bytes.Buffer
		if code := dispatch(ctx, env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr},
			[]string{"analyze", "--audio", file, "--summary"}); code != 0 {
			return fmt.Errorf("kindred analyze --audio: exit %d: %s", code, lastLine(stderr.Bytes()))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.ElapsedS = round3(ours.Seconds())
	if _, err := exec.LookPath("praat"); err != nil {
		res.PraatMissing = "praat not installed (apt-get install praat)"
		return res, nil
	}
	script, empty := filepath.Join(tmp, "measures.praat"), filepath.Join(tmp, "empty.praat")
	if err := errors.Join(os.WriteFile(script, []byte(praatScript), 0o600), os.WriteFile(empty, []byte("n = 0\n"), 0o600)); err != nil {
		return nil, err
	}
	praat := func(args ...string) func() error {
		return func() error {
			cmd := exec.CommandContext(ctx, "praat", append([]string{"--run"}, args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("praat: %v: %s", err, lastLine(stderr.Bytes()))
			}
			return nil
		}
	}
	whole, err := fastest(praat(script, dir))
	if err != nil {
		res.PraatMissing = err.Error()
		return res, nil
	}
	startup, err := fastest(praat(empty))
	if err != nil {
		res.PraatMissing = err.Error()
		return res, nil
	}
	theirs := max(whole-startup, time.Millisecond)
	res.PraatElapsedS = round3(theirs.Seconds())
	res.OursVsReference = round3(theirs.Seconds() / ours.Seconds())
	return res, nil
}

// faceRecorder keeps what a scenario plays, for the stage benchmarks.
type benchSink struct {
	faces []perception.FaceObs
	fuser *fusion.Fuser
}

func (s *benchSink) Face(o perception.FaceObs) {
	if s.fuser != nil {
		s.fuser.Face(o)
		return
	}
	s.faces = append(s.faces, o)
}
func (s *benchSink) Voice(o perception.VoiceObs) {
	if s.fuser != nil {
		s.fuser.Voice(o)
	}
}
func (s *benchSink) Posture(o perception.PostureObs) {
	if s.fuser != nil {
		s.fuser.Posture(o)
	}
}
func (s *benchSink) Event(e perception.Event) {
	if s.fuser != nil {
		s.fuser.Event(e)
	}
}

// benchFusionAssess feeds the pain-episode scenario to fusion and times one
// assessment every 100 ms of session time (the run's rate).
func benchFusionAssess(n int) (*benchFusion, error) {
	s, err := scenario.Load("pain-episode")
	if err != nil {
		return nil, err
	}
	fu, err := fusion.New(fusion.DefaultOpts())
	if err != nil {
		return nil, err
	}
	p := scenario.NewPlayer(s)
	sink := &benchSink{fuser: fu}
	var spent time.Duration
	var mallocs uint64
	at := time.Duration(0)
	for i := 0; i < n; i++ {
		at += 100 * time.Millisecond
		p.Step(at, sink, true)
		m0 := mallocCount()
		t := time.Now()
		a := fu.Assess(at)
		spent += time.Since(t)
		mallocs += mallocCount() - m0
		if math.IsNaN(a.Score) {
			return nil, fmt.Errorf("assessment at %v is NaN", at)
		}
	}
	return &benchFusion{Assessments: n, NsPerAssessment: round3(float64(spent.Nanoseconds()) / float64(n)),
		AllocsPerAssessment: round3(float64(mallocs) / float64(n))}, nil
}

// benchBehavior measures the behaviour engine's event handling through
// Run's channels: a spoken "stop" until the stillness intent comes out, and
// the opt-in until its acknowledgement does.
func benchBehavior(ctx context.Context, n int) (*benchLatency, error) {
	e, err := behavior.New(behavior.DefaultConfig())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	in, out := make(chan behavior.Input), make(chan behavior.Output, 16)
	done := make(chan error, 1)
	go func() { done <- e.Run(ctx, in, out) }()
	defer func() { cancel(); <-done }()
	await := func(kind behavior.IntentKind) error {
		for {
			select {
			case o, ok := <-out:
				if !ok {
					return errors.New("engine stopped")
				}
				if o.Intent != nil && o.Intent.Kind == kind {
					return nil
				}
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	lat := make([]time.Duration, 0, n)
	at := time.Second
	for len(lat) < n {
		at += time.Second
		for _, step := range []struct {
			in   behavior.Input
			want behavior.IntentKind
		}{
			{behavior.EventInput(perception.Event{At: at, Kind: perception.EventKeyword, Text: "stop"}), behavior.IntentStill},
			{behavior.CommandInput(behavior.Command{At: at + time.Millisecond, Cmd: behavior.CmdOptIn}), behavior.IntentOptInAck},
		} {
			t := time.Now()
			select {
			case in <- step.in:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if err := await(step.want); err != nil {
				return nil, err
			}
			lat = append(lat, time.Since(t))
		}
	}
	return &benchLatency{Events: len(lat), P50US: pctUS(lat, 0.5), P95US: pctUS(lat, 0.95), MaxUS: pctUS(lat, 1)}, nil
}

// benchMimicryUpdate times one face through the mirror to the pose it
// causes, on the visit scenario's faces, mirroring on.
func benchMimicryUpdate(n int) (*benchMimicry, error) {
	prof, err := robot.LoadProfile("sim")
	if err != nil {
		return nil, err
	}
	o := mimicry.DefaultOpts()
	o.Settings = behavior.MirrorSettings{Enabled: true, Gain: 0.6, Concern: 0.5}
	m, err := mimicry.New(prof.Specs(), o)
	if err != nil {
		return nil, err
	}
	s, err := scenario.Load("visit")
	if err != nil {
		return nil, err
	}
	sink := &benchSink{}
	scenario.NewPlayer(s).Step(3*time.Minute, sink, true)
	if len(sink.faces) == 0 {
		return nil, errors.New("the visit scenario shows no face")
	}
	dst := make(robot.Pose, len(m.Joints()))
	lat := make([]time.Duration, 0, n)
	var offset time.Duration
	last := sink.faces[len(sink.faces)-1].At
	start := time.Now()
	for i := 0; i < n; i++ {
		f := sink.faces[i%len(sink.faces)]
		if i > 0 && i%len(sink.faces) == 0 {
			offset += last + 33*time.Millisecond
		}
		f.At += offset
		t := time.Now()
		m.Face(f)
		m.StepInto(f.At, dst)
		lat = append(lat, time.Since(t))
	}
	total := time.Since(start)
	return &benchMimicry{Updates: n, NsPerUpdate: round3(float64(total.Nanoseconds()) / float64(n)),
		P50US: pctUS(lat, 0.5), P95US: pctUS(lat, 0.95)}, nil
}

// benchLimiterTick drives Limiter.Run on the sim body with commands sent
// back to back: every command is applied and stepped at once (arbitrate,
// clamp, integrate every joint, write the moved joints), so the wall time
// over the steps is the cost of one control step through Run's channel.
// Every joint keeps moving between two far-apart poses.
func benchLimiterTick(ctx context.Context, n int) (*benchLimiter, error) {
	prof, err := robot.LoadProfile("sim")
	if err != nil {
		return nil, err
	}
	o := robot.DefaultOpts()
	o.Watchdog = time.Hour
	l, err := robot.NewLimiter(prof.Specs(), sim.New(prof), o)
	if err != nil {
		return nil, err
	}
	lo, hi := robot.Pose{}, robot.Pose{}
	for _, j := range prof.Joints {
		lo[j.ID], hi[j.ID] = robot.Angle(j.MinDeg), robot.Angle(j.MaxDeg)
	}
	cmds := make(chan robot.Command)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- l.Run(runCtx, cmds) }()
	start := time.Now()
	for i := 0; i < n; i++ {
		pose := lo
		if (i/100)%2 == 1 {
			pose = hi
		}
		select {
		case cmds <- robot.Command{Pose: pose, Source: robot.SourceMimicry}:
		case err := <-done:
			return nil, fmt.Errorf("limiter stopped: %w", err)
		}
	}
	elapsed := time.Since(start)
	writes := l.Stats().JointCommands
	cancel()
	if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	if writes == 0 {
		return nil, errors.New("the body never moved")
	}
	return &benchLimiter{Ticks: int64(n), NsPerTick: round3(float64(elapsed.Nanoseconds()) / float64(n))}, nil
}

// runSample is the process's state at one instant of a running session.
type runSample struct {
	Wall       time.Duration // since the run started
	HeapMB     float64       // Go heap in use
	RSSMB      float64       // resident set from /proc/self/status
	Goroutines int
}

// sampledRun runs `kindred run` in-process with args and samples the
// process every period until the run returns.
func sampledRun(ctx context.Context, args []string, period time.Duration) ([]runSample, time.Duration, error) {
	var stderr bytes.Buffer
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- cmdRun(ctx, env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr}, args)
	}()
	tick := time.NewTicker(period)
	defer tick.Stop()
	var samples []runSample
	for {
		select {
		case err := <-done:
			wall := time.Since(start)
			if err != nil {
				return samples, wall, fmt.Errorf("kindred run %s: %w: %s", strings.Join(args, " "), err, lastLine(stderr.Bytes()))
			}
			return samples, wall, nil
		case <-tick.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			rss, _ := procStatusMB("VmRSS") // 0 where /proc is missing
			samples = append(samples, runSample{Wall: time.Since(start), HeapMB: float64(ms.HeapAlloc) / (1 << 20),
				RSSMB: rss, Goroutines: runtime.NumGoroutine()})
		}
	}
}

// benchSessionRun runs `kindred run` in-process on a built-in scenario at
// high speed and samples memory and goroutines ten times a second.
func benchSessionRun(ctx context.Context, tmp, name string, session time.Duration, speed float64) (*benchSession, error) {
	args := []string{"--scenario", name, "--speed", strconv.FormatFloat(speed, 'f', -1, 64),
		"--for", session.String(), "--console", "off", "--journal", filepath.Join(tmp, name+".db"),
		"--summary", filepath.Join(tmp, name+".json")}
	samples, wall, err := sampledRun(ctx, args, 100*time.Millisecond)
	if err != nil {
		return nil, err
	}
	if len(samples) < 5 {
		return nil, fmt.Errorf("the session ended after %d samples; too short to judge", len(samples))
	}
	res := &benchSession{Scenario: name, SessionS: session.Seconds(), Speed: speed, WallS: round3(wall.Seconds()),
		Samples: len(samples)}
	var heapE, heapL, gE, gL float64
	fifth := max(1, len(samples)/5)
	for i, s := range samples {
		res.RSSMBPeak = max(res.RSSMBPeak, round3(s.RSSMB))
		res.GoroutinesMax = max(res.GoroutinesMax, s.Goroutines)
		if i < fifth {
			heapE += s.HeapMB
			gE += float64(s.Goroutines)
		}
		if i >= len(samples)-fifth {
			heapL += s.HeapMB
			gL += float64(s.Goroutines)
		}
	}
	n := float64(fifth)
	res.HeapMBEarly, res.HeapMBLate = round3(heapE/n), round3(heapL/n)
	res.GoroutinesEarly, res.GoroutinesLate = round3(gE/n), round3(gL/n)
	return res, nil
}

// procStatusMB reads one kB field of /proc/self/status in megabytes.
func procStatusMB(field string) (float64, error) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/self/status %s: %w", field, err)
			}
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/self/status has no %s", field)
}

func mallocCount() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

func percentile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[int(q*float64(len(s)-1))]
}

func pctMS(d []time.Duration, q float64) float64 {
	return round3(float64(percentile(d, q).Nanoseconds()) / 1e6)
}

func pctUS(d []time.Duration, q float64) float64 {
	return round3(float64(percentile(d, q).Nanoseconds()) / 1e3)
}

// printBench writes the human-readable table.
func printBench(w io.Writer, r *benchReport) {
	fmt.Fprintf(w, "kindred bench (%s, %d CPUs%s)\n\n", r.GoVersion, r.CPUs, map[bool]string{true: ", quick", false: ""}[r.Quick])
	f := r.Face
	fmt.Fprintf(w, "face pipeline     %d frames %dx%d of %s\n", f.Frames, f.Width, f.Height, filepath.Base(f.Source))
	fmt.Fprintf(w, "                  %.1f fps, p50 %.1f ms, p95 %.1f ms, face in %d frames\n", f.FPS, f.P50MS, f.P95MS, f.FramesWithFace)
	printRef(w, r.FaceRef, func(ref *benchRef) string {
		return fmt.Sprintf("%.1f fps, p95 %.1f ms, face in %d frames; ours/theirs %.2fx", ref.FPS, ref.P95MS, ref.FramesWithFace, ref.OursVsReference)
	})
	a := r.Analyze
	fmt.Fprintf(w, "kindred analyze   %s: %d frames, %.1f s of video in %.2f s: %.2fx real time\n",
		filepath.Base(a.File), a.Frames, a.MediaS, a.ElapsedS, a.XRealtime)
	v := r.Voice
	fmt.Fprintf(w, "voice             %d LibriVox files, %.1f s: per hop %.0fx real time (%.0f ns, %.1f allocs); whole-file analysis %.0fx\n",
		v.Files, v.AudioS, v.ProcessXRealtime, v.NsPerHop, v.AllocsPerHop, v.AnalysisXRealtime)
	printRef(w, r.VoiceRef, func(ref *benchRef) string {
		return fmt.Sprintf("%.2f s (start-up %.2f s): %.0fx real time; ours/theirs %.2fx", ref.ElapsedS, ref.StartupS, ref.XRealtime, ref.OursVsReference)
	})
	if aa := r.AnalyzeAudio; aa != nil {
		fmt.Fprintf(w, "analyze --audio   %.1f s LibriVox file, without process start: %.2f s", aa.AudioS, aa.ElapsedS)
		if aa.PraatMissing != "" {
			fmt.Fprintf(w, "; praat --run missing (%s)\n", aa.PraatMissing)
		} else {
			fmt.Fprintf(w, " vs praat --run %.2f s; ours/theirs %.2fx\n", aa.PraatElapsedS, aa.OursVsReference)
		}
	}
	fmt.Fprintf(w, "fusion            %.0f ns and %.1f allocs per assessment (%d)\n", r.Fusion.NsPerAssessment, r.Fusion.AllocsPerAssessment, r.Fusion.Assessments)
	b := r.Behavior
	fmt.Fprintf(w, "behaviour         event to intent p50 %.1f µs, p95 %.1f µs, max %.1f µs (%d)\n", b.P50US, b.P95US, b.MaxUS, b.Events)
	m := r.Mimicry
	fmt.Fprintf(w, "mimicry           %.0f ns per update, p50 %.1f µs, p95 %.1f µs (%d)\n", m.NsPerUpdate, m.P50US, m.P95US, m.Updates)
	fmt.Fprintf(w, "limiter           %.0f ns per tick (%d ticks)\n", r.Limiter.NsPerTick, r.Limiter.Ticks)
	s := r.Session
	fmt.Fprintf(w, "session           %s, %.0f s at %gx in %.1f s: RSS peak %.1f MB, heap %.1f -> %.1f MB, goroutines %.0f -> %.0f (max %d)\n",
		s.Scenario, s.SessionS, s.Speed, s.WallS, s.RSSMBPeak, s.HeapMBEarly, s.HeapMBLate, s.GoroutinesEarly, s.GoroutinesLate, s.GoroutinesMax)
}

func printRef(w io.Writer, ref *benchRef, describe func(*benchRef) string) {
	if !ref.Available {
		fmt.Fprintf(w, "  vs %s: missing (%s)\n", ref.Tool, ref.Missing)
		return
	}
	fmt.Fprintf(w, "  vs %s: %s\n", ref.Tool, describe(ref))
}
