package posture

import (
	"image"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

const fps = 25

// scene draws a textured "torso" whose top-left corner is at (x, y) on a
// textured background, with a little sensor noise.
type scene struct {
	w, h int
	bg   []uint8
	body []uint8
	bw   int
	bh   int
	rng  *rand.Rand
}

func newScene(seed uint64) *scene {
	s := &scene{w: 160, h: 120, bw: 60, bh: 50, rng: rand.New(rand.NewPCG(seed, 7))}
	s.bg = make([]uint8, s.w*s.h)
	for i := range s.bg {
		s.bg[i] = uint8(40 + s.rng.IntN(30))
	}
	s.body = make([]uint8, s.bw*s.bh)
	for i := range s.body {
		s.body[i] = uint8(150 + s.rng.IntN(80))
	}
	return s
}

func (s *scene) frame(i int, x, y float64) perception.Frame {
	g := image.NewGray(image.Rect(0, 0, s.w, s.h))
	copy(g.Pix, s.bg)
	ox, oy := int(math.Round(x)), int(math.Round(y))
	for j := 0; j < s.bh; j++ {
		for k := 0; k < s.bw; k++ {
			px, py := ox+k, oy+j
			if px >= 0 && px < s.w && py >= 0 && py < s.h {
				g.Pix[py*s.w+px] = s.body[j*s.bw+k]
			}
		}
	}
	for p := range g.Pix { // sensor noise
		g.Pix[p] = uint8(min(255, max(0, int(g.Pix[p])+s.rng.IntN(5)-2)))
	}
	return perception.Frame{At: time.Duration(i) * time.Second / fps, Seq: i, Gray: g}
}

// run feeds seconds of frames where pos gives the torso's offset at t seconds.
func run(t *testing.T, a *Analyzer, s *scene, from, seconds float64, pos func(t float64) (float64, float64)) perception.PostureObs {
	return runWith(t, a, s, from, seconds, pos, nil)
}

// runWith is run with a face in view (its box fixed above the torso's region).
func runWith(t *testing.T, a *Analyzer, s *scene, from, seconds float64, pos func(t float64) (float64, float64), face *perception.FaceObs) perception.PostureObs {
	t.Helper()
	var obs perception.PostureObs
	for i := int(from * fps); i < int((from+seconds)*fps); i++ {
		dx, dy := pos(float64(i) / fps)
		f := s.frame(i, 50+dx, 40+dy)
		if face != nil {
			face.At = f.At
		}
		obs = a.Update(f, face)
	}
	return obs
}

func newAnalyzer(t *testing.T) *Analyzer {
	t.Helper()
	a, err := New(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func sine(amp, hz float64) func(float64) (float64, float64) {
	return func(t float64) (float64, float64) { return 0, amp * math.Sin(2*math.Pi*hz*t) }
}

func TestMovementGrowsWithAmplitudeAndSpeed(t *testing.T) {
	tests := []struct {
		name     string
		amp, hz  float64
		minA     float64
		maxA     float64
		minSpeed float64
		maxSpeed float64
	}{
		{"still", 0, 0, 0, 0.05, 0, 0.1},
		{"small slow sway", 2, 0.3, 0.05, 0.6, 0.02, 0.5},
		{"large sway", 10, 0.5, 0.5, 1, 0.2, 1},
		{"fast shaking", 10, 2, 0.5, 1, 0.5, 1},
	}
	var prevA, prevS float64 = -1, -1
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAnalyzer(t)
			obs := run(t, a, newScene(1), 0, 8, sine(tt.amp, tt.hz))
			if obs.Amplitude < tt.minA || obs.Amplitude > tt.maxA {
				t.Errorf("amplitude %.3f, want %.2f..%.2f", obs.Amplitude, tt.minA, tt.maxA)
			}
			if obs.Speed < tt.minSpeed || obs.Speed > tt.maxSpeed {
				t.Errorf("speed %.3f, want %.2f..%.2f", obs.Speed, tt.minSpeed, tt.maxSpeed)
			}
			if obs.Amplitude < prevA || obs.Speed < prevS {
				t.Errorf("amplitude %.3f / speed %.3f fell below the gentler case's %.3f / %.3f", obs.Amplitude, obs.Speed, prevA, prevS)
			}
			prevA, prevS = obs.Amplitude, obs.Speed
		})
	}
}

