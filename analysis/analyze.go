package analysis

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/companion"
	"github.com/kindred-hri/kindred/devices"
	"github.com/kindred-hri/kindred/internal/staged"
	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
	"golang.org/x/sync/semaphore"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// FrameCSVHeader is the per-frame CSV header of the CLI contract. frame and
// face_id come first, as in OpenFace's FeatureExtraction output, so scripts
// written for it find them; docs/OUTPUTS.md describes every column.
const FrameCSVHeader = "frame,face_id,time_s,face,confidence,x,y,w,h,yaw_deg,pitch_deg,roll_deg," +
	"AU01,AU02,AU04,AU06,AU07,AU09,AU10,AU12,AU15,AU25,AU26,AU43,pspi,expression," +
	"posture_amplitude,posture_speed,posture_jerk,pain_score"

// DefaultDetectEvery is analyze's (and eval's) --detect-every.
const DefaultDetectEvery = 6

// DefaultMeshEvery is analyze's (and eval's) --mesh-every: the face mesh
// fitted on every 3rd frame (10 a second of a 30 fps video), the frames
// between interpolated. Measured on the dev set's clips (README,
// Performance): the mesh and its blendshapes are some 80 % of a frame's
// CPU, and every 3rd frame brings analyze from 19 to 11 CPU ms a frame,
// under the 13 that 5x real time on 2 cores allows at 30 fps (every 2nd
// frame, 12.9, only just), while kindred eval's face figures stay at the
// issue's targets (as they do up to every 6th frame, the skipped frames'
// error growing with the gap).
const DefaultMeshEvery = 3

// Options say what one analysis is asked to do; the kindred command fills
// them from its flags and checks them.
type Options struct {
	Video       string        // video file, image, or folder of images; with OutDir a folder or glob
	Audio       string        // audio file (WAV), or a pipe read as a stream
	AudioLimit  time.Duration // longest audio read
	Out         string        // per-frame CSV (and Out.voice.csv with Audio)
	Summary     bool          // print the summary JSON on stdout even with Out
	Report      string        // FILE.png or FILE.html
	DetectEvery int
	// MeshEvery, above 1, fits the face mesh on every Nth frame only and
	// interpolates the frames between (interpolateCarried).
	MeshEvery   int
	FaceBackend devices.FaceBackend
	OutDir      string // batch: one CSV and summary per video of Video
	Jobs        int    // batch: recordings analysed at once
	// Progress, when set, draws the progress of a file of total frames
	// (0 when unknown) on w.
	Progress func(w io.Writer, what string, total int) Progress
}

// schedule is the face stack's schedule the options ask for.
func (o Options) schedule() devices.FaceSchedule {
	return devices.FaceSchedule{DetectEvery: o.DetectEvery, MeshEvery: o.MeshEvery}
}

// checkOutputs: every file the run would write can be, before the work
// (package staged): a report in a folder that does not exist would
// otherwise fail after the whole video, and take the CSV down with it.
func checkOutputs(o Options) error {
	var files [][2]string // flag, path
	if o.Out != "" && o.Video != "" {
		files = append(files, [2]string{"--out", o.Out})
	}
	if o.Out != "" && o.Audio != "" {
		files = append(files, [2]string{"--out", o.Out + ".voice.csv"})
	}
	if o.Report != "" {
		files = append(files, [2]string{"--report", o.Report})
	}
	for _, f := range files {
		if err := staged.Check(f[1]); err != nil {
			return badInput("%s %s: %v", f[0], f[1], err)
		}
	}
	return nil
}

// Progress is told how many frames are done, and when the file is.
type Progress interface {
	Update(done int)
	Finish()
}

