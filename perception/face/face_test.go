package face

import (
	"context"
	"encoding/json"
	"image"
	"io"
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func TestRotationRoundTrip(t *testing.T) {
	for _, p := range []perception.HeadPose{{}, {Yaw: 30}, {Pitch: -20}, {Roll: 12}, {Yaw: -40, Pitch: 15, Roll: -8}} {
		got := PoseFromRotation(RotationFromPose(p))
		if math.Abs((got.Yaw-p.Yaw).Degrees())+math.Abs((got.Pitch-p.Pitch).Degrees())+math.Abs((got.Roll-p.Roll).Degrees()) > 1e-9 {
			t.Errorf("round trip of %+v = %+v", p, got)
		}
	}
	// The conventions of perception.HeadPose: yaw moves the nose tip to the
	// image right, pitch moves it up, roll turns the eye line clockwise.
	nose := func(p perception.HeadPose) Point3 { return RotationFromPose(p).Apply(GenericFace[30]) }
	if nose(perception.HeadPose{Yaw: 20}).X <= 0 {
		t.Error("positive yaw should move the nose tip to the image right")
	}
	if nose(perception.HeadPose{Pitch: 20}).Y >= nose(perception.HeadPose{}).Y {
		t.Error("positive pitch should move the nose tip up")
	}
	r := RotationFromPose(perception.HeadPose{Roll: 20})
	if r.Apply(GenericFace[45]).Y <= r.Apply(GenericFace[36]).Y {
		t.Error("positive roll should lower the image-right eye (clockwise)")
	}
}

// score runs one synthetic frame through measure and scoreAUs against a
// frontal neutral calibration.
func score(t *testing.T, e expression, p perception.HeadPose) (perception.AUs, Evidence) {
	t.Helper()
	base := calibrated(t)
	lm := perspectiveFace(e, p)
	f, ok := Measure(blank, &lm, p)
	if !ok {
		t.Fatal("synthetic face not measurable")
	}
	return scoreAUs(f, base.Neutral, eyesClosed(f, base.Neutral, p, defaultOptsPtr()))
}

func TestActionUnitsFromGeometry(t *testing.T) {
	cases := []struct {
		name      string
		face      expression
		pose      perception.HeadPose
		check     func(a perception.AUs) bool
		want      string
		wantLabel perception.Expression
	}{
		{"neutral frontal", neutralFace, perception.HeadPose{},
			func(a perception.AUs) bool { return a.PSPI() == 0 && a.AU12 == 0 }, "all AUs 0", perception.ExprNeutral},
		{"brows lowered", browsLowered, perception.HeadPose{},
			func(a perception.AUs) bool { return a.AU04 >= 3 && a.AU01 == 0 && a.AU12 == 0 }, "AU4 >= 3, AU1 and AU12 0", perception.ExprNeutral},
		{"head turned 30 degrees, neutral", neutralFace, perception.HeadPose{Yaw: 30},
			func(a perception.AUs) bool { return maxAU(a) < 0.5 }, "every AU < 0.5", perception.ExprNeutral},
		// Turned and pitched at 600 mm, perspective stretches the lower face
		// beyond what the orthographic frontalisation undoes: measured 0.77.
		{"head turned -30 and pitched up 15, neutral", neutralFace, perception.HeadPose{Yaw: -30, Pitch: 15},
			func(a perception.AUs) bool { return maxAU(a) < 1 }, "every AU < 1", perception.ExprNeutral},
		{"brows lowered, head turned 30", browsLowered, perception.HeadPose{Yaw: 30},
			func(a perception.AUs) bool { return a.AU04 >= 3 }, "AU4 >= 3", perception.ExprNeutral},
		{"smile", smile, perception.HeadPose{},
			func(a perception.AUs) bool { return a.AU12 >= 2.5 && a.AU04 == 0 && a.PSPI() > 0 }, "AU12 >= 2.5, AU4 0, PSPI raised", perception.ExprHappy},
		{"laugh with head back", smile, perception.HeadPose{Pitch: 15},
			func(a perception.AUs) bool { return a.AU12 >= 2.5 && a.AU04 == 0 }, "AU12 >= 2.5, AU4 0", perception.ExprHappy},
		{"grimace", grimace, perception.HeadPose{},
			func(a perception.AUs) bool { return a.AU04 >= 3 && a.AU07 >= 1 && a.AU10 >= 1 && a.PSPI() >= 6 }, "AU4, AU7, AU10 up, PSPI >= 6", perception.ExprPain},
		{"grimace, head turned 20", grimace, perception.HeadPose{Yaw: 20},
			func(a perception.AUs) bool { return a.PSPI() >= 6 }, "PSPI >= 6", perception.ExprPain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, ev := score(t, c.face, c.pose)
			if !c.check(a) {
				t.Errorf("AUs %+v (PSPI %.2f): want %s", a, a.PSPI(), c.want)
			}
			if got := Classify(a, ev); got != c.wantLabel {
				t.Errorf("expression %q, want %q (AUs %+v, evidence %+v)", got, c.wantLabel, a, ev)
			}
		})
	}
}

