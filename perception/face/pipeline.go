package face

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Opts tunes the pipeline. Start from DefaultOpts().
type Opts struct {
	// DetectEvery runs the detector on every Nth frame and tracks faces by
	// their landmarks in between (1 detects on every frame).
	DetectEvery int
	// DetectEveryTracked, when larger, replaces DetectEvery while faces are
	// tracked by a dense mesh (a MeshFitter), which finds its next crop in
	// its own last fit as MediaPipe's face landmarker does: detection then
	// only looks for newcomers. It is rounded up to a multiple of
	// DetectEvery (so scans run Ahead stay in step); 0 keeps DetectEvery.
	// Tracking by 68 landmarks alone re-anchors on every DetectEvery.
	DetectEveryTracked int
	// DetectBehind runs those newcomer scans (while a mesh tracks faces and
	// nothing runs Ahead) on another goroutine, and the first frame after
	// the scan has finished takes its detections: a frame's latency is then
	// its mesh fits, not a scan as well. A face that comes into view is
	// found a frame or two later, where the scan's box gives the mesh its
	// first crop.
	DetectBehind bool
	// MaxFaces bounds how many faces are tracked; the largest win.
	MaxFaces int
	// MinFace drops detections narrower than this many pixels (landmarks on
	// tiny faces are guesses).
	MinFace int
	// LoseAfter is how many detection rounds in a row a tracked face may go
	// undetected (while its landmarks still fit) before it is dropped.
	LoseAfter int
	// ReidentifyWithin gives a face detected where a track was lost this
	// recently (observation time) the old track's ID, baseline and eye state.
	ReidentifyWithin time.Duration
	// Baseline is the person's calibrated neutral face; nil learns one per
	// tracked face from its calm frames.
	Baseline *Baseline
	// BaselineFor, when set, is asked for each tracked face's calibrated
	// neutral face instead (nil: learn one for that face), so a calibrated
	// person's face is not used for someone else in view.
	BaselineFor func(track int) *Baseline
	// MinEyesClosed is how long the eyes must stay shut to be AU43, not a blink.
	MinEyesClosed time.Duration
	// ClosedRatio: eyes count as shut when their aspect ratio falls below this
	// fraction of the neutral one; ClosedRatioLookingDown applies instead when
	// the head is pitched down more than LookDownPitch degrees.
	ClosedRatio, ClosedRatioLookingDown, LookDownPitch float64
	// Distressed, when set, says whether the person sounded distressed at
	// observation time at: a face is not learnt as calm meanwhile.
	Distressed func(at time.Duration) bool
	// Blender, when set, scores the blendshapes of mesh fits that come
	// without them, in Observe rather than in Track: the blendshape model
	// then runs beside the next frame's mesh fit when the two run on
	// different goroutines (see Track).
	Blender Blender
	// AcceptDrawn turns off the check that keeps drawn faces (cartoons,
	// line drawings, noise-free renders, characters of a colour no skin
	// has) from becoming
	// tracked faces (Looks.Drawn). Off by default: a robot watching a
	// cartoon must not comfort its characters.
	AcceptDrawn bool
	// DrawnTexture lets the texture reasons (DrawnFlat, DrawnNoiseless)
	// reject a face even when its edges are soft; by default they reject
	// only a face whose edges are as crisp as a drawing's (Looks.Sharp).
	// Off by default, since a real face out of focus or through a camera's
	// noise reduction reads as smooth as paint: the dev set's LivePortrait
	// frames, blurred with a Gaussian of 1.5 px, lost their face in 210 of
	// 216 frames with it on (TestBlurredRealFacesStayFaces). Turn it on
	// only where the camera is known to be sharp and noisy.
	DrawnTexture bool
	// MeshEvery, above 1, runs the landmark (mesh) fits of tracked faces on
	// every Nth frame only; MeshRate, above 0, at most that many times a
	// second of observation time (on a grid, so a 60 fps camera at 30 Hz
	// is fitted on every other frame, a 30 fps one on every frame). A frame
	// between is carried: its faces keep their last fit and Observe hands
	// back their last observation marked perception.FaceObs.Carried, for
	// about 1 ms instead of a mesh pass and its blendshapes (some 25 ms on
	// one core). Frames that detect, start a track or follow a cut are
	// always fitted. The fits are the face stack's cost (py-feat's
	// skip_frames and MediaPipe's live graph, dropping frames under load,
	// do the same); 0 or 1 and 0 fit every frame.
	MeshEvery int
	MeshRate  float64
	// TurnedEvery, above 0, looks for a face on its side (a person lying
	// in bed, the head on the pillow): while no face is tracked, on every
	// TurnedEvery-th detection round that finds no face, the detector
	// (a TurnDetector) also scans one copy of the frame turned by the next
	// of TurnAngles, in turn, so each angle is tried once every
	// len(TurnAngles)*TurnedEvery empty rounds. While faces are tracked
	// (a carer or visitor upright beside a resident lying in bed), every
	// TrackedTurnFactor*TurnedEvery-th detection round scans a turned copy
	// too, and a face found there that is not one already tracked, nor one
	// the round's upright scan found, goes on as a new face. YuNet finds
	// faces turned up to about 25 degrees and misses many past 30 (README,
	// "Faces turned, mirrored, small or dim"); once found, the mesh tracks
	// a face at any roll from its own last fit. 0 turns nothing.
	TurnedEvery int
}

// TurnAngles are the turns (degrees, counter-clockwise on screen) the
// frame is scanned at for Opts.TurnedEvery, in the order tried: a face
// rolled by r is upright to within 25 degrees in the copy turned by -45
// for r in 20..70 and by -90 for r in 65..115 (and alike the other way),
// so the four cover a head on either side from where the upright scan
// stops finding it to lying flat, the ±45 first as the cheaper half of a
// person settling on a pillow. A head upside down is no bed's.
var TurnAngles = [...]float64{-45, 45, -90, 90}

