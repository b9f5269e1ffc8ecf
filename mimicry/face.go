package mimicry

import (
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// sample is what the delay buffer keeps of one face: the few numbers the
// mirror uses, not the 68 landmarks, so buffering is a small copy.
type sample struct {
	at    time.Duration
	wall  time.Time
	track int
	pose  perception.HeadPose
	au    perception.AUs
	pspi  float64
	expr  perception.Expression
	// ear is the eye aspect ratio in the robot's order (index 0 the robot's
	// left lid, mirroring the person's right eye); valid when hasEAR.
	ear    [2]float64
	hasEAR bool
}

// newSample checks an observation and keeps what the mirror needs. It
// reports false for values no camera produces (NaN, infinities), which are
// dropped rather than mirrored.
func newSample(o perception.FaceObs) (sample, bool) {
	p := o.Pose
	if !finite(p.Yaw.Degrees()) || !finite(p.Pitch.Degrees()) || !finite(p.Roll.Degrees()) || !finite(o.PSPI) {
		return sample{}, false
	}
	au := o.AU
	for _, v := range [...]*float64{&au.AU01, &au.AU02, &au.AU04, &au.AU06, &au.AU07, &au.AU09,
		&au.AU10, &au.AU12, &au.AU15, &au.AU25, &au.AU26} {
		if !finite(*v) {
			return sample{}, false
		}
		*v = min(max(*v, 0), 5)
	}
	if !finite(au.AU43) {
		return sample{}, false
	}
	au.AU43 = min(max(au.AU43, 0), 1)
	s := sample{at: o.At, wall: o.Wall, track: o.Track, pose: p, au: au, pspi: o.PSPI, expr: o.Expression}
	if o.HasLandmarks {
		// iBUG 36–41 is the person's right eye, which a mirror shows as
		// the robot's left.
		r, okR := eyeAspect(o.Landmarks[36:42])
		l, okL := eyeAspect(o.Landmarks[42:48])
		if okR && okL {
			s.ear, s.hasEAR = [2]float64{r, l}, true
		}
	}
	return s, true
}

// eyeAspect is the eye aspect ratio of six eye landmarks (corner, two upper,
// corner, two lower): eyelid gaps over eye width, about 0.3 open, near 0 shut.
func eyeAspect(p []perception.Point) (float64, bool) {
	width := dist(p[0], p[3])
	if !(width > 1e-6) {
		return 0, false
	}
	ear := (dist(p[1], p[5]) + dist(p[2], p[4])) / (2 * width)
	return ear, finite(ear)
}

func dist(a, b perception.Point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// painEvidence says how much a face looks like pain, 0..1. The expression
// label decides first, because PSPI is raised by laughter too; without a
// decisive label a high PSPI counts only with AU4, the core of the pain
// face.
func painEvidence(s *sample, painPSPI float64) float64 {
	switch s.expr {
	case perception.ExprPain:
		return 1
	case perception.ExprHappy:
		return 0
	}
	if s.au.AU04 < 1 || s.pspi < painPSPI {
		return 0
	}
	return min(1, 0.5+(s.pspi-painPSPI)/2)
}

// eyeBaseline follows a person's open-eye aspect ratio: it rises quickly to
// a wider eye and sinks slowly, so blinks and squeezes barely move it.
type eyeBaseline struct {
	track int
	open  [2]float64
	ok    bool
}

func (e *eyeBaseline) openness(s *sample) [2]float64 {
	if !e.ok || e.track != s.track {
		e.track, e.open, e.ok = s.track, s.ear, true
	}
	var out [2]float64
	for i, v := range s.ear {
		rate := 0.02
		if v > e.open[i] {
			rate = 0.3
		}
		e.open[i] += rate * (v - e.open[i])
		out[i] = min(v/e.open[i], 1.2)
	}
	return out
}

// closedBelow is the fraction of the open-eye ratio under which an eye is
// shut: mirrored as a full blink, not a partial droop.
const closedBelow = 0.5

// mirrorFace maps one face to slot targets, attenuated by gain, with the
// empathic transform's gate applied: when pain counts (painful), nothing of
// the grimace is mirrored.
func mirrorFace(s *sample, open [2]float64, gain float64, painful bool) targets {
	var t targets
	au := &s.au
	inner := gain * (au.AU01 - au.AU04) / 5
	outer := gain * (au.AU02 - 0.6*au.AU04) / 5
	corner := gain * (au.AU12 - au.AU15) / 5
	jaw := gain * min(1, (0.3*au.AU25+au.AU26)/5)

	var lids [2]float64
	if s.hasEAR {
		for i, o := range open {
			if o < closedBelow {
				lids[i] = -1
			} else {
				lids[i] = max(-1, min(0.2, 1.5*gain*(o-1)))
			}
		}
	} else {
		l := -gain * 0.5 * au.AU07 / 5
		if au.AU43 >= 0.5 {
			l = -1
		}
		lids = [2]float64{l, l}
	}

	switch {
	case painful:
		// Concern, never a grimace: brows may rise with the person but
		// never lower, lids are not squeezed, the mouth and jaw are not
		// pulled into the pain face.
		inner, outer = max(inner, 0), max(outer, 0)
		lids = [2]float64{}
		corner, jaw = 0, 0
	case s.expr == perception.ExprHappy:
		// A smile may be mirrored; laughter's narrowed eyes only softly,
		// though a blink stays a blink.
		inner, outer = max(inner, 0), max(outer, 0)
		for i, l := range lids {
			if l > -1 {
				lids[i] = max(l, -0.35)
			}
		}
	}

	t[sBrowInnerL], t[sBrowInnerR] = inner, inner
	t[sBrowOuterL], t[sBrowOuterR] = outer, outer
	t[sLidL], t[sLidR] = lids[0], lids[1]
	t[sMouthL], t[sMouthR] = corner, corner
	t[sJaw] = jaw
	// The robot faces the person: their turn to their left is the
	// robot's turn to its right, and likewise for roll. The person's head
	// angles become the head slots' degrees from neutral here and nowhere
	// else (body.angle adds the joint's neutral).
	t[sHeadPan] = -gain * s.pose.Yaw.Degrees()
	t[sHeadTilt] = gain * s.pose.Pitch.Degrees()
	t[sHeadRoll] = -gain * s.pose.Roll.Degrees()
	return t
}

// concernFace is the expression the empathic transform shows at full
// concern: inner brows raised, outer a touch, a slight head tilt and a
// slightly lowered head; the mouth a little softened downward.
var concernFace = targets{
	sBrowInnerL: 0.55, sBrowInnerR: 0.55,
	sBrowOuterL: 0.05, sBrowOuterR: 0.05,
	sMouthL: -0.08, sMouthR: -0.08,
	sHeadRoll: 7, sHeadTilt: -2.5,
}