func maxAU(a perception.AUs) float64 {
	return max(a.AU01, a.AU02, a.AU04, a.AU06, a.AU07, a.AU09, a.AU10, a.AU12, a.AU15, a.AU25, a.AU26, a.AU43)
}

// TestAU43NeedsEyesShutLongerThanABlink plays 30 fps sequences: open, then
// shut for a while, then open again.
func TestAU43NeedsEyesShutLongerThanABlink(t *testing.T) {
	cases := []struct {
		name     string
		shut     time.Duration
		pitch    perception.Angle
		wantAU43 bool
	}{
		{"blink 0.15 s", 150 * time.Millisecond, 0, false},
		{"eyes closed 0.6 s", 600 * time.Millisecond, 0, true},
		{"eyes closed 0.6 s, head down 25", 600 * time.Millisecond, -25, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := &scripted{t: t}
			o := DefaultOpts()
			o.Baseline = calibrated(t)
			p, err := NewPipeline(s, s, s, o)
			if err != nil {
				t.Fatal(err)
			}
			pose := perception.HeadPose{Pitch: c.pitch}
			open, shut := perspectiveFace(neutralFace, pose), perspectiveFace(eyesShut, pose)
			s.poses = []perception.HeadPose{pose}
			const fps = 30
			start := 10 // frames open first
			end := start + int(c.shut.Seconds()*fps+0.5)
			sawAU43, sawShutFrame := false, false
			for i := range end + 10 {
				lm := open
				if i >= start && i < end {
					lm = shut
				}
				s.show(lm)
				obs := p.Process(frameAt(i, fps))
				if len(obs) != 1 {
					t.Fatalf("frame %d: %d faces, want 1", i, len(obs))
				}
				a := obs[0].AU
				if a.AU43 == 1 {
					sawAU43 = true
					if at := frameAt(i, fps).At - frameAt(start, fps).At; at < 300*time.Millisecond {
						t.Errorf("AU43 at %v after closing, before 0.3 s", at)
					}
				}
				if i >= start && i < end {
					sawShutFrame = true
					if a.AU07 != 0 {
						t.Errorf("frame %d: shut eyes read as lid tightening AU7 %.2f", i, a.AU07)
					}
				}
				if i >= end && a.AU43 != 0 {
					t.Errorf("frame %d: AU43 %.0f after the eyes opened", i, a.AU43)
				}
			}
			if !sawShutFrame || sawAU43 != c.wantAU43 {
				t.Errorf("AU43 seen = %v, want %v", sawAU43, c.wantAU43)
			}
		})
	}
}

// TestLookingDownIsNotEyesClosed: the lids follow the gaze down and the eye
// aspect ratio halves, which with a level head would count as shut.
func TestLookingDownIsNotEyesClosed(t *testing.T) {
	lowered := func(m *[68]Point3) {
		for _, i := range []int{37, 38, 43, 44} {
			m[i].Y += 6.5
		}
	}
	base := calibrated(t)
	for _, c := range []struct {
		pitch perception.Angle
		want  bool
	}{{0, true}, {-25, false}} {
		pose := perception.HeadPose{Pitch: c.pitch}
		lm := perspectiveFace(lowered, pose)
		f, _ := Measure(blank, &lm, pose)
		if got := eyesClosed(f, base.Neutral, pose, defaultOptsPtr()); got != c.want {
			t.Errorf("lids 2/3 down at pitch %v: closed = %v, want %v", c.pitch, got, c.want)
		}
	}
}