// TrackedTurnFactor slows Opts.TurnedEvery's turned scans while faces are
// tracked: one every TrackedTurnFactor*TurnedEvery detection rounds, each
// round DetectEveryTracked frames apart with a mesh. At the defaults (2,
// 12 frames) that is a turned scan every 48 frames, about 0.2 ms a frame
// at some 10 ms a scan, and a second face lying beside a tracked one is
// found within 4*48 = 192 frames (6.4 s at 30 fps; README, "A face on its
// side").
const TrackedTurnFactor = 2

// MaxTurnedEvery bounds Opts.TurnedEvery: at DetectEvery 4 and 30 fps, 8
// empty rounds a turned scan is a lying face found within 128 frames (4 s).
const MaxTurnedEvery = 8

// Blender scores the 52 blendshapes of a dense mesh (a mesh.Fitter does).
type Blender interface {
	Blendshapes(m []Point3) (perception.Blendshapes, error)
}

// DefaultOpts detects every 4th frame (every 12th while a mesh tracks a
// face) and tracks up to 4 faces.
func DefaultOpts() Opts {
	return Opts{
		DetectEvery:            4,
		DetectEveryTracked:     12,
		DetectBehind:           true,
		MaxFaces:               4,
		MinFace:                40,
		LoseAfter:              2,
		ReidentifyWithin:       2 * time.Second,
		MinEyesClosed:          300 * time.Millisecond,
		ClosedRatio:            0.45,
		ClosedRatioLookingDown: 0.3,
		LookDownPitch:          15,
		TurnedEvery:            DefaultTurnedEvery,
	}
}

// DefaultTurnedEvery is Opts.TurnedEvery for elder care, where a person
// lies in bed: one turned scan every other empty detection round, so an
// empty room pays a turned scan on one frame in 8 and a face lying on its
// side waits at most 32 frames (about 1 s at 30 fps) to be found (README,
// "A face on its side").
const DefaultTurnedEvery = 2

// Validate reports an option that cannot work.
func (o Opts) Validate() error {
	switch {
	case o.DetectEvery < 1:
		return fmt.Errorf("face: detect_every %d must be at least 1", o.DetectEvery)
	case o.DetectEveryTracked < 0:
		return fmt.Errorf("face: detect_every_tracked %d must not be negative", o.DetectEveryTracked)
	case o.MaxFaces < 1:
		return fmt.Errorf("face: max_faces %d must be at least 1", o.MaxFaces)
	case o.MinEyesClosed < 0:
		return fmt.Errorf("face: min_eyes_closed %v must not be negative", o.MinEyesClosed)
	case !(o.ClosedRatio > 0 && o.ClosedRatio < 1):
		return fmt.Errorf("face: closed_ratio %g must be in (0, 1)", o.ClosedRatio)
	case !(o.ClosedRatioLookingDown > 0 && o.ClosedRatioLookingDown < 1):
		return fmt.Errorf("face: closed_ratio_looking_down %g must be in (0, 1)", o.ClosedRatioLookingDown)
	case o.MeshEvery < 0 || o.MeshEvery > MaxMeshEvery:
		return fmt.Errorf("face: mesh_every %d must be in [0, %d]", o.MeshEvery, MaxMeshEvery)
	case !(o.MeshRate == 0 || o.MeshRate >= MinMeshRate && o.MeshRate <= 1000):
		return fmt.Errorf("face: mesh_rate %g Hz must be 0 (every frame) or in [%g, 1000]", o.MeshRate, float64(MinMeshRate))
	case o.TurnedEvery < 0 || o.TurnedEvery > MaxTurnedEvery:
		return fmt.Errorf("face: turned_every %d must be in [0, %d]", o.TurnedEvery, MaxTurnedEvery)
	}
	if o.Baseline != nil {
		return o.Baseline.Validate()
	}
	return nil
}

// MaxMeshEvery and MinMeshRate bound the mesh schedule: a face carried
// for more than about half a second is no longer the face in view, and
// fusion takes a face with no fresh observation for a second as gone.
const (
	MaxMeshEvery = 15
	MinMeshRate  = 2
)

// Pipeline turns frames into face observations. It owns the tracks and each
// tracked face's baseline and eye state; use it from one goroutine, or call
// Track from one and Observe from another (see Track).
type Pipeline struct {
	det    Detector
	lm     Landmarker
	pose   PoseEstimator
	opts   Opts
	tracks []*track
	lost   []*track // recently lost, kept for ReidentifyWithin to give a returning face its ID back
	nextID int
	frames int
	force  bool    // detect on the next frame (a track was just lost)
	thumb  []uint8 // the last frame, shrunk, for cut detection
	thumbN []uint8
	stats  Stats
	ahead  *Ahead // detection run ahead on another goroutine, or nil
	// meshTracked is set after each Track while faces are tracked by a mesh
	// (detection every DetectEveryTracked): read by Ahead's goroutine,
	// which then leaves out the scans this schedule would not use.
	meshTracked atomic.Bool
	feats       []Features // measured for the last Process's faces, in order
	// scanning, while not nil, delivers the detections of a scan started on
	// another goroutine while a mesh tracked faces (see Opts.DetectBehind).
	scanning chan scanResult
	// onLeafFault hears the detector's failures (OnLeafFault).
	onLeafFault   func(error)
	detectorFault leafFault
	// The mesh schedule (Opts.MeshEvery, MeshRate): frames carried since
	// the last fitted one, and when the next fit is due.
	sinceFit int
	fitted   bool
	lastFit  time.Duration
	nextFit  time.Duration
	// Opts.TurnedEvery: detection rounds (empty ones while no face is
	// tracked) since the last turned scan, and how many turned scans have
	// been asked for (the next angle).
	turnRounds, turns int
}