func TestJerkySeparatesFromSmooth(t *testing.T) {
	smooth := run(t, newAnalyzer(t), newScene(2), 0, 6, sine(8, 0.7))
	rng := rand.New(rand.NewPCG(3, 3))
	jumps := func(float64) (float64, float64) { return float64(rng.IntN(9) - 4), float64(rng.IntN(9) - 4) }
	jerky := run(t, newAnalyzer(t), newScene(2), 0, 6, jumps)
	if smooth.Jerk > 0.25 {
		t.Errorf("smooth sway jerk %.2f, want low", smooth.Jerk)
	}
	if jerky.Jerk < 0.5 || jerky.Jerk < smooth.Jerk+0.3 {
		t.Errorf("random jumps jerk %.2f vs smooth %.2f, want clearly higher", jerky.Jerk, smooth.Jerk)
	}
	if jerky.Restlessness < 0.3 {
		t.Errorf("random jumps restlessness %.2f, want high", jerky.Restlessness)
	}
	if smooth.Rocking < 0.5 {
		t.Errorf("smooth 0.7 Hz sway rocking %.2f, want high", smooth.Rocking)
	}
	if jerky.Rocking > 0.3 {
		t.Errorf("random jumps rocking %.2f, want low", jerky.Rocking)
	}
}

func TestBreathingRate(t *testing.T) {
	for _, bpm := range []float64{12, 18, 24} {
		a := newAnalyzer(t)
		obs := run(t, a, newScene(4), 0, 25, sine(2.5, bpm/60))
		if math.Abs(obs.BreathingRate-bpm) > 1.5 {
			t.Errorf("breathing at %v bpm measured %.1f", bpm, obs.BreathingRate)
		}
	}
	still := run(t, newAnalyzer(t), newScene(4), 0, 25, sine(0, 0))
	if still.BreathingRate != 0 {
		t.Errorf("no chest motion gave a breathing rate of %.1f", still.BreathingRate)
	}
}

func TestGuardingIsStillerThanUsual(t *testing.T) {
	a := newAnalyzer(t)
	s := newScene(5)
	rng := rand.New(rand.NewPCG(9, 9))
	var x, y float64
	fidget := func(float64) (float64, float64) {
		x = 0.9*x + float64(rng.IntN(5)-2)
		y = 0.9*y + float64(rng.IntN(5)-2)
		return x, y
	}
	face := &perception.FaceObs{Box: image.Rect(60, 0, 100, 38)}
	// An empty room first: nobody's usual movement, so nothing is learnt.
	empty := run(t, a, s, 0, 30, func(float64) (float64, float64) { return -200, -200 })
	if empty.Guarding != 0 || a.baseN != 0 {
		t.Errorf("empty room: guarding %.2f, %d baseline frames learnt", empty.Guarding, a.baseN)
	}
	usual := runWith(t, a, s, 30, 40, fidget, face)
	if usual.Guarding > 0.3 {
		t.Errorf("guarding %.2f while moving as usual", usual.Guarding)
	}
	braced := runWith(t, a, s, 70, 6, func(float64) (float64, float64) { return x, y }, face)
	if braced.Guarding < 0.7 {
		t.Errorf("guarding %.2f after going rigid, want high (usual speed %.2f, now %.2f)", braced.Guarding, usual.Speed, braced.Speed)
	}
}

func TestRegionFollowsTheFace(t *testing.T) {
	a := newAnalyzer(t)
	s := newScene(6)
	face := &perception.FaceObs{Box: image.Rect(60, 0, 100, 38)}
	var obs perception.PostureObs
	for i := 0; i < 4*fps; i++ {
		f := s.frame(i, 50, 40+6*math.Sin(2*math.Pi*0.5*float64(i)/fps))
		face.At = f.At
		obs = a.Update(f, face)
	}
	if a.region == s.frameRect() || a.region.Min.Y != 38 {
		t.Errorf("region %v, want below the face box", a.region)
	}
	if obs.Amplitude < 0.3 {
		t.Errorf("torso moving below the face: amplitude %.2f", obs.Amplitude)
	}
}