// Run analyses a video (or image, or folder of images) and/or an audio
// file offline, in media time, as fast as the machine allows, writing the
// summary to stdout and warnings and progress to stderr. Its files describe
// a person: they are written mode 0600, and only when the whole run
// succeeds (outputs). Bad input is a badinput error.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	e := env{stdout, stderr, o.Progress}
	if o.OutDir != "" {
		return analyzeBatch(ctx, e, o.Video, o.OutDir, o.Jobs, o.schedule(), o.FaceBackend)
	}

	if err := checkOutputs(o); err != nil {
		return err
	}
	outs := &staged.Outputs{}
	defer outs.Discard() // whatever was not committed
	var res analysis
	var voices []perception.VoiceObs
	if o.Audio != "" {
		a, obs, err := analyzeAudio(ctx, o.Audio, o.AudioLimit)
		if err != nil {
			return err
		}
		res.Audio, voices = a, obs
		if o.Out != "" {
			path := o.Out + ".voice.csv"
			f, err := outs.Create(path)
			if err != nil {
				return badInput("--out %s: %v", path, err)
			}
			if err := writeVoiceCSV(f, obs); err != nil {
				return fmt.Errorf("write %s: %w", path, err)
			}
		}
	}

	var csv *bufio.Writer
	if o.Out != "" && o.Video != "" { // audio alone has no frames to write
		f, err := outs.Create(o.Out)
		if err != nil {
			return badInput("--out %s: %v", o.Out, err)
		}
		csv = bufio.NewWriter(f)
	}
	hooks, err := newFrameHooks(voices)
	if err != nil {
		return fmt.Errorf("posture and fusion: %w", err)
	}
	if o.Video != "" {
		if err := analyzeVideo(ctx, o.Video, o.schedule(), o.FaceBackend, false, csv, hooks, &res, e.progressOn(e.stderr)); err != nil {
			return err
		}
		if v := res.Video; v.FramesWithFace == 0 {
			fmt.Fprintf(e.stderr, "kindred analyze: warning: no face found in the %d frames of %s\n", v.Frames, o.Video)
		}
	} else {
		hooks.voiceOnly(&res)
	}
	if csv != nil {
		if err := csv.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", o.Out, err)
		}
	}
	res.Pain = hooks.painSummary()
	if o.Report != "" {
		if !res.plottable() {
			fmt.Fprintf(e.stderr, "kindred analyze: warning: %s not written: no face and no pain score to plot\n", o.Report)
		} else if err := writeReport(outs, o.Report, &res); err != nil {
			return fmt.Errorf("report %s: %w", o.Report, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := outs.Commit(); err != nil {
		return fmt.Errorf("write %w", err)
	}
	if o.Summary || o.Out == "" { // with no CSV, the summary is the result
		enc := json.NewEncoder(e.stdout)
		if err := enc.Encode(res.summary()); err != nil {
			return fmt.Errorf("summary: %w", err)
		}
	}
	return nil
}

// analysis is what a run found, for the summary and the report.
type analysis struct {
	Video  *videoSummary
	Audio  *audioSummary
	Pain   *painSummary
	series []FrameRow // one per frame, for the report
}

type videoSummary struct {
	File           string       `json:"file"`
	Frames         int          `json:"frames"`
	FPS            float64      `json:"fps"`
	FramesWithFace int          `json:"frames_with_face"`
	ElapsedS       float64      `json:"elapsed_s"`
	PSPI           meanMaxBlock `json:"pspi"`
	// HeldS, for a still image, is how long it was held before the robot
	// (stillHold); absent for a video.
	HeldS float64 `json:"held_s,omitempty"`
	// Models are the face models that read the video, with their licences.
	Models []models.Model `json:"models"`
	// MeshEvery is --mesh-every above 1, and FramesCarried the frames with a
	// face the mesh did not fit, their values interpolated; both absent
	// when every frame is fitted.
	MeshEvery     int `json:"mesh_every,omitempty"`
	FramesCarried int `json:"frames_carried,omitempty"`
}

type meanMaxBlock struct {
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

type painSummary struct {
	Mean float64         `json:"mean"`
	Max  float64         `json:"max"`
	Band perception.Band `json:"band"`
}

// Summary is the JSON object of `kindred analyze --summary` (contract:
// docs/OUTPUTS.md names every field).
type Summary struct {
	Video *videoSummary `json:"video,omitempty"`
	Audio *audioSummary `json:"audio,omitempty"`
	Pain  *painSummary  `json:"pain,omitempty"`
}

func (a *analysis) summary() Summary {
	return Summary{a.Video, a.Audio, a.Pain}
}

// FrameRow is one CSV row: the attended face (if any), the movement and the
// fused pain score at that frame.
type FrameRow struct {
	Frame   int // from 0, in decoding order
	At      time.Duration
	Face    *perception.FaceObs
	Posture *perception.PostureObs
	Pain    *float64
}

// analyzeVideo analyses a video's frames in order. Unless serial, the
// tracking half of the face pipeline (detection and mesh fits, each frame's
// fit starting from the last's) runs on its own goroutine up to trackDepth
// frames ahead of the rest (blendshapes, AUs, pose, attention, movement),
// which the loop here does in frame order: the output is the same either
// way, byte for byte (TestAnalyzePipelinedIsSerial).
func analyzeVideo(ctx context.Context, path string, sched devices.FaceSchedule, backend devices.FaceBackend, serial bool, csv *bufio.Writer, hooks *frameHooks, res *analysis, newProgress progressFunc) error {
	start := time.Now()
	src, err := camera.OpenFile(path, 0)
	if why := mediaProblem(err); why != "" {
		return badInput("--video %s: %s", path, why)
	}
	if err != nil {
		return fmt.Errorf("--video %s: %w", path, err)
	}
	defer src.Close()
	// Decoding starts at once on its own goroutine, while the face models
	// load (about a second with one core to spare), and then runs ahead of
	// the analysis up to prefetchBytes of frames; face detection on the
	// frames that get it runs on another goroutine a few frames further
	// (both share the second core). The analysis stays in frame order and
	// its output does not change.
	ctx, cancel := context.WithCancel(ctx)
	frames := prefetch(ctx, src, prefetchBytes)
	var closeFace func()
	defer func() {
		cancel()
		for range frames { // the reader is done with src before src.Close
		}
		if closeFace != nil { // and detection with the detector
			closeFace()
		}
	}()
	pipe, closeFace, err := devices.OpenFacePipelineWith(sched, backend, nil, nil)
	if err != nil {
		return err
	}
	frames = detectAhead(ctx, frames, pipe.Ahead(), 32)
	if !serial {
		frames = trackAhead(ctx, frames, pipe, trackDepth)
	}
	v := &videoSummary{File: path, FPS: src.FPS(), Models: devices.FaceModels(backend)}
	var hold time.Duration
	if im, ok := src.(*camera.Images); ok && im.Len() == 1 {
		hold = hooks.stillHold()
		v.HeldS = roundMilli(hold.Seconds())
	}
	progress := newProgress.start("analyze "+filepath.Base(path), frameCount(src))
	defer progress.Finish()
	// First pass: find and measure the faces in every frame (and the
	// movement, which needs the frame itself).
	var feats []face.Features // per row, for the attended face
	for {
		d, ok := <-frames
		if !ok {
			return ctx.Err()
		}
		f, err := d.frame, d.err
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if why := mediaProblem(err); why != "" {
				return badInput("--video %s: frame %d: %s", path, v.Frames, why)
			}
			return fmt.Errorf("--video %s: %w", path, err)
		}
		row := FrameRow{Frame: v.Frames, At: f.At}
		if !d.isTracked {
			d.tracked = pipe.Track(f)
		}
		faces := pipe.Observe(d.tracked)
		var feat face.Features
		d.release()
		attended, moved := hooks.attend.Read(f, faces) // as the live robot reads a frame
		if attended != nil {
			row.Face = attended
			feat = pipe.Features()[0]
		}
		row.Posture = &moved
		res.series = append(res.series, row)
		feats = append(feats, feat)
		v.Frames++
		progress.Update(v.Frames)
	}
	// The frames the mesh schedule skipped take their measurements from
	// the fitted frames around them. Second pass: score every face
	// against its person's neutral face, found over the whole recording,
	// then fuse in time order.
	if sched.MeshEvery > 1 {
		v.MeshEvery, v.FramesCarried = sched.MeshEvery, interpolateCarried(res.series, feats)
	}
	rescoreAgainstNeutral(res.series, feats, face.DefaultOpts())
	if csv != nil {
		fmt.Fprintln(csv, FrameCSVHeader)
	}
	var pspiSum float64
	for i := range res.series {
		row := &res.series[i]
		if row.Face != nil {
			v.FramesWithFace++
			pspiSum += row.Face.PSPI
			v.PSPI.Max = max(v.PSPI.Max, row.Face.PSPI)
		}
		if hold > 0 {
			row.Pain = hooks.holdStill(hold, row.Face, row.Posture)
		} else {
			row.Pain = hooks.painFor(row.At, row.Face, row.Posture)
		}
		if csv != nil {
			writeRow(csv, row)
		}
	}
	if v.FramesWithFace > 0 {
		v.PSPI.Mean = roundMilli(pspiSum / float64(v.FramesWithFace))
	}
	v.PSPI.Max = roundMilli(v.PSPI.Max)
	v.FPS = roundMilli(v.FPS)
	v.ElapsedS = roundMilli(time.Since(start).Seconds())
	res.Video = v
	return nil
}

// rescoreAgainstNeutral is analyze's second pass: each tracked person's
// neutral face is taken from their least expressive frames over the whole
// recording (face.NeutralOf, in the spirit of OpenFace's per-video
// normalisation), and each of their frames is scored again against it, in
// order. A person seen in too few frames for that (a still image) keeps the
// first pass's scores, which are against the population's neutral face
// until the person was seen calm. Frames the mesh schedule skipped count
// with their interpolated measurements (interpolateCarried): on the dev
// set's liveportrait__d0.mp4 at every 3rd frame, that neutral brought the
// skipped frames' AUs as close to every-frame analysis as one from the
// fitted frames alone (0.036 against 0.037 mean error a AU).
func rescoreAgainstNeutral(rows []FrameRow, feats []face.Features, o face.Opts) {
	byTrack := map[int][]face.Features{}
	for i := range rows {
		if f := rows[i].Face; f != nil && f.Expression != perception.ExprUnknown {
			byTrack[f.Track] = append(byTrack[f.Track], feats[i])
		}
	}
	neutral := map[int]face.Baseline{}
	for id, fs := range byTrack {
		if b, ok := face.NeutralOf(fs, &o); ok {
			neutral[id] = b
		}
	}
	scorers := map[int]*face.Scorer{}
	for i := range rows {
		f := rows[i].Face
		if f == nil || f.Expression == perception.ExprUnknown {
			continue
		}
		b, ok := neutral[f.Track]
		if !ok {
			continue
		}
		s := scorers[f.Track]
		if s == nil {
			s = face.NewScorer(o)
			scorers[f.Track] = s
		}
		s.Score(f, feats[i], b, nil)
	}
}

// interpolateCarried fills each run of carried rows of one face (frames
// the mesh schedule skipped, Options.MeshEvery) from the fitted rows of
// the same face on either side: offline both are known, so each carried
// row's measurements, landmarks, box, pose and confidence are interpolated
// linearly in media time (face.Between), and the second pass scores its
// AUs from them. A run with no fitted row of that face after it (the face
// was lost, or the recording ended) keeps its last fitted frame's values.
// The rows stay Carried: fusion counts them as the person present, not as
// evidence. It returns how many rows were carried.
func interpolateCarried(rows []FrameRow, feats []face.Features) int {
	carried := 0
	for i := range rows {
		f := rows[i].Face
		if f == nil {
			continue
		}
		if f.Carried {
			carried++
			continue
		}
		k := i - 1
		for k >= 0 && rows[k].Face != nil && rows[k].Face.Carried && rows[k].Face.Track == f.Track {
			k--
		}
		if k < 0 || k == i-1 || rows[k].Face == nil || rows[k].Face.Track != f.Track || !fitted(rows[k].Face) || !fitted(f) {
			continue
		}
		a, b := rows[k].Face, f
		span := float64(rows[i].At - rows[k].At)
		for j := k + 1; j < i; j++ {
			w := 0.5
			if span > 0 {
				w = float64(rows[j].At-rows[k].At) / span
			}
			ft, o := face.Between(feats[k], feats[i], *a, *b, w)
			o.At, o.Wall, o.Track, o.Carried = rows[j].Face.At, rows[j].Face.Wall, f.Track, true
			*rows[j].Face = o
			feats[j] = ft
		}
	}
	return carried
}

// fitted: a face measured on its own frame (not carried, and with
// measurable landmarks).
func fitted(f *perception.FaceObs) bool {
	return !f.Carried && f.Expression != perception.ExprUnknown
}

// frameCount is how many frames src will give, or 0 when it does not say.
func frameCount(src camera.Source) int {
	switch s := src.(type) {
	case interface{ FrameCount() int }:
		return s.FrameCount()
	case interface{ Len() int }:
		return s.Len()
	}
	return 0
}

type decoded struct {
	frame   perception.Frame
	err     error
	release func() // gives the frame's bytes back to the decoder's budget
	// tracked is the frame's faces as the pipeline's Track found them, when
	// isTracked (trackAhead ran it).
	tracked   face.Tracked
	isTracked bool
}

// trackDepth is how many tracked frames may wait for the rest of the
// analysis: enough to ride over a slow frame (a detection, a new face's
// two mesh fits) without holding many frames.
const trackDepth = 4

// trackAhead runs the face pipeline's Track on each decoded frame, in
// order, on its own goroutine, and passes the frames on in a channel of
// depth frames for the caller to Observe in the same order. Like
// detectAhead it drains its input before closing its output, so the
// decoder and the face models are done with when the output closes.
func trackAhead(ctx context.Context, in <-chan decoded, pipe *face.Pipeline, depth int) <-chan decoded {
	return stage(ctx, in, depth, func(d *decoded) { d.tracked, d.isTracked = pipe.Track(d.frame), true })
}

// stage runs do on each good decoded frame, in order, on its own
// goroutine, and passes the frames on in a channel of depth frames. It
// drains its input before closing its output, so whatever feeds it is done
// when the output closes.
func stage(ctx context.Context, in <-chan decoded, depth int, do func(*decoded)) <-chan decoded {
	out := make(chan decoded, depth)
	go func() {
		defer close(out)
		defer func() {
			for range in {
			}
		}()
		for d := range in {
			if d.err == nil {
				do(&d)
			}
			select {
			case out <- d:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}

// prefetchBytes bounds the decoded frames waiting for the analysis: 32 MB
// is about 140 frames of 640x360, 16 of 1920x1080.
const prefetchBytes = 32 << 20

// prefetch reads src on its own goroutine into a channel, running ahead of
// the reader by up to budget bytes of frames (at least one frame); the reader
// calls release on each value once done with its frame. The last value sent
// is the source's error (io.EOF at the end); the channel closes after it, or
// when ctx is done.
func prefetch(ctx context.Context, src face.FrameSource, budget int64) <-chan decoded {
	out := make(chan decoded, 256)
	held := semaphore.NewWeighted(budget)
	go func() {
		defer close(out)
		for {
			f, err := src.Next(ctx)
			n := int64(0)
			if f.Gray != nil {
				n = int64(len(f.Gray.Pix))
			}
			if f.Color != nil {
				n += int64(len(f.Color.Pix))
			}
			n = min(n, budget)
			if err := held.Acquire(ctx, n); err != nil {
				return
			}
			d := decoded{frame: f, err: err, release: func() { held.Release(n) }}
			select {
			case out <- d:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// detectAhead offers each decoded frame to ahead (which scans the frames the
// face pipeline will detect on) on its own goroutine, and passes it on in a
// channel of depth frames. It closes its output once in is drained, so the
// decoder is done when the output closes.
func detectAhead(ctx context.Context, in <-chan decoded, ahead *face.Ahead, depth int) <-chan decoded {
	if ahead == nil {
		return in
	}
	return stage(ctx, in, depth, func(d *decoded) { ahead.Offer(d.frame) })
}

// mediaProblem says in a few words why a file is bad input, or "" when err
// is not about the file itself.
func mediaProblem(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, camera.ErrNotMedia):
		return camera.ErrNotMedia.Error()
	}
	return ""
}

func roundMilli(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return math.Round(x*1000) / 1000
}

// writeRow writes one CSV row; face columns stay empty when no face was seen,
// posture and pain columns when they have no value.
func writeRow(w *bufio.Writer, r *FrameRow) {
	b := make([]byte, 0, 256)
	num := func(x float64, prec int) { b = strconv.AppendFloat(b, x, 'f', prec, 64) }
	b = strconv.AppendInt(b, int64(r.Frame), 10)
	b = append(b, ',')
	if r.Face != nil {
		b = strconv.AppendInt(b, int64(r.Face.Track), 10)
	}
	b = append(b, ',')
	b = strconv.AppendFloat(b, r.At.Seconds(), 'f', 3, 64)
	if f := r.Face; f != nil {
		b = append(b, ",1,"...)
		num(f.Confidence, 2)
		b = fmt.Appendf(b, ",%d,%d,%d,%d,", f.Box.Min.X, f.Box.Min.Y, f.Box.Dx(), f.Box.Dy())
		num(f.Pose.Yaw.Degrees(), 1)
		b = append(b, ',')
		num(f.Pose.Pitch.Degrees(), 1)
		b = append(b, ',')
		num(f.Pose.Roll.Degrees(), 1)
		a := f.AU
		for _, v := range []float64{a.AU01, a.AU02, a.AU04, a.AU06, a.AU07, a.AU09, a.AU10, a.AU12, a.AU15, a.AU25, a.AU26} {
			b = append(b, ',')
			num(v, 2)
		}
		b = append(b, ',')
		num(a.AU43, 0)
		b = append(b, ',')
		num(f.PSPI, 2)
		b = append(b, ',')
		b = append(b, f.Expression...)
	} else {
		b = append(b, ",0"...)
		b = append(b, strings.Repeat(",", 22)...)
	}
	if p := r.Posture; p != nil {
		b = append(b, ',')
		num(p.Amplitude, 3)
		b = append(b, ',')
		num(p.Speed, 3)
		b = append(b, ',')
		num(p.Jerk, 3)
	} else {
		b = append(b, ",,,"...)
	}
	b = append(b, ',')
	if r.Pain != nil {
		num(*r.Pain, 2)
	}
	b = append(b, '\n')
	w.Write(b)
}

// frameHooks is the seam between the face analysis and the other stages that
// fill a frame's row: the attended face and its movement
// (companion.Attention, as the live robot reads a frame) and the fused
// PAINAD-aligned score (perception/fusion, fed the face, the movement and the
// audio's voice hops up to the frame's time).
//
// The fuser is the companion's own stage, driven differently: the live run
// feeds it through channels and it assesses on the session clock's ticks;
// here each row needs the score at its own frame's media time, with no
// clock to tick on, so the fuser is fed and asked synchronously, frame by
// frame. Two drivers of one stage, not two fusions.
type frameHooks struct {
	attend *companion.Attention
	fuser  *fusion.Fuser
	fusion fusion.Opts // the fuser's
	voices []perception.VoiceObs
	next   int // first voice hop not yet fed
	// pain statistics over assessments with a person present
	painN        int
	painSum, max float64
}

func newFrameHooks(voices []perception.VoiceObs) (*frameHooks, error) {
	attend, err := companion.NewAttention()
	if err != nil {
		return nil, err
	}
	o := fusion.DefaultOpts()
	fuser, err := fusion.New(o)
	if err != nil {
		return nil, err
	}
	return &frameHooks{attend: attend, fuser: fuser, fusion: o, voices: voices}, nil
}

// painFor feeds fusion what was observed up to at and returns its score, or
// nil when no person is present to score.
func (h *frameHooks) painFor(at time.Duration, attended *perception.FaceObs, p *perception.PostureObs) *float64 {
	h.feedVoices(at)
	if attended != nil {
		h.fuser.Face(*attended)
	}
	if p != nil {
		h.fuser.Posture(*p)
	}
	return h.assess(at)
}

// stillHold is how long a still image is held before the robot: fusion's
// settle time (fusion.Opts.Settle), so its score is the one the face
// settles at, not a single frame's first step up from nothing; with audio,
// as long as the audio if that is longer, so the face is seen while the
// whole sound is heard.
func (h *frameHooks) stillHold() time.Duration {
	hold := h.fusion.Settle()
	if n := len(h.voices); n > 0 {
		hold = max(hold, h.voices[n-1].At)
	}
	return hold
}

// holdStill fuses a still image as a face held still before the robot for
// hold: the same face and movement, fed at the frame rate of a video
// (camera.DefaultVideoFPS) from time 0 to hold, and returns the last
// score. The pain summary's mean and max are over the hold's assessments.
func (h *frameHooks) holdStill(hold time.Duration, attended *perception.FaceObs, p *perception.PostureObs) *float64 {
	var pain *float64
	step := time.Duration(float64(time.Second) / camera.DefaultVideoFPS)
	for i := 0; ; i++ {
		at := min(time.Duration(i)*step, hold)
		var face *perception.FaceObs
		if attended != nil {
			f := *attended
			f.At = at
			face = &f
		}
		var moved *perception.PostureObs
		if p != nil {
			m := *p
			m.At = at
			moved = &m
		}
		pain = h.painFor(at, face, moved)
		if at == hold {
			return pain
		}
	}
}

func (h *frameHooks) feedVoices(until time.Duration) {
	for h.next < len(h.voices) && h.voices[h.next].At <= until {
		h.fuser.Voice(h.voices[h.next])
		h.next++
	}
}

func (h *frameHooks) assess(at time.Duration) *float64 {
	a := h.fuser.Assess(at)
	if !a.Present {
		return nil
	}
	h.painN++
	h.painSum += a.Score
	h.max = max(h.max, a.Score)
	s := a.Score
	return &s
}

// voiceOnly scores pain from the audio alone, ten times a second.
func (h *frameHooks) voiceOnly(res *analysis) {
	if len(h.voices) == 0 {
		return
	}
	end := h.voices[len(h.voices)-1].At
	for at := time.Duration(0); at <= end; at += 100 * time.Millisecond {
		h.feedVoices(at)
		res.series = append(res.series, FrameRow{At: at, Pain: h.assess(at)})
	}
}

func (h *frameHooks) painSummary() *painSummary {
	if h.painN == 0 {
		return nil
	}
	return &painSummary{Mean: roundMilli(h.painSum / float64(h.painN)), Max: roundMilli(h.max), Band: perception.BandOf(h.max)}
}

// reportSeries are the curves of the report: PSPI and the action units that
// make it up (AU6/AU7 and AU9/AU10 as PSPI takes them, by their maximum),
// AU12 to show smiles, and the fused pain score.
var reportSeries = []struct {
	id, panel string // for the HTML report's script
	name      string
	color     color.RGBA
	value     func(r *FrameRow) (float64, bool)
}{
	{"pspi", "pspi", "PSPI (0-16)", color.RGBA{200, 30, 30, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return f.PSPI })
	}},
	{"au4", "au", "AU4 brow lowerer", color.RGBA{120, 60, 160, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return f.AU.AU04 })
	}},
	{"au6_7", "au", "max(AU6, AU7) orbit", color.RGBA{230, 140, 20, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return max(f.AU.AU06, f.AU.AU07) })
	}},
	{"au9_10", "au", "max(AU9, AU10) levator", color.RGBA{40, 140, 140, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return max(f.AU.AU09, f.AU.AU10) })
	}},
	{"au12", "au", "AU12 smile", color.RGBA{40, 160, 40, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return f.AU.AU12 })
	}},
	{"au43", "au", "AU43 eyes closed", color.RGBA{90, 90, 90, 255}, func(r *FrameRow) (float64, bool) {
		return faceValue(r, func(f *perception.FaceObs) float64 { return f.AU.AU43 })
	}},
	{"pain", "pain", "pain score (0-10)", color.RGBA{20, 60, 200, 255}, func(r *FrameRow) (float64, bool) {
		if r.Pain == nil {
			return 0, false
		}
		return *r.Pain, true
	}},
}