// scanResult is one detector scan's answer.
type scanResult struct {
	dets []Detection
	err  error
	// turned: a turned copy was scanned too (Opts.TurnedEvery), finding
	// turnedDets, or failing with turnedErr.
	turned     bool
	turnedDets []Detection
	turnedErr  error
}

// Stats counts what the pipeline did, for benchmarks and the run summary.
type Stats struct {
	Frames, Detections, LandmarkFits, TracksLost, Cuts int
	// DrawnFlat, DrawnNoiseless and DrawnColour count the detections not
	// taken for a person because their skin was painted flat, rendered
	// without noise, or of a colour no skin has (Looks.Drawn).
	DrawnFlat, DrawnNoiseless, DrawnColour int
	// TurnedScans counts the scans of a turned copy of the frame
	// (Opts.TurnedEvery).
	TurnedScans int
}

// track is one tracked face. Track alone changes its fields but learn,
// eyes, scorer, last, lastFeat and observed, which Observe alone uses (see
// Pipeline.Track).
type track struct {
	lostAt time.Duration // when it was lost (in p.lost)
	id     int
	box    image.Rectangle
	lm     [68]perception.Point
	rel    [3]float64 // detection box relative to the landmarks' bounds: centre offset x, y, size (in landmark-box widths)
	score  float64
	missed int
	learn  learner
	eyes   eyeState
	mesh   *MeshFit // the last mesh fit, when the Landmarker is a MeshFitter
	drawn  bool     // the last detection round found it drawn (Looks.Drawn)
	scorer *Scorer
	// last is Observe's last observation of the face and lastFeat what it
	// was read from, handed back on a carried frame (Opts.MeshEvery).
	last     perception.FaceObs
	lastFeat Features
	observed bool
}