func (s *scene) frameRect() image.Rectangle { return image.Rect(0, 0, s.w, s.h) }

func TestHeadDynamics(t *testing.T) {
	tests := []struct {
		name string
		pose func(t float64) perception.HeadPose
		want func(HeadDynamics) bool
	}{
		{"nodding", func(t float64) perception.HeadPose {
			return perception.HeadPose{Pitch: perception.Degrees(6 * math.Sin(2*math.Pi*2*t))}
		},
			func(d HeadDynamics) bool { return d.Nodding > 0.5 && d.Shaking < 0.2 && d.Hanging == 0 }},
		{"shaking", func(t float64) perception.HeadPose {
			return perception.HeadPose{Yaw: perception.Degrees(10 * math.Sin(2*math.Pi*1.5*t))}
		},
			func(d HeadDynamics) bool { return d.Shaking > 0.5 && d.Nodding < 0.2 }},
		{"rocking", func(t float64) perception.HeadPose {
			return perception.HeadPose{Pitch: perception.Degrees(4 * math.Sin(2*math.Pi*0.5*t)), Roll: perception.Degrees(3 * math.Sin(2*math.Pi*0.5*t))}
		}, func(d HeadDynamics) bool { return d.Rocking > 0.5 && d.Nodding < 0.2 }},
		{"hanging", func(float64) perception.HeadPose { return perception.HeadPose{Pitch: -32} },
			func(d HeadDynamics) bool { return d.Hanging > 0.9 && d.Rocking == 0 }},
		{"still", func(float64) perception.HeadPose { return perception.HeadPose{Yaw: 3} },
			func(d HeadDynamics) bool { return d == HeadDynamics{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAnalyzer(t)
			s := newScene(7)
			var obs perception.PostureObs
			for i := 0; i < 6*fps; i++ {
				f := s.frame(i, 50, 40)
				obs = a.Update(f, &perception.FaceObs{At: f.At, Box: image.Rect(60, 0, 100, 38), Pose: tt.pose(f.At.Seconds())})
			}
			if d := a.Head(); !tt.want(d) {
				t.Errorf("head dynamics %+v", d)
			}
			if tt.name == "rocking" && obs.Rocking < 0.5 {
				t.Errorf("head rocking not in PostureObs.Rocking: %.2f", obs.Rocking)
			}
		})
	}
}

func TestBadInputDoesNotPanic(t *testing.T) {
	a := newAnalyzer(t)
	a.Update(perception.Frame{}, nil)
	a.Update(perception.Frame{Gray: image.NewGray(image.Rect(0, 0, 3, 3))}, nil)
	s := newScene(8)
	a.Update(s.frame(5, 50, 40), &perception.FaceObs{Box: image.Rect(-50, 500, -10, 540)})
	a.Update(s.frame(5, 50, 40), nil) // repeated time
	a.Update(s.frame(6, 50, 40), &perception.FaceObs{Box: image.Rect(150, 110, 170, 130)})
	// A camera reopened at a smaller size while the old region is kept.
	a.Update(s.frame(7, 50, 40), &perception.FaceObs{Box: image.Rect(60, 0, 100, 38)})
	small := perception.Frame{At: time.Second, Gray: image.NewGray(image.Rect(0, 0, 40, 30))}
	obs := a.Update(small, nil)
	for _, v := range []float64{obs.Amplitude, obs.Speed, obs.Jerk, obs.Rocking, obs.Restlessness, obs.Guarding, obs.BreathingRate} {
		if math.IsNaN(v) || v < 0 || v > 1 && v != obs.BreathingRate {
			t.Errorf("after a size change: %+v", obs)
		}
	}
	if _, err := New(Opts{}); err == nil {
		t.Error("New(Opts{}) accepted a zero window")
	}
}

func BenchmarkUpdate640x480(b *testing.B) {
	a, _ := New(DefaultOpts())
	rng := rand.New(rand.NewPCG(1, 1))
	frames := make([]perception.Frame, 8)
	for i := range frames {
		g := image.NewGray(image.Rect(0, 0, 640, 480))
		for p := range g.Pix {
			g.Pix[p] = uint8(rng.IntN(256))
		}
		frames[i] = perception.Frame{Gray: g}
	}
	face := &perception.FaceObs{Box: image.Rect(250, 60, 390, 200)}
	i := 0
	for b.Loop() {
		f := frames[i%len(frames)]
		f.At = time.Duration(i) * time.Second / 30
		face.At = f.At
		a.Update(f, face)
		i++
	}
}

// TestRandomInputsStayInRange throws random frame sizes, face boxes (inside,
// across and outside the frame) and time steps at one Analyzer.
func TestRandomInputsStayInRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	a := newAnalyzer(t)
	at := time.Duration(0)
	for i := range 3000 {
		w, h := 8+rng.IntN(200), 8+rng.IntN(160)
		if i%500 < 400 { // long stretches of one size, as a camera gives
			w, h = 160, 120
		}
		g := image.NewGray(image.Rect(0, 0, w, h))
		for p := range g.Pix {
			g.Pix[p] = uint8(rng.IntN(256))
		}
		at += time.Duration(1+rng.IntN(80)) * time.Millisecond
		var face *perception.FaceObs
		if rng.IntN(3) > 0 {
			x, y := rng.IntN(400)-100, rng.IntN(300)-100
			face = &perception.FaceObs{At: at, Box: image.Rect(x, y, x+rng.IntN(120), y+rng.IntN(120)),
				Pose: perception.HeadPose{Yaw: perception.Degrees(rng.NormFloat64() * 20), Pitch: perception.Degrees(rng.NormFloat64() * 20)}}
		}
		o := a.Update(perception.Frame{At: at, Seq: i, Gray: g}, face)
		for _, v := range []float64{o.Amplitude, o.Speed, o.Jerk, o.Rocking, o.Restlessness, o.Guarding} {
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("frame %d: %+v", i, o)
			}
		}
		if o.BreathingRate != 0 && (o.BreathingRate < 6 || o.BreathingRate > 42) {
			t.Fatalf("frame %d: breathing %v", i, o.BreathingRate)
		}
	}
}