func TestOnlineBaselineLearnsNeutralAndKeepsGrimaceOut(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	p, err := NewPipeline(s, s, s, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	neutral, pain := perspectiveFace(neutralFace, perception.HeadPose{}), perspectiveFace(grimace, perception.HeadPose{})
	const fps = 30
	var last perception.FaceObs
	for i := range 10 * fps {
		lm := neutral
		if i >= 3*fps {
			lm = pain // 7 s of grimace after 3 s calm
		}
		s.show(lm)
		obs := p.Process(frameAt(i, fps))
		if len(obs) != 1 {
			t.Fatalf("frame %d: %d faces", i, len(obs))
		}
		last = obs[0]
		if i < 3*fps && last.PSPI != 0 {
			t.Errorf("frame %d: calm face PSPI %.2f", i, last.PSPI)
		}
	}
	if last.PSPI < 6 || last.Expression != perception.ExprPain {
		t.Errorf("after 7 s of grimace PSPI %.2f expression %q: the baseline absorbed the pain", last.PSPI, last.Expression)
	}
}

func TestTracksStayStableAndLargestComesFirst(t *testing.T) {
	s := &scripted{t: t}
	p, err := NewPipeline(s, s, s, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	big := perspectiveFace(neutralFace, perception.HeadPose{})
	small := perspectiveFace(neutralFace, perception.HeadPose{})
	for i := range small { // a smaller face to the right, further away
		small[i] = perception.Point{X: 560 + (big[i].X-320)*0.5, Y: 200 + (big[i].Y-240)*0.5}
	}
	s.poses = []perception.HeadPose{{}, {}}
	ids := map[int]bool{}
	for i := range 12 {
		// The small face moves a little each frame; tracking must follow it.
		moved := small
		for k := range moved {
			moved[k].X -= float64(i)
		}
		s.show(moved, big)
		obs := p.Process(frameAt(i, 30))
		if len(obs) != 2 {
			t.Fatalf("frame %d: %d faces, want 2", i, len(obs))
		}
		if area(obs[0].Box) < area(obs[1].Box) {
			t.Errorf("frame %d: the largest face is not first", i)
		}
		ids[obs[0].Track], ids[obs[1].Track] = true, true
	}
	if len(ids) != 2 {
		t.Errorf("track ids %v: want 2 stable ids", ids)
	}
	if s.calls.detect != 3 { // frames 0, 4, 8 with DetectEvery 4
		t.Errorf("detector ran %d times over 12 frames, want 3", s.calls.detect)
	}
	// The face leaves: after LoseAfter detection rounds its track is dropped.
	s.show(big)
	var obs []perception.FaceObs
	for i := 12; i < 30; i++ {
		obs = p.Process(frameAt(i, 30))
	}
	if len(obs) != 1 {
		t.Errorf("after the small face left: %d faces, want 1", len(obs))
	}
}

func TestBaselineIsPlainNumbers(t *testing.T) {
	b := calibrated(t)
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back Baseline
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back != *b {
		t.Errorf("baseline JSON round trip: %+v, want %+v", back, *b)
	}
	if err := (Baseline{}).Validate(); err == nil {
		t.Error("empty baseline validated")
	}
	if _, err := BaselineOf(nil); err == nil {
		t.Error("baseline of no frames: want an error")
	}
}

func TestOptsValidate(t *testing.T) {
	bad := []func(o *Opts){
		func(o *Opts) { o.DetectEvery = 0 },
		func(o *Opts) { o.MaxFaces = 0 },
		func(o *Opts) { o.DetectEveryTracked = -1 },
		func(o *Opts) { o.ClosedRatio = 1.5 },
		func(o *Opts) { o.Baseline = &Baseline{} },
	}
	for i, edit := range bad {
		o := DefaultOpts()
		edit(&o)
		if _, err := NewPipeline(&scripted{t: t}, &scripted{t: t}, nil, o); err == nil {
			t.Errorf("case %d: bad options accepted", i)
		}
	}
}

// frames is a FrameSource over synthetic scenes.
type frames struct {
	s      *scripted
	scenes [][][68]perception.Point
	i      int
}

func (f *frames) Next(ctx context.Context) (perception.Frame, error) {
	if f.i >= len(f.scenes) {
		return perception.Frame{}, io.EOF
	}
	f.s.show(f.scenes[f.i]...)
	fr := frameAt(f.i, 30)
	f.i++
	return fr, nil
}

func TestRunReportsArrivalsAndLeaving(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	p, err := NewPipeline(s, s, s, Opts{DetectEvery: 1, MaxFaces: 2, MinFace: 10, LoseAfter: 0,
		MinEyesClosed: DefaultOpts().MinEyesClosed, ClosedRatio: 0.45, ClosedRatioLookingDown: 0.25, LookDownPitch: 15})
	if err != nil {
		t.Fatal(err)
	}
	face := perspectiveFace(neutralFace, perception.HeadPose{})
	src := &frames{s: s, scenes: [][][68]perception.Point{{}, {face}, {face}, {}, {}}}
	events := make(chan perception.Event, 8)
	var counts []int
	if err := p.Run(context.Background(), src, func(o []perception.FaceObs) { counts = append(counts, len(o)) }, events); err != nil {
		t.Fatal(err)
	}
	close(events)
	var kinds []perception.EventKind
	for e := range events {
		kinds = append(kinds, e.Kind)
		if e.Person != "face-1" || e.Modality != perception.ModFace {
			t.Errorf("event %+v: want person face-1, modality face", e)
		}
	}
	if len(kinds) != 2 || kinds[0] != perception.EventArrived || kinds[1] != perception.EventLeft {
		t.Errorf("events %v, want arrived then left", kinds)
	}
	if want := []int{0, 1, 1, 0, 0}; !equalInts(counts, want) {
		t.Errorf("faces per frame %v, want %v", counts, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProcessWithoutImageReportsNothing(t *testing.T) {
	s := &scripted{t: t}
	p, _ := NewPipeline(s, s, s, DefaultOpts())
	if obs := p.Process(perception.Frame{}); obs != nil {
		t.Errorf("frame without pixels gave %v", obs)
	}
	if s.calls.detect != 0 {
		t.Error("detector called on an empty frame")
	}
	_ = image.Rectangle{}
}

func TestTrackOnABlankRegionIsDropped(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	p, _ := NewPipeline(s, s, s, DefaultOpts())
	s.show(perspectiveFace(neutralFace, perception.HeadPose{}))
	if obs := p.Process(frameAt(0, 30)); len(obs) != 1 {
		t.Fatalf("%d faces, want 1", len(obs))
	}
	// The fake landmarker keeps answering (as dlib would, with a guess), but
	// where the face was the frame has gone flat grey (the rest is unchanged,
	// so this is no scene cut).
	g := image.NewGray(blank.Bounds())
	copy(g.Pix, blank.Pix)
	lm := perspectiveFace(neutralFace, perception.HeadPose{})
	r := faceBox(&lm).Inset(-40).Intersect(g.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g.Pix[g.PixOffset(x, y)] = 100
		}
	}
	flat := perception.Frame{At: time.Second / 30, Seq: 1, Gray: g}
	if obs := p.Process(flat); len(obs) != 0 {
		t.Errorf("on a flat frame the track went on: %d faces", len(obs))
	}
}

func TestSceneCutStartsNewTracks(t *testing.T) {
	s := &scripted{t: t, poses: []perception.HeadPose{{}}}
	p, _ := NewPipeline(s, s, s, DefaultOpts())
	s.show(perspectiveFace(neutralFace, perception.HeadPose{}))
	dark := image.NewGray(blank.Bounds())
	for i := range dark.Pix {
		dark.Pix[i] = 255 - blank.Pix[i] // same texture, inverted: another scene
	}
	var ids []int
	for i, g := range []*image.Gray{blank, blank, blank, dark, dark} {
		obs := p.Process(perception.Frame{At: time.Duration(i) * time.Second / 30, Seq: i, Gray: g})
		if len(obs) != 1 {
			t.Fatalf("frame %d: %d faces", i, len(obs))
		}
		ids = append(ids, obs[0].Track)
	}
	if ids[0] != ids[2] || ids[3] == ids[2] || ids[3] != ids[4] {
		t.Errorf("track ids %v: want one id before the cut and a new one after", ids)
	}
	if p.Stats().Cuts != 1 {
		t.Errorf("%d cuts counted, want 1", p.Stats().Cuts)
	}
}

// BenchmarkAUs is the pure-Go cost per face: frontalisation, geometry,
// texture on a 640x480 frame, AU scoring and the expression label.
func BenchmarkAUs(b *testing.B) {
	base := calibrated(b)
	lm := perspectiveFace(grimace, perception.HeadPose{Yaw: 10})
	pose := perception.HeadPose{Yaw: 10}
	b.ReportAllocs()
	for b.Loop() {
		f, _ := Measure(blank, &lm, pose)
		a, ev := scoreAUs(f, base.Neutral, eyesClosed(f, base.Neutral, pose, defaultOptsPtr()))
		Classify(a, ev)
	}
}

// defaultOptsPtr is a fresh DefaultOpts for the functions that take options
// by pointer.
func defaultOptsPtr() *Opts {
	o := DefaultOpts()
	return &o
}