// NewPipeline wires the leaves. pose may be nil: faces are then taken as frontal.
func NewPipeline(det Detector, lm Landmarker, pose PoseEstimator, o Opts) (*Pipeline, error) {
	if det == nil || lm == nil {
		return nil, errors.New("face: pipeline needs a detector and a landmarker")
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Pipeline{det: det, lm: lm, pose: pose, opts: o, nextID: 1}, nil
}

// leafFaultEvery is the least media time between two reports of a leaf's
// failures (OnLeafFault): a model failing on every other scan is a fault a
// minute, not one a frame.
const leafFaultEvery = time.Minute

// leafFault is what OnLeafFault has been told of one leaf.
type leafFault struct {
	failing bool          // its last call failed
	told    bool          // a failure has been reported
	at      time.Duration // media time of the last report
}

// OnLeafFault sets what hears the detector's failure on a frame, for a
// live run to record: Process drops the frame's detections and tracks on
// either way, but a detector that fails on every frame is a robot gone
// blind. One call for each run of failed scans, and no more than one per
// leafFaultEvery of media time. Call it before the first frame.
func (p *Pipeline) OnLeafFault(f func(error)) { p.onLeafFault = f }

// detectorResult books a scan's outcome for OnLeafFault.
func (p *Pipeline) detectorResult(at time.Duration, err error) {
	lf := &p.detectorFault
	if err == nil {
		lf.failing = false
		return
	}
	if lf.failing {
		return
	}
	lf.failing = true
	if p.onLeafFault == nil || lf.told && at-lf.at < leafFaultEvery {
		return
	}
	lf.told, lf.at = true, at
	p.onLeafFault(fmt.Errorf("face: detector: %w (the frame goes on with tracking alone)", err))
}

// Stats returns the counters so far.
func (p *Pipeline) Stats() Stats { return p.stats }

// Process analyses one frame and returns the faces in it, the largest
// (closest, attended) first. Errors from a leaf on one frame drop the faces
// it concerned rather than the run. It is Observe(Track(f)).
func (p *Pipeline) Process(f perception.Frame) []perception.FaceObs {
	return p.Observe(p.Track(f))
}

// Tracked is one frame's faces as Track found and fitted them, waiting for
// Observe to measure and score them.
type Tracked struct {
	frame perception.Frame
	faces []seen
	empty bool // no image: Observe returns nil
	// carried: no fit ran on this frame (Opts.MeshEvery, MeshRate), and
	// Observe hands back each face's last observation, marked Carried.
	carried bool
}

// Carried reports whether the frame's faces were carried, not fitted.
func (t Tracked) Carried() bool { return t.carried }

// seen is one tracked face as Track left it, copied: the next frame's
// Track moves the track on while this frame is observed.
type seen struct {
	t     *track // for its observing state only (learn, scorer)
	id    int
	box   image.Rectangle
	lm    [68]perception.Point
	score float64
	mesh  *MeshFit
}

// Track finds, fits and tracks the faces of one frame: the first half of
// Process, whose cost is the detector and the landmark (mesh) fits. Each
// frame's fit starts from the last frame's, so frames are tracked in order,
// one at a time. Observe may then run on another goroutine while Track
// goes on to the next frame, as long as each of the two is called from one
// goroutine and Observe gets every Tracked in frame order.
func (p *Pipeline) Track(f perception.Frame) Tracked {
	p.stats.Frames++
	img := f.Gray
	if img == nil || img.Rect.Empty() {
		return Tracked{empty: true}
	}
	if p.cut(img) {
		// A new shot (or the camera was swung round): the faces now in view
		// are not the ones tracked, so nothing carries over.
		p.stats.Cuts++
		p.tracks, p.lost = p.tracks[:0], p.lost[:0]
		p.force = true
	}
	detect := p.force || p.frames%p.detectEvery() == 0
	p.frames++
	p.force = false
	if !detect && !p.fitDue(f.At) {
		p.sinceFit++
		return p.tracked(f, true)
	}
	p.sinceFit = 0
	p.scheduleFit(f.At)
	switch {
	case detect && p.behind():
		p.trackAll(f)
		p.scanBehind(f.Gray)
	case detect:
		late := p.finishScan()
		p.detectAndMatch(f, nil, late)
	default:
		select {
		case r := <-p.scanning: // a scan started on an earlier frame is done
			p.scanning = nil
			p.detectAndMatch(f, &r, nil)
		default:
			p.trackAll(f)
		}
	}
	p.dedupe(f.At)
	slices.SortStableFunc(p.tracks, func(a, b *track) int { return area(b.box) - area(a.box) })
	if len(p.tracks) > p.opts.MaxFaces {
		p.tracks = p.tracks[:p.opts.MaxFaces]
	}
	p.meshTracked.Store(p.detectEvery() > p.opts.DetectEvery)
	return p.tracked(f, false)
}

// tracked copies the tracks as they stand for Observe.
func (p *Pipeline) tracked(f perception.Frame, carried bool) Tracked {
	tr := Tracked{frame: f, faces: make([]seen, len(p.tracks)), carried: carried}
	for i, t := range p.tracks {
		tr.faces[i] = seen{t: t, id: t.id, box: t.box, lm: t.lm, score: t.score, mesh: t.mesh}
	}
	return tr
}

// fitDue reports whether a frame at observation time at gets its landmark
// fits under Opts.MeshEvery and MeshRate; with no face tracked there is
// nothing to carry.
func (p *Pipeline) fitDue(at time.Duration) bool {
	if len(p.tracks) == 0 || !p.fitted {
		return true
	}
	if p.opts.MeshEvery > 1 && p.sinceFit+1 < p.opts.MeshEvery {
		return false
	}
	if p.opts.MeshRate > 0 && at >= p.lastFit {
		// A quarter period early still counts, so a frame a little early
		// on the camera's clock is not put off to the next one.
		period := p.meshPeriod()
		return at >= p.nextFit-period/4
	}
	return true // time went back (a looped file): fit
}

// scheduleFit books a fitted frame at at: the next fit is due a period
// later on the rate's grid, or a period after at once the grid has fallen
// a period behind (after a gap), so fits never bunch up to catch up.
func (p *Pipeline) scheduleFit(at time.Duration) {
	p.fitted, p.lastFit = true, at
	if p.opts.MeshRate <= 0 {
		return
	}
	period := p.meshPeriod()
	if at-p.nextFit >= period || at < p.nextFit-period {
		p.nextFit = at
	}
	p.nextFit += period
}

func (p *Pipeline) meshPeriod() time.Duration {
	return time.Duration(float64(time.Second) / p.opts.MeshRate)
}

// Observe measures, scores and returns the faces Track found in a frame,
// the largest (closest, attended) first: the second half of Process (head
// pose, the AUs, blendshapes left to it by Opts.Blender, expression, and
// each face's baseline learning).
func (p *Pipeline) Observe(tr Tracked) []perception.FaceObs {
	if tr.empty {
		return nil
	}
	obs := make([]perception.FaceObs, 0, len(tr.faces))
	p.feats = p.feats[:0]
	for i := range tr.faces {
		var o perception.FaceObs
		var feat Features
		if t := tr.faces[i].t; tr.carried && t.observed {
			o, feat = t.last, t.lastFeat
			o.At, o.Wall, o.Carried = tr.frame.At, tr.frame.Wall, true
		} else {
			o, feat = p.observe(tr.frame, &tr.faces[i])
			t.last, t.lastFeat, t.observed = o, feat, true
		}
		obs = append(obs, o)
		p.feats = append(p.feats, feat)
	}
	return obs
}

// detectEvery is the detection period for the next frame (see
// Opts.DetectEveryTracked).
func (p *Pipeline) detectEvery() int {
	every := p.opts.DetectEvery
	if len(p.tracks) == 0 || p.opts.DetectEveryTracked <= every {
		return every
	}
	if _, mesh := p.lm.(MeshFitter); !mesh {
		return every
	}
	return (p.opts.DetectEveryTracked + every - 1) / every * every
}

// Features returns what was measured on each face of the last Process, in
// the order of its result (zero Features for a face whose landmarks could
// not be measured: its Expression is ExprUnknown). `kindred analyze`
// keeps them to score the whole recording again against the neutral face
// found over all of it (NeutralOf). The slice is reused by the next call.
func (p *Pipeline) Features() []Features { return p.feats }

func area(r image.Rectangle) int { return r.Dx() * r.Dy() }

// Cut detection compares 32x24 thumbnails of consecutive frames: a mean
// change of more than cutLevel gray levels is a new scene, far above what
// a person moving or the light changing does to a whole frame.
const (
	thumbW, thumbH = 32, 24
	cutLevel       = 35
)

// cut reports whether img starts a new scene.
func (p *Pipeline) cut(img *image.Gray) bool {
	b := img.Bounds()
	if b.Dx() < thumbW || b.Dy() < thumbH {
		return false
	}
	if p.thumbN == nil {
		p.thumbN = make([]uint8, thumbW*thumbH)
	}
	cw, ch := b.Dx()/thumbW, b.Dy()/thumbH
	for ty := range thumbH {
		for tx := range thumbW {
			// The centre pixel of each cell and its neighbours two to each side.
			x, y := b.Min.X+tx*cw+cw/2, b.Min.Y+ty*ch+ch/2
			sum := 0
			for _, d := range [5][2]int{{0, 0}, {-2, 0}, {2, 0}, {0, -2}, {0, 2}} {
				xx := min(max(x+d[0], b.Min.X), b.Max.X-1)
				yy := min(max(y+d[1], b.Min.Y), b.Max.Y-1)
				sum += int(img.Pix[img.PixOffset(xx, yy)])
			}
			p.thumbN[ty*thumbW+tx] = uint8(sum / 5)
		}
	}
	p.thumb, p.thumbN = p.thumbN, p.thumb
	if p.thumbN == nil {
		return false
	}
	diff := 0
	for i, v := range p.thumb {
		d := int(v) - int(p.thumbN[i])
		diff += max(d, -d)
	}
	return diff > cutLevel*thumbW*thumbH
}

// lose moves a track to the recently-lost list.
func (p *Pipeline) lose(t *track, at time.Duration) {
	p.stats.TracksLost++
	t.lostAt = at
	p.lost = append(p.lost, t)
	if len(p.lost) > 2*p.opts.MaxFaces {
		p.lost = p.lost[1:]
	}
}

// revive returns the recently lost track whose last box a new detection
// falls on (and takes it off the lost list), or nil.
func (p *Pipeline) revive(box image.Rectangle, at time.Duration) *track {
	for i := len(p.lost) - 1; i >= 0; i-- {
		t := p.lost[i]
		if at-t.lostAt > p.opts.ReidentifyWithin || at < t.lostAt {
			continue
		}
		if sameFace(box, t.box) {
			p.lost = slices.Delete(p.lost, i, i+1)
			return t
		}
	}
	return nil
}

// dedupe drops the younger of two tracks that have converged on one face.
func (p *Pipeline) dedupe(at time.Duration) {
	for i := 0; i < len(p.tracks); i++ {
		for j := i + 1; j < len(p.tracks); j++ {
			a, b := p.tracks[i], p.tracks[j]
			if !sameFace(a.box, b.box) {
				continue
			}
			if a.id > b.id {
				p.tracks[i], p.tracks[j] = b, a
			}
			p.tracks = slices.Delete(p.tracks, j, j+1)
			p.stats.TracksLost++
			j--
		}
	}
}

// sameFace: two boxes on one face overlap well, or one sits mostly inside
// the other (detectors often report a face and its inner part).
func sameFace(a, b image.Rectangle) bool {
	in := area(a.Intersect(b))
	if in == 0 {
		return false
	}
	return iou(a, b) > 0.3 || float64(in) > 0.6*float64(min(area(a), area(b)))
}

// suppress keeps the strongest of detections on the same face.
func suppress(dets []Detection) []Detection {
	slices.SortStableFunc(dets, func(a, b Detection) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return area(b.Box) - area(a.Box)
	})
	kept := dets[:0]
	for _, d := range dets {
		dup := false
		for _, k := range kept {
			if sameFace(d.Box, k.Box) {
				dup = true
				break
			}
		}
		if !dup {
			kept = append(kept, d)
		}
	}
	slices.SortStableFunc(kept, func(a, b Detection) int { return area(b.Box) - area(a.Box) })
	return kept
}

