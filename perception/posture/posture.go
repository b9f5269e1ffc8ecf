package posture

import (
	"fmt"
	"image"
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Baseline is a person's usual movement, from calibration (the same 0..1
// scales as perception.PostureObs). Zero values mean unknown: the Analyzer
// then learns a running baseline from the first minute it sees.
type Baseline struct {
	Amplitude float64 `yaml:"amplitude" json:"amplitude"`
	Speed     float64 `yaml:"speed" json:"speed"`
}

// Opts tunes the Analyzer.
type Opts struct {
	Window          time.Duration // movement qualities are computed over this much history
	BreathingWindow time.Duration // breathing needs several cycles
	Stride          int           // sample every Stride-th pixel in each direction
	DiffThreshold   uint8         // gray-level change that counts as motion
	Baseline        Baseline      // the person's usual movement, if calibrated
}

// DefaultOpts are tuned for 10–30 fps video of a seated person.
func DefaultOpts() Opts {
	return Opts{Window: 3 * time.Second, BreathingWindow: 20 * time.Second, Stride: 2, DiffThreshold: 14}
}

// Validate reports the first unusable option.
func (o Opts) Validate() error {
	switch {
	case o.Window < 500*time.Millisecond:
		return fmt.Errorf("posture: window %v shorter than 500ms", o.Window)
	case o.BreathingWindow < o.Window:
		return fmt.Errorf("posture: breathing window %v shorter than window %v", o.BreathingWindow, o.Window)
	case o.Stride < 1 || o.Stride > 16:
		return fmt.Errorf("posture: stride %d outside 1..16", o.Stride)
	case o.Baseline.Amplitude < 0 || o.Baseline.Amplitude > 1 || o.Baseline.Speed < 0 || o.Baseline.Speed > 1:
		return fmt.Errorf("posture: baseline outside 0..1")
	}
	return nil
}

// HeadDynamics describes the head's movement over the last few seconds, 0..1 each.
type HeadDynamics struct {
	Nodding float64 // pitch oscillating at ≥ 0.8 Hz
	Shaking float64 // yaw oscillating at ≥ 0.8 Hz
	Rocking float64 // slow (0.2–0.8 Hz) pitch or roll oscillation
	Hanging float64 // head held low (pitch well below level)
}

// sample is what one frame contributes.
type sample struct {
	at     time.Duration
	x, y   float64 // body position, leaky-integrated displacement, region heights
	vx, vy float64 // velocity, region heights per second
	energy float64 // fraction of region pixels that changed
	moved  bool    // velocity is meaningful (same region as the previous frame)
}

type headSample struct {
	at               time.Duration
	yaw, pitch, roll float64
}

// Analyzer turns frames (and the face, when there is one) into movement
// qualities. It is not safe for concurrent use.
type Analyzer struct {
	o Opts

	region   image.Rectangle // current analysis region in frame pixels
	faceSeen time.Duration   // when the anchoring face was last seen
	prev     []uint8         // sampled region pixels of the previous frame
	prevRows []float64
	prevCols []float64
	rows     []float64
	cols     []float64
	cur      []uint8
	lastAt   time.Duration
	posX     float64
	posY     float64

	samples []sample // newest last, trimmed to BreathingWindow
	heads   []headSample

	baseSpeed, baseAmp float64 // running baseline when none was given
	baseN              int
	breath             float64 // last breathing estimate (recomputed once a second)
	breathAt           time.Duration
	head               HeadDynamics
	rhythmAt           time.Duration // when head dynamics and body rocking were last computed
	bodyRock           float64
	bodyPeriod         float64
	last               perception.PostureObs
}

// New returns an Analyzer, or the first invalid option.
func New(o Opts) (*Analyzer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return &Analyzer{o: o, baseSpeed: o.Baseline.Speed, baseAmp: o.Baseline.Amplitude}, nil
}

// Update analyses one frame. face is the person's face in this frame, or nil
// when none was found; the region below the last face stays in use for two
// seconds, after which the whole frame is analysed.
func (a *Analyzer) Update(f perception.Frame, face *perception.FaceObs) perception.PostureObs {
	if f.Gray == nil || f.Gray.Rect.Dx() < 8 || f.Gray.Rect.Dy() < 8 {
		return a.last
	}
	if len(a.samples) > 0 && f.At <= a.lastAt {
		return a.last // out of order or repeated
	}
	region := a.chooseRegion(f, face).Intersect(f.Gray.Rect)
	if region.Empty() && face != nil {
		// A close-up: the face fills the frame down to its bottom edge and
		// no body is in view. The face's own movement (talking, an
		// expression) is not body movement: no sample is taken, and the
		// next region starts afresh.
		a.region, a.prev = image.Rectangle{}, nil
		a.lastAt = f.At
		a.heads = append(a.heads, headSample{face.At, face.Pose.Yaw.Degrees(), face.Pose.Pitch.Degrees(), face.Pose.Roll.Degrees()})
		a.heads = trim(a.heads, f.At-headWindow, func(h headSample) time.Duration { return h.at })
		a.last = perception.PostureObs{At: f.At, Wall: f.Wall}
		return a.last
	}
	if region.Dx() < 8 || region.Dy() < 8 { // a face off the edge, a frame that shrank
		region = f.Gray.Rect
	}
	s := sample{at: f.At}
	a.profile(f.Gray, region)
	if region == a.region && a.prev != nil && len(a.prev) == len(a.cur) {
		dt := (f.At - a.lastAt).Seconds()
		h := float64(region.Dy())
		dy := shift(a.prevRows, a.rows, 6) * float64(a.o.Stride) / h
		dx := shift(a.prevCols, a.cols, 6) * float64(a.o.Stride) / h
		a.posX = a.posX*0.995 + dx
		a.posY = a.posY*0.995 + dy
		s.vx, s.vy = dx/dt, dy/dt
		s.energy = a.changed()
		s.moved = true
	}
	s.x, s.y = a.posX, a.posY
	a.region = region
	a.prev, a.cur = a.cur, a.prev
	a.prevRows, a.rows = a.rows, a.prevRows
	a.prevCols, a.cols = a.cols, a.prevCols
	a.lastAt = f.At
	a.samples = append(a.samples, s)
	a.samples = trim(a.samples, f.At-a.o.BreathingWindow, func(s sample) time.Duration { return s.at })
	if face != nil {
		a.heads = append(a.heads, headSample{face.At, face.Pose.Yaw.Degrees(), face.Pose.Pitch.Degrees(), face.Pose.Roll.Degrees()})
	}
	a.heads = trim(a.heads, f.At-headWindow, func(h headSample) time.Duration { return h.at })
	a.last = a.measure(f, face != nil)
	return a.last
}

func trim[T any](xs []T, before time.Duration, at func(T) time.Duration) []T {
	i := 0
	for i < len(xs) && at(xs[i]) < before {
		i++
	}
	if i == 0 {
		return xs
	}
	n := copy(xs, xs[i:])
	return xs[:n]
}

// chooseRegion anchors the analysis region below the face, keeping it still
// while the face moves less than a quarter of its size, so that the region's
// own movement does not read as body movement.
func (a *Analyzer) chooseRegion(f perception.Frame, face *perception.FaceObs) image.Rectangle {
	bounds := f.Gray.Rect
	if face == nil || face.Box.Empty() {
		if a.faceSeen > 0 && f.At-a.faceSeen < 2*time.Second && !a.region.Empty() {
			return a.region
		}
		return bounds
	}
	a.faceSeen = max(f.At, 1)
	b := face.Box
	w, h := b.Dx(), b.Dy()
	r := image.Rect(b.Min.X-w/2, b.Max.Y, b.Max.X+w/2, b.Max.Y+3*h/2).Intersect(bounds)
	if r.Dy() < max(16, h/4) || r.Dx() < 16 {
		// No room below the face for a body: a strip under the chin is
		// neck and jaw, which talking moves, and a region that took in
		// the face read talking and expressions as restlessness (on the
		// dev set's close-up talking heads restlessness 0.3-1 and a fused
		// score of 2-3 with a calm face).
		return image.Rectangle{}
	}
	if old := a.region; !old.Empty() && old != bounds {
		d := r.Min.Sub(old.Min)
		if abs(d.X) < w/4 && abs(d.Y) < h/4 && abs(r.Dx()-old.Dx()) < w/4 && abs(r.Dy()-old.Dy()) < h/4 {
			return old
		}
	}
	return r
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// profile samples the region into cur and its row and column means.
func (a *Analyzer) profile(g *image.Gray, r image.Rectangle) {
	st := a.o.Stride
	nx, ny := (r.Dx()+st-1)/st, (r.Dy()+st-1)/st
	a.cur = resize(a.cur, nx*ny)
	a.rows = resizeF(a.rows, ny)
	a.cols = resizeF(a.cols, nx)
	clear(a.cols)
	for j := 0; j < ny; j++ {
		y := r.Min.Y + j*st
		base := g.PixOffset(r.Min.X, y)
		sum := 0
		for i := 0; i < nx; i++ {
			v := g.Pix[base+i*st]
			a.cur[j*nx+i] = v
			sum += int(v)
			a.cols[i] += float64(v)
		}
		a.rows[j] = float64(sum) / float64(nx)
	}
	for i := range a.cols {
		a.cols[i] /= float64(ny)
	}
}

func resize(b []uint8, n int) []uint8 {
	if cap(b) < n {
		return make([]uint8, n)
	}
	return b[:n]
}

func resizeF(b []float64, n int) []float64 {
	if cap(b) < n {
		return make([]float64, n)
	}
	return b[:n]
}

// changed is the fraction of sampled pixels that differ from the previous frame.
func (a *Analyzer) changed() float64 {
	n := 0
	th := int32(a.o.DiffThreshold)
	prev := a.prev[:len(a.cur)]
	for i, v := range a.cur {
		// Branch-free |d| > th: noisy pixels would otherwise mispredict.
		d := int32(v) - int32(prev[i])
		m := d >> 31
		n += int(uint32(th-(d^m-m)) >> 31)
	}
	return float64(n) / float64(len(a.cur))
}

// shift estimates how far profile q moved relative to p (in samples, with
// sub-sample precision), by the least mean absolute difference over shifts
// up to maxShift.
func shift(p, q []float64, maxShift int) float64 {
	n := len(p)
	if n != len(q) || n < 2*maxShift+4 {
		return 0
	}
	cost := make([]float64, 2*maxShift+1)
	best := 0
	for s := -maxShift; s <= maxShift; s++ {
		var sum float64
		cnt := 0
		for i := max(0, s); i < min(n, n+s); i++ {
			sum += math.Abs(q[i] - p[i-s])
			cnt++
		}
		cost[s+maxShift] = sum / float64(cnt)
		if cost[s+maxShift] < cost[best] {
			best = s + maxShift
		}
	}
	// A flat cost means nothing to track (a uniform region).
	if cost[maxShift]-cost[best] < 1e-9 {
		best = maxShift
	}
	off := float64(best - maxShift)
	if best > 0 && best < len(cost)-1 {
		l, c, r := cost[best-1], cost[best], cost[best+1]
		if den := l - 2*c + r; den > 1e-12 {
			off += 0.5 * (l - r) / den
		}
	}
	return off
}

// sat maps a non-negative quantity onto 0..1, reaching 0.63 at scale.
func sat(x, scale float64) float64 {
	if x <= 0 {
		return 0
	}
	return 1 - math.Exp(-x/scale)
}

func clamp01(x float64) float64 { return min(1, max(0, x)) }

// Scales of the saturating maps, in region heights (and per second): a
// fidgeting seated person moves ~5 % of the region, a quiet one < 1 %.
const (
	ampScale    = 0.06 // position range
	energyScale = 0.08 // fraction of changed pixels
	speedScale  = 0.25 // region heights per second
	movingSpeed = 0.05 // below this a frame counts as still
	rockWindow  = 8 * time.Second
	headWindow  = 6 * time.Second
)

func (a *Analyzer) measure(f perception.Frame, attended bool) perception.PostureObs {
	obs := perception.PostureObs{At: f.At, Wall: f.Wall}
	win := a.samples
	for len(win) > 0 && win[0].at < f.At-a.o.Window {
		win = win[1:]
	}
	var n, active int
	var speedSum, energySum float64
	minX, maxX, minY, maxY := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range win {
		minX, maxX = min(minX, s.x), max(maxX, s.x)
		minY, maxY = min(minY, s.y), max(maxY, s.y)
		if !s.moved {
			continue
		}
		n++
		sp := math.Hypot(s.vx, s.vy) + s.energy*2 // differencing catches what rigid shifts miss
		speedSum += sp
		energySum += s.energy
		if sp > movingSpeed {
			active++
		}
	}
	if n == 0 {
		return obs
	}
	rangeMag := math.Hypot(maxX-minX, maxY-minY)
	meanSpeed := speedSum / float64(n)
	meanEnergy := energySum / float64(n)
	obs.Amplitude = max(sat(rangeMag, ampScale), sat(meanEnergy, energyScale))
	obs.Speed = sat(meanSpeed, speedScale)
	if meanSpeed > movingSpeed {
		obs.Jerk = jerkiness(win)
	}

	// Periodicity changes slowly; five times a second is plenty and keeps
	// the autocorrelations off the per-frame budget.
	if f.At-a.rhythmAt >= 200*time.Millisecond || a.rhythmAt == 0 {
		a.rhythmAt = max(f.At, 1)
		a.head = a.headDynamics(f.At)
		long := a.samples
		for len(long) > 0 && long[0].at < f.At-rockWindow {
			long = long[1:]
		}
		a.bodyRock, a.bodyPeriod = a.periodicity(long, 0.6, 4)
	}
	rock := 0.0
	if a.bodyPeriod > 0 && obs.Amplitude > 0.1 {
		rock = clamp01((a.bodyRock - 0.3) / 0.5)
	}
	obs.Rocking = max(rock, a.head.Rocking)
	obs.Restlessness = clamp01(float64(active)/float64(n)*(1-obs.Rocking)) * clamp01(obs.Speed*3)

	// The running baseline learns from the first 600 frames with a person in
	// front of the camera (an empty room is not anyone's usual movement) and
	// then stops: one that kept learning would absorb the stillness it
	// should flag.
	if a.o.Baseline.Speed == 0 && a.baseN < 600 && attended && f.At >= a.o.Window {
		a.baseN++
		k := 1 / float64(a.baseN)
		a.baseSpeed += (obs.Speed - a.baseSpeed) * k
		a.baseAmp += (obs.Amplitude - a.baseAmp) * k
	}
	if a.baseSpeed > 0.05 && (a.o.Baseline.Speed > 0 || a.baseN >= 100) {
		obs.Guarding = clamp01((a.baseSpeed - obs.Speed) / a.baseSpeed * 1.25)
	}

	if f.At-a.breathAt >= time.Second || a.breathAt == 0 {
		a.breathAt = max(f.At, 1)
		a.breath = a.breathing()
	}
	obs.BreathingRate = a.breath
	return obs
}

// jerkiness compares the change of acceleration with the speed itself,
// on velocity smoothed over ~0.2 s and differenced at ~0.1 s steps, so that
// pixel quantisation does not read as jerk: a smooth sway scores near 0,
// random jolts near 1.
func jerkiness(win []sample) float64 {
	if len(win) < 8 {
		return 0
	}
	dt := (win[len(win)-1].at - win[0].at).Seconds() / float64(len(win)-1)
	if dt <= 0 {
		return 0
	}
	half := max(1, int(math.Round(0.1/dt)))
	k := max(1, int(math.Round(0.1/dt)))
	vx := make([]float64, len(win))
	vy := make([]float64, len(win))
	for i := range win {
		var sx, sy float64
		var c int
		for j := max(0, i-half); j <= min(len(win)-1, i+half); j++ {
			if win[j].moved {
				sx, sy, c = sx+win[j].vx, sy+win[j].vy, c+1
			}
		}
		if c > 0 {
			vx[i], vy[i] = sx/float64(c), sy/float64(c)
		}
	}
	var jerk, speed float64
	for i := 2 * k; i < len(win); i++ {
		jerk += math.Hypot(vx[i]-2*vx[i-k]+vx[i-2*k], vy[i]-2*vy[i-k]+vy[i-2*k])
		speed += math.Hypot(vx[i], vy[i])
	}
	if speed == 0 {
		return 0
	}
	// Random jolts give a ratio near 2; a 1 Hz sway about 0.4.
	return clamp01((jerk/speed - 0.3) / 1.5)
}

// periodicity returns the strongest normalised autocorrelation of the body's
// vertical and horizontal position over periods within [minP, maxP] seconds,
// and that period (0 when the window is too short).
func (a *Analyzer) periodicity(win []sample, minP, maxP float64) (float64, float64) {
	if len(win) < 8 {
		return 0, 0
	}
	dt := (win[len(win)-1].at - win[0].at).Seconds() / float64(len(win)-1)
	if dt <= 0 {
		return 0, 0
	}
	ys := make([]float64, len(win))
	xs := make([]float64, len(win))
	for i, s := range win {
		ys[i], xs[i] = s.y, s.x
	}
	ry, py := autocorrPeak(ys, dt, minP, maxP)
	rx, px := autocorrPeak(xs, dt, minP, maxP)
	if rx > ry {
		return rx, px
	}
	return ry, py
}

// breathing estimates breaths per minute from slow periodic chest motion when
// the body is otherwise quiet; 0 when no clear rhythm is visible.
func (a *Analyzer) breathing() float64 {
	win := a.samples
	if len(win) < 16 || win[len(win)-1].at-win[0].at < a.o.BreathingWindow/2 {
		return 0
	}
	r, period := a.periodicity(win, 60.0/42, 60.0/6)
	if r < 0.5 || period == 0 {
		return 0
	}
	// Gross movement (walking, rocking, a camera pan) swamps breathing: the
	// chest moves a few percent of the region, slowly.
	var energy, speed float64
	for _, s := range win {
		energy += s.energy
		speed += math.Hypot(s.vx, s.vy)
	}
	if n := float64(len(win)); energy/n > 0.1 || speed/n > 0.15 {
		return 0
	}
	return math.Round(600/period) / 10
}

// autocorrPeak finds the lag in [minP, maxP] seconds with the highest
// normalised autocorrelation of xs (sampled every dt seconds) that is also a
// local maximum, after removing the mean and linear trend.
func autocorrPeak(xs []float64, dt, minP, maxP float64) (float64, float64) {
	n := len(xs)
	detrend(xs)
	var e0 float64
	for _, x := range xs {
		e0 += x * x
	}
	if e0 < 1e-12 {
		return 0, 0
	}
	lo, hi := max(1, int(minP/dt)), min(n/2, int(math.Ceil(maxP/dt)))
	if hi <= lo+1 {
		return 0, 0
	}
	r := make([]float64, hi+2)
	r[0] = 1
	for lag := 1; lag <= hi+1 && lag < n; lag++ {
		var s, ea, eb float64
		for i := lag; i < n; i++ {
			s += xs[i] * xs[i-lag]
			ea += xs[i] * xs[i]
			eb += xs[i-lag] * xs[i-lag]
		}
		if ea > 0 && eb > 0 {
			r[lag] = s / math.Sqrt(ea*eb)
		}
	}
	// A real oscillation's autocorrelation swings down (to about -1 at half
	// a period) before it comes back; a slow drift's only decays, with
	// wiggles that must not count as a period.
	swing := func(lag int) bool {
		trough := r[lag]
		for l := 1; l < lag; l++ {
			trough = min(trough, r[l])
		}
		return r[lag]-trough >= 0.6
	}
	// Multiples of the period correlate almost as well as the period itself;
	// the first peak close to the best one is the fundamental.
	best := 0.0
	for lag := lo; lag <= hi && lag+1 < len(r); lag++ {
		if r[lag] > best && r[lag] >= r[lag-1] && r[lag] >= r[lag+1] && swing(lag) {
			best = r[lag]
		}
	}
	for lag := lo; lag <= hi && lag+1 < len(r) && best > 0; lag++ {
		if r[lag] >= 0.85*best && r[lag] >= r[lag-1] && r[lag] >= r[lag+1] && swing(lag) {
			return r[lag], float64(lag) * dt
		}
	}
	return 0, 0
}

// detrend removes the least-squares line from xs in place.
func detrend(xs []float64) {
	n := float64(len(xs))
	var sx, sy, sxx, sxy float64
	for i, y := range xs {
		x := float64(i)
		sx, sy, sxx, sxy = sx+x, sy+y, sxx+x*x, sxy+x*y
	}
	den := n*sxx - sx*sx
	slope := 0.0
	if den != 0 {
		slope = (n*sxy - sx*sy) / den
	}
	icpt := (sy - slope*sx) / n
	for i := range xs {
		xs[i] -= icpt + slope*float64(i)
	}
}

// headDynamics reads nodding, shaking, rocking and a hanging head from the
// recent head poses.
func (a *Analyzer) headDynamics(now time.Duration) HeadDynamics {
	hs := a.heads
	for len(hs) > 0 && hs[0].at < now-headWindow {
		hs = hs[1:]
	}
	if len(hs) < 10 || now-hs[len(hs)-1].at > time.Second {
		return HeadDynamics{}
	}
	dt := (hs[len(hs)-1].at - hs[0].at).Seconds() / float64(len(hs)-1)
	if dt <= 0 {
		return HeadDynamics{}
	}
	pitch := make([]float64, len(hs))
	yaw := make([]float64, len(hs))
	roll := make([]float64, len(hs))
	var meanPitch float64
	for i, h := range hs {
		pitch[i], yaw[i], roll[i] = h.pitch, h.yaw, h.roll
		meanPitch += h.pitch
	}
	meanPitch /= float64(len(hs))
	osc := func(xs []float64, minP, maxP, fullAmp float64) float64 {
		cp := append([]float64(nil), xs...)
		r, p := autocorrPeak(cp, dt, minP, maxP)
		if p == 0 {
			return 0
		}
		return clamp01((r-0.3)/0.5) * sat(stddev(cp), fullAmp)
	}
	var d HeadDynamics
	d.Nodding = osc(pitch, 0.25, 1.25, 2)
	d.Shaking = osc(yaw, 0.25, 1.25, 3)
	d.Rocking = max(osc(pitch, 1.25, 5, 2), osc(roll, 1.25, 5, 2))
	d.Hanging = clamp01((-meanPitch - 15) / 15)
	return d
}

func stddev(xs []float64) float64 {
	var m, v float64
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return math.Sqrt(v / float64(len(xs)))
}