func faceValue(r *FrameRow, get func(*perception.FaceObs) float64) (float64, bool) {
	if r.Face == nil {
		return 0, false
	}
	return get(r.Face), true
}

// plottable reports whether the report would show any curve at all.
func (a *analysis) plottable() bool {
	for _, s := range reportSeries {
		for i := range a.series {
			if _, ok := s.value(&a.series[i]); ok {
				return true
			}
		}
	}
	return false
}

// writeReport plots the series over time into a PNG, or an interactive HTML
// page (writeHTMLReport), staged in outs.
func writeReport(outs *staged.Outputs, path string, res *analysis) error {
	if strings.EqualFold(filepath.Ext(path), ".html") {
		return writeHTMLReport(outs, path, res)
	}
	p := plot.New()
	p.Title.Text = "kindred analyze: " + reportTitle(res)
	p.X.Label.Text = "time (s)"
	p.Y.Label.Text = "intensity"
	p.Y.Min, p.Y.Max = 0, 16
	p.Legend.Top = true
	for _, s := range reportSeries {
		first := true
		for _, seg := range segments(res.series, s.value) {
			l, err := plotter.NewLine(seg)
			if err != nil {
				return err
			}
			l.Color = s.color
			l.Width = vg.Points(1.2)
			p.Add(l)
			if first {
				p.Legend.Add(s.name, l)
				first = false
			}
		}
	}
	wt, err := p.WriterTo(10*vg.Inch, 5*vg.Inch, "png")
	if err != nil {
		return err
	}
	var png strings.Builder
	if _, err := wt.WriteTo(&png); err != nil {
		return err
	}
	return outs.WriteFile(path, []byte(png.String()))
}

func reportTitle(res *analysis) string {
	var parts []string
	if res.Video != nil {
		parts = append(parts, filepath.Base(res.Video.File))
	}
	if res.Audio != nil {
		parts = append(parts, filepath.Base(res.Audio.File))
	}
	return strings.Join(parts, " + ")
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// segments splits a series where it has no value, so gaps (no face) show
// as gaps rather than as lines drawn across them.
func segments(rows []FrameRow, value func(*FrameRow) (float64, bool)) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range rows {
		v, ok := value(&rows[i])
		if !ok {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: rows[i].At.Seconds(), Y: v})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