// trackAll refits every track's landmarks in the box its last landmarks
// predict, dropping tracks whose new fit is implausible.
func (p *Pipeline) trackAll(f perception.Frame) {
	kept := p.tracks[:0]
	for _, t := range p.tracks {
		if p.refit(f, t, t.predictBox(), [2]perception.Point{}) {
			kept = append(kept, t)
		} else {
			p.lose(t, f.At)
			p.force = true
		}
	}
	p.tracks = kept
}

// refit fits landmarks in box and accepts them if they are plausible next to
// the track's last ones.
func (p *Pipeline) refit(f perception.Frame, t *track, box image.Rectangle, eyes [2]perception.Point) bool {
	if !textured(f.Gray, box) {
		return false
	}
	lm, mesh, err := p.fit(f, box, eyes, t.mesh)
	if err != nil || !plausible(&lm, box, &t.lm) {
		return false
	}
	t.lm, t.mesh = lm, mesh
	t.box = box
	return true
}

// behind reports whether this frame's scan may run behind (see
// Opts.DetectBehind): a mesh tracks every face, nothing runs Ahead, and no
// scan is already under way.
func (p *Pipeline) behind() bool {
	if !p.opts.DetectBehind || p.ahead != nil || len(p.tracks) == 0 || p.scanning != nil {
		return false
	}
	_, mesh := p.lm.(MeshFitter)
	return mesh
}

// scanBehind starts the detector on img on another goroutine.
func (p *Pipeline) scanBehind(img *image.Gray) {
	boxes := p.trackedBoxes()
	ch := make(chan scanResult, 1)
	p.scanning = ch
	p.stats.Detections++
	td, deg, turn := p.turnDue(false)
	go func() {
		r := scanResult{}
		r.dets, r.err = p.scan(img, boxes)
		if turn && r.err == nil {
			r.turned = true
			r.turnedDets, r.turnedErr = td.DetectTurned(img, deg)
		}
		ch <- r
	}()
}

// finishScan waits for a scan under way, if any, and returns it: the frame
// about to be scanned supersedes its upright scan (and the detector is not
// asked twice at once), but not its turned one (see detectAndMatch).
func (p *Pipeline) finishScan() *scanResult {
	if p.scanning == nil {
		return nil
	}
	r := <-p.scanning
	p.scanning = nil
	return &r
}

// scan is the detector's answer for img, given the tracked boxes.
func (p *Pipeline) scan(img *image.Gray, tracked []image.Rectangle) ([]Detection, error) {
	if fb, ok := p.det.(Fallback); ok {
		return fb.DetectTracked(img, tracked)
	}
	if ta, ok := p.det.(trackAware); ok {
		return ta.DetectTracked(img, tracked)
	}
	return p.det.Detect(img)
}

func (p *Pipeline) trackedBoxes() []image.Rectangle {
	boxes := make([]image.Rectangle, len(p.tracks))
	for i, t := range p.tracks {
		boxes[i] = t.box
	}
	return boxes
}