// A close-up of a talking head: the face box reaches the frame's bottom
// edge, so no body is in view, and the face's own movement (here the
// textured patch moving inside the face box, as a talking, grimacing face
// does) must not read as a restless body. The same movement below a face
// that leaves room for the body does read as movement. (With the old
// fallback, a region that took in the face, the close-up reads restless
// and this test fails.)
func TestCloseUpFaceIsNotBodyMovement(t *testing.T) {
	s := newScene(5)
	fidget := func(tt float64) (float64, float64) {
		return 6 * math.Sin(2*math.Pi*2*tt), 15 + 4*math.Sin(2*math.Pi*3*tt)
	}
	for _, box := range []image.Rectangle{
		image.Rect(40, 10, 120, 115), // down to the frame's edge
		image.Rect(40, 10, 120, 100), // a strip of chin and neck below (a tighter detector's box)
	} {
		closeUp := newAnalyzer(t)
		obs := runWith(t, closeUp, s, 0, 6, fidget, &perception.FaceObs{Box: box})
		if obs.Restlessness > 0 || obs.Amplitude > 0 || obs.Speed > 0 {
			t.Errorf("close-up face %v moving: restlessness %.2f, amplitude %.2f, speed %.2f; want no body movement", box, obs.Restlessness, obs.Amplitude, obs.Speed)
		}
	}
	withBody := newAnalyzer(t)
	obs := runWith(t, withBody, s, 0, 6, fidget, &perception.FaceObs{Box: image.Rect(60, 0, 100, 38)})
	if obs.Amplitude < 0.1 {
		t.Errorf("the same movement below a face: amplitude %.2f, want it seen", obs.Amplitude)
	}
}