// detectAndMatch matches detections to the tracks and starts new ones:
// this frame's scan, or (done not nil) a scan of an earlier frame that ran
// behind. late, when not nil, is a scan behind this frame's scan
// supersedes: its upright detections are dropped, but a turned scan it
// made stands for this round's, whose angle it took (the faces it found
// go through this frame's fits), so that an angle is not lost whenever
// the scan behind is not done by the next round.
func (p *Pipeline) detectAndMatch(f perception.Frame, done, late *scanResult) {
	img, at := f.Gray, f.At
	var dets []Detection
	var err error
	if done != nil {
		dets, err = done.dets, done.err
	} else {
		dets, err = p.detect(p.frames-1, img, p.trackedBoxes())
		p.stats.Detections++
	}
	p.detectorResult(at, err)
	if err != nil {
		dets = nil // this frame goes on with tracking alone
	}
	small := func(d Detection) bool {
		return d.Box.Dx() < p.opts.MinFace || d.Box.Dy() < p.opts.MinFace
	}
	dets = slices.DeleteFunc(dets, small)
	var turned []Detection
	switch {
	case err != nil:
	case done != nil && done.turned:
		turned = p.turnedBehind(at, done)
	case done == nil && late != nil && late.turned:
		turned = p.turnedBehind(at, late)
	case done == nil:
		turned = p.detectTurned(img, at, len(dets) == 0)
	}
	dets = append(dets, p.newFaces(slices.DeleteFunc(turned, small), dets)...)
	dets = suppress(dets)
	matched := make([]bool, len(p.tracks))
	for _, d := range dets {
		best, bestIoU := -1, 0.0
		for i, t := range p.tracks {
			if matched[i] || !sameFace(d.Box, t.box) {
				continue
			}
			if u := iou(d.Box, t.box); u >= bestIoU {
				best, bestIoU = i, u
			}
		}
		if best >= 0 {
			t := p.tracks[best]
			if p.refit(f, t, d.Box, d.Eyes) {
				matched[best] = true
				// Each detection round looks again: one frame where a
				// feature's edge crossed the skin spots must not let a
				// drawn face in for good.
				t.drawn = p.drawn(f, &t.lm)
				t.missed, t.score = 0, d.Score
				t.rel = relation(d.Box, &t.lm)
			}
			continue
		}
		if len(p.tracks) >= p.opts.MaxFaces*2 {
			continue
		}
		lm, mesh, err := p.fit(f, d.Box, d.Eyes, nil)
		if err != nil || !plausible(&lm, d.Box, nil) || p.drawn(f, &lm) {
			continue
		}
		t := p.revive(d.Box, at)
		if t == nil {
			t = &track{id: p.nextID}
			p.nextID++
		}
		t.box, t.lm, t.mesh, t.score, t.missed = d.Box, lm, mesh, d.Score, 0
		t.rel = relation(d.Box, &lm)
		p.tracks = append(p.tracks, t)
		matched = append(matched, true)
	}
	kept := p.tracks[:0]
	for i, t := range p.tracks {
		if t.drawn {
			continue // not a person: dropped, not kept to be re-identified
		}
		if !matched[i] {
			// The upright scan does not see a face rolled past about 25
			// degrees (a head on the pillow), so its silence is no sign
			// the face has gone: the mesh's presence decides in refit.
			if !rolled(&t.lm) {
				t.missed++
			}
			if t.missed > p.opts.LoseAfter || !p.refit(f, t, t.predictBox(), [2]perception.Point{}) {
				p.lose(t, at)
				continue
			}
		}
		kept = append(kept, t)
	}
	p.tracks = kept
}

// maxUprightRoll is the roll (degrees) past which the upright scan is not
// expected to find a face: YuNet found every dev-set face turned by 20
// degrees but the smallest, and missed four at 30.
const maxUprightRoll = 25

// rolled reports whether the face's eye line leans more than
// maxUprightRoll from level.
func rolled(lm *[68]perception.Point) bool {
	r, l := eyeCentres(lm)
	return math.Abs(math.Atan2(l.Y-r.Y, l.X-r.X))*180/math.Pi > maxUprightRoll
}

// turnDue books a detection round for Opts.TurnedEvery and says whether
// it scans a turned copy, and at which angle, with the detector to ask:
// while no face is tracked, every TurnedEvery-th round that found no face
// (empty); while faces are tracked, every TrackedTurnFactor*TurnedEvery-th
// round, whatever the upright scan found.
func (p *Pipeline) turnDue(empty bool) (TurnDetector, float64, bool) {
	td, ok := p.det.(TurnDetector)
	if fb, isFallback := p.det.(Fallback); isFallback {
		ok = fb.canTurn()
	}
	if p.opts.TurnedEvery <= 0 || !ok {
		return nil, 0, false // the dlib backend's detector, say
	}
	every := p.opts.TurnedEvery
	if len(p.tracks) > 0 {
		every *= TrackedTurnFactor
	} else if !empty {
		return nil, 0, false
	}
	p.turnRounds++
	if p.turnRounds < every {
		return nil, 0, false
	}
	p.turnRounds = 0
	deg := TurnAngles[p.turns%len(TurnAngles)]
	p.turns++
	return td, deg, true
}

// detectTurned is Opts.TurnedEvery's scan after a detection round whose
// upright scan found no face (empty) or faces: the frame turned by the
// next of TurnAngles when turnDue says so. A face found there goes on as
// any detection does (its size, its mesh's presence and plausibility, the
// drawn-face check), once newFaces has dropped the faces already seen.
func (p *Pipeline) detectTurned(img *image.Gray, at time.Duration, empty bool) []Detection {
	td, deg, ok := p.turnDue(empty)
	if !ok {
		return nil
	}
	p.stats.TurnedScans++
	dets, err := td.DetectTurned(img, deg)
	p.detectorResult(at, err)
	if err != nil {
		return nil
	}
	return dets
}

// turnedBehind books the turned scan a scan behind made and returns its
// detections.
func (p *Pipeline) turnedBehind(at time.Duration, r *scanResult) []Detection {
	p.stats.TurnedScans++
	p.detectorResult(at, r.turnedErr)
	if r.turnedErr != nil {
		return nil
	}
	return r.turnedDets
}

// newFaces drops from a turned scan's detections those on a face already
// tracked or found by the round's upright scan (sameFace: IoU above 0.3, or
// one box mostly inside the other): an upright face seen again in a copy
// turned by 45 degrees has a box not its own, and a face tracked is
// re-anchored by the upright scan or its own mesh.
func (p *Pipeline) newFaces(turned, upright []Detection) []Detection {
	return slices.DeleteFunc(turned, func(d Detection) bool {
		for _, t := range p.tracks {
			if sameFace(d.Box, t.box) {
				return true
			}
		}
		for _, u := range upright {
			if sameFace(d.Box, u.Box) {
				return true
			}
		}
		return false
	})
}

// drawn reports (and counts) a new face whose skin shows it drawn, not
// filmed (Looks.Drawn): it is no face, so no track, AUs or pain.
func (p *Pipeline) drawn(f perception.Frame, lm *[68]perception.Point) bool {
	if p.opts.AcceptDrawn {
		return false
	}
	l := MeasureLooks(f, lm)
	// Smooth skin is paint only with a drawing's crisp edges: a real face
	// out of focus or denoised is smooth too, with soft edges.
	texture := p.opts.DrawnTexture || l.Sharp()
	switch l.Drawn() {
	case DrawnFlat:
		if !texture {
			return false
		}
		p.stats.DrawnFlat++
	case DrawnNoiseless:
		if !texture {
			return false
		}
		p.stats.DrawnNoiseless++
	case DrawnColour:
		p.stats.DrawnColour++
	default:
		return false
	}
	return true
}

// observe turns a track's landmarks into an observation, and returns the
// features it was read from.
func (p *Pipeline) observe(f perception.Frame, s *seen) (perception.FaceObs, Features) {
	t := s.t
	o := perception.FaceObs{At: f.At, Track: s.id, Box: s.box, Landmarks: s.lm, HasLandmarks: true, Wall: f.Wall}
	if p.pose != nil {
		if hp, err := p.pose.Pose(&s.lm, f.Gray.Bounds().Size()); err == nil {
			o.Pose = hp
		}
	}
	feat, ok := Measure(f.Gray, &s.lm, o.Pose)
	if !ok {
		o.Confidence = 0
		o.Expression = perception.ExprUnknown
		return o, Features{}
	}
	o.Confidence = s.score * shapeQuality(&s.lm, o.Pose)
	calibrated := p.opts.Baseline
	if p.opts.BaselineFor != nil {
		calibrated = p.opts.BaselineFor(s.id)
	}
	base := populationBaseline
	switch {
	case calibrated != nil:
		base = *calibrated
	default:
		if b, has := t.learn.baseline(&p.opts); has {
			base = b
		}
	}
	if m := s.mesh; m != nil {
		bs, has := m.Blendshapes, m.HasBlendshapes
		if !has && p.opts.Blender != nil && len(m.Mesh) > 0 {
			var err error
			bs, err = p.opts.Blender.Blendshapes(m.Mesh)
			has = err == nil
		}
		if has {
			o.Blendshapes, o.HasBlendshapes = bs, true
			feat.Blend = &bs
		}
	}
	if t.scorer == nil {
		t.scorer = NewScorer(p.opts)
	}
	t.scorer.Score(&o, feat, base, nil)
	if calibrated == nil {
		distressed := p.opts.Distressed != nil && p.opts.Distressed(f.At)
		t.learn.offer(f.At, feat, distressed, &p.opts)
	}
	return o, feat
}

// shapeQuality is 1 for landmarks that frontalise onto the generic face's
// rigid points and falls towards 0 for shapes no face makes (occlusion,
// a fit on a non-face): landmarks that are guesses lower the confidence.
func shapeQuality(lm *[68]perception.Point, pose perception.HeadPose) float64 {
	f := frontalise(lm, pose)
	var cf, cm Point3
	for _, i := range RigidPoints {
		cf.X += f[i].X
		cf.Y += f[i].Y
		cm.X += GenericFace[i].X
		cm.Y += GenericFace[i].Y
	}
	n := float64(len(RigidPoints))
	var ss float64
	for _, i := range RigidPoints {
		dx := (f[i].X - cf.X/n) - (GenericFace[i].X - cm.X/n)
		dy := (f[i].Y - cf.Y/n) - (GenericFace[i].Y - cm.Y/n)
		ss += dx*dx + dy*dy
	}
	rms := math.Sqrt(ss/n) / 63 // generic inter-ocular distance, mm
	return 1 - level(rms, 0.08, 0.35)
}

// predictBox places a detector-like box on the track's landmarks, keeping the
// relation the last detection box had to them.
func (t *track) predictBox() image.Rectangle {
	lb := landmarkBounds(&t.lm)
	w := lb.Max.X - lb.Min.X
	cx := (lb.Min.X+lb.Max.X)/2 + t.rel[0]*w
	cy := (lb.Min.Y+lb.Max.Y)/2 + t.rel[1]*w
	half := t.rel[2] * w / 2
	return image.Rect(int(math.Round(cx-half)), int(math.Round(cy-half)), int(math.Round(cx+half)), int(math.Round(cy+half)))
}

type boundsF struct{ Min, Max perception.Point }

func landmarkBounds(lm *[68]perception.Point) boundsF {
	b := boundsF{lm[0], lm[0]}
	for _, q := range lm[1:] {
		b.Min.X, b.Min.Y = min(b.Min.X, q.X), min(b.Min.Y, q.Y)
		b.Max.X, b.Max.Y = max(b.Max.X, q.X), max(b.Max.Y, q.Y)
	}
	return b
}

func relation(box image.Rectangle, lm *[68]perception.Point) [3]float64 {
	lb := landmarkBounds(lm)
	w := lb.Max.X - lb.Min.X
	if w <= 0 {
		return [3]float64{0, 0, 1}
	}
	bx := float64(box.Min.X+box.Max.X) / 2
	by := float64(box.Min.Y+box.Max.Y) / 2
	return [3]float64{
		(bx - (lb.Min.X+lb.Max.X)/2) / w,
		(by - (lb.Min.Y+lb.Max.Y)/2) / w,
		float64(max(box.Dx(), box.Dy())) / w,
	}
}

// plausible checks that landmarks look like a face in box: finite, the eyes
// a sensible fraction of the box apart, the mouth below the eyes and the
// nose tip along the face's own vertical axis, and (when prev is given) not
// jumped or rescaled too far since the last frame.
//
// The nose tip is not required to sit below the eyes by any margin: it
// stands in front of the eyes, so a head tilted back brings it up to the
// eye line in the image (on GenericFace at about 45 degrees of pitch), and
// an infant's nose is short next to the spacing of its eyes (the face grows
// more in height than in width after birth; Farkas, Anthropometry of the
// Head and Face, 1994).
// A margin of a quarter of the eye distance rejected adults tilted back
// beyond about 35 degrees and both infant photographs of the dev set (0.23
// and 0.18) while their meshes fitted with full presence. The mouth,
// further from the eyes and less forward, keeps its place below them to
// about 60 degrees.
const (
	// minEyeMouth is the least distance, in eye distances, from the eye
	// line down to the mouth (GenericFace: 1.17 frontal, 0.31 tilted back
	// 60 degrees); the nose tip may be no further than this above the eyes.
	minEyeMouth = 0.25
	// minNoseMouth is the least distance from the nose tip down to the
	// mouth (GenericFace: 0.56 frontal, 0.14 looking down 50 degrees).
	minNoseMouth = 0.1
)

func plausible(lm *[68]perception.Point, box image.Rectangle, prev *[68]perception.Point) bool {
	for _, q := range lm {
		if math.IsNaN(q.X) || math.IsNaN(q.Y) || math.IsInf(q.X, 0) || math.IsInf(q.Y, 0) {
			return false
		}
	}
	iod := iodOf(lm)
	w := float64(box.Dx())
	if w <= 0 || iod < 0.15*w || iod > 0.8*w {
		return false
	}
	re, le := eyeCentres(lm)
	// Face "down" axis: the eye line turned a quarter clockwise (image y down).
	ux, uy := (le.X-re.X)/iod, (le.Y-re.Y)/iod
	dx, dy := -uy, ux
	eyeY := (re.X+le.X)/2*dx + (re.Y+le.Y)/2*dy
	noseY := lm[30].X*dx + lm[30].Y*dy
	mouthY := (lm[51].X+lm[57].X)/2*dx + (lm[51].Y+lm[57].Y)/2*dy
	if !(mouthY-eyeY > minEyeMouth*iod && mouthY-noseY > minNoseMouth*iod && noseY-eyeY > -minEyeMouth*iod) {
		return false
	}
	if prev != nil && prev[0] != (perception.Point{}) {
		piod := iodOf(prev)
		if piod <= 0 || iod/piod < 0.7 || iod/piod > 1.4 {
			return false
		}
		pc, c := prev[30], lm[30]
		if math.Hypot(c.X-pc.X, c.Y-pc.Y) > 1.2*piod {
			return false
		}
	}
	return true
}

// textured reports whether the box holds any image structure: a shape model
// fitted to a blank wall still returns a face-like guess, so a track whose
// box has gone flat (the person left, the lens was covered) is dropped here.
func textured(img *image.Gray, box image.Rectangle) bool {
	r := box.Intersect(img.Bounds())
	if r.Dx() < 4 || r.Dy() < 4 {
		return false
	}
	step := max(1, min(r.Dx(), r.Dy())/16)
	var n, sum, sum2 float64
	for y := r.Min.Y; y < r.Max.Y; y += step {
		o := img.PixOffset(r.Min.X, y)
		for x := 0; x < r.Dx(); x += step {
			v := float64(img.Pix[o+x])
			n++
			sum += v
			sum2 += v * v
		}
	}
	mean := sum / n
	return sum2/n-mean*mean >= minContrast*minContrast
}

// minContrast is the gray-level standard deviation below which a box is blank.
const minContrast = 4.0

func iou(a, b image.Rectangle) float64 {
	in := area(a.Intersect(b))
	if in == 0 {
		return 0
	}
	return float64(in) / float64(area(a)+area(b)-in)
}

// Run reads frames from src until it ends (io.EOF) or ctx is done, and hands
// each frame's faces to out (an empty slice when none). It reports a face
// coming into view and leaving as EventArrived/EventLeft with Person
// "face-<track>"; events are never dropped, so events must be drained (or nil).
func (p *Pipeline) Run(ctx context.Context, src FrameSource, out func([]perception.FaceObs), events chan<- perception.Event) error {
	present := map[int]bool{}
	for {
		f, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("face: frame source: %w", err)
		}
		obs := p.Process(f)
		if events != nil {
			if err := p.emitPresence(ctx, f.At, obs, present, events); err != nil {
				return nil
			}
		}
		out(obs)
	}
}

func (p *Pipeline) emitPresence(ctx context.Context, at time.Duration, obs []perception.FaceObs, present map[int]bool, events chan<- perception.Event) error {
	now := make(map[int]bool, len(obs))
	var evs []perception.Event
	for _, o := range obs {
		now[o.Track] = true
		if !present[o.Track] {
			evs = append(evs, perception.Event{At: at, Kind: perception.EventArrived, Person: fmt.Sprintf("face-%d", o.Track), Modality: perception.ModFace})
		}
	}
	for id := range present {
		if !now[id] {
			evs = append(evs, perception.Event{At: at, Kind: perception.EventLeft, Person: fmt.Sprintf("face-%d", id), Modality: perception.ModFace})
		}
	}
	slices.SortFunc(evs, func(a, b perception.Event) int { return cmp.Compare(a.Person, b.Person) })
	clear(present)
	for id := range now {
		present[id] = true
	}
	for _, e := range evs {
		select {
		case events <- e:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
