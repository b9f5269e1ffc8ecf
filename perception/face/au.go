package face

import (
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// level maps a change x to 0..1: 0 up to dead (measurement noise), 1 from full.
func level(x, dead, full float64) float64 {
	if x <= dead {
		return 0
	}
	return min(1, (x-dead)/(full-dead))
}

// ratioUp is the rise of a texture energy over its baseline, relative to
// the baseline or to ordinary skin texture (textureFloor), whichever is
// larger: on very smooth skin (or a cartoon) any edge would otherwise be a
// hundredfold rise. 0 when there is no baseline texture at all (the
// population baseline carries none).
func ratioUp(cur, base float64) float64 {
	if base <= 0 {
		return 0
	}
	return (cur - base) / max(base, textureFloor)
}

// textureFloor is the glabella/nasal-root gradient energy of calm adult skin
// (measured 0.03-0.04 on astronaut.png's smooth frontal face).
const textureFloor = 0.03

// Evidence is what the expression label weighs beyond the AU intensities.
type Evidence struct {
	// AU4 is the brow-lowerer evidence from its most reliable cues alone, the
	// inner-brow gap and glabella furrows, 0..1 (brow height left out: it
	// also falls when the eyes squeeze in a laugh).
	AU4 float64
	// EyesClosed is true while the eyes are shut, blink or not.
	EyesClosed bool
	// Curve is how much more the mouth corners rose than the upper lip
	// since neutral (IOD): a smile's upturn is positive, a crying mouth
	// pulled square is not.
	Curve float64
	// Burst is 0..1, how much the mouth opened and closed in bursts over
	// the last 1.5 s, as in laughter.
	Burst float64
	// Cues are the backend's own expression strengths, when it has any.
	Cues *Cues
}

// Cues are expression strengths a backend may measure directly, each 0..1
// (a learned face stack's blendshapes, say: browDown, eyeBlink/eyeSquint,
// cheekSquint, mouthUpperUp, noseSneer, mouthSmile, mouthFrown,
// mouthStretch, jawOpen, both sides averaged). Classify weighs them beside
// the landmark evidence; a backend without them passes nil.
type Cues struct {
	BrowDown      float64 `json:"brow_down"`
	EyesShut      float64 `json:"eyes_shut"`
	EyeSquint     float64 `json:"eye_squint"`
	CheekRaise    float64 `json:"cheek_raise"`
	UpperLipRaise float64 `json:"upper_lip_raise"`
	NoseWrinkle   float64 `json:"nose_wrinkle"`
	Smile         float64 `json:"smile"`
	Frown         float64 `json:"frown"`
	MouthStretch  float64 `json:"mouth_stretch"`
	JawOpen       float64 `json:"jaw_open"`
}

// eyeState turns per-frame eye closure into AU43: closed for at least
// MinEyesClosed of observation time.
type eyeState struct {
	closed bool
	since  time.Duration
}

func (e *eyeState) update(at time.Duration, closed bool, minClosed time.Duration) float64 {
	if !closed {
		e.closed = false
		return 0
	}
	if !e.closed || at < e.since {
		e.closed, e.since = true, at
	}
	if at-e.since >= minClosed {
		return 1
	}
	return 0
}

// eyesClosed decides closure from the eye aspect ratio against the person's
// neutral one; looking down narrows the eyes too, so a lowered head must
// close them further to count.
func eyesClosed(cur, base Features, pose perception.HeadPose, o *Opts) bool {
	if !(base.EyeOpen > 0) {
		return false
	}
	r := cur.EyeOpen / base.EyeOpen
	limit := o.ClosedRatio
	if pose.Pitch.Degrees() < -o.LookDownPitch {
		limit = o.ClosedRatioLookingDown
	}
	return r < limit
}

// scoreAUs reads the action units (all but AU43) from features against the
// neutral baseline. closed suppresses the lid-narrowing reading of AU7: a
// shut eye is AU43's business.
func scoreAUs(cur, base Features, closed bool) (perception.AUs, Evidence) {
	var a perception.AUs
	browDown := base.BrowEye - cur.BrowEye
	gapNarrow := base.InnerBrowGap - cur.InnerBrowGap
	furrows := ratioUp(cur.Glabella, base.Glabella)
	ev4 := min(1, 0.6*level(gapNarrow, 0.015, 0.10)+0.6*level(furrows, 0.15, 1.0))
	a.AU04 = 5 * min(1, 0.5*level(browDown, 0.015, 0.12)+ev4)
	// Brow raise: the inner ends for AU1, the outer ends for AU2.
	a.AU01 = 5 * level(cur.InnerBrowEye-base.InnerBrowEye, 0.02, 0.14)
	a.AU02 = 5 * level(cur.OuterBrowEye-base.OuterBrowEye, 0.02, 0.14)
	// Cheek raiser lifts the lower lid; lid tightener narrows the open eye.
	narrow := 0.0
	if base.EyeOpen > 0 {
		narrow = 1 - cur.EyeOpen/base.EyeOpen
	}
	lidUp := base.LowerLid - cur.LowerLid
	a.AU06 = 5 * min(1, 0.75*level(lidUp, 0.008, 0.06)+0.25*level(narrow, 0.1, 0.5))
	if !closed {
		// Narrowing from the upper lid alone is lids lowered (looking down,
		// drowsiness), not the lid tightener, which raises the lower lid.
		a.AU07 = 5 * min(1, 0.8*level(narrow, 0.08, 0.45)*lowerLidShare(cur, base)+0.2*level(lidUp, 0.008, 0.06))
	}
	// Nose wrinkler lifts the wings and creases the nasal root.
	a.AU09 = 5 * min(1, 0.7*level(base.NoseWing-cur.NoseWing, 0.01, 0.07)+0.5*level(ratioUp(cur.NasalRoot, base.NasalRoot), 0.2, 1.0))
	a.AU10 = 5 * level(base.NoseLip-cur.NoseLip, 0.012, 0.09)
	// Lip corners: up and out for AU12, down for AU15.
	lift := base.CornerDrop - cur.CornerDrop
	a.AU12 = 5 * min(1, 0.75*level(lift, 0.015, 0.10)+0.25*level(cur.MouthWidth-base.MouthWidth, 0.03, 0.2))
	a.AU15 = 5 * level(-lift, 0.015, 0.08)
	a.AU25 = 5 * level(cur.LipGap-base.LipGap, 0.03, 0.25)
	a.AU26 = 5 * level(cur.JawDrop-base.JawDrop, 0.05, 0.3)
	return a, Evidence{AU4: ev4, EyesClosed: closed, Curve: curve(cur, base)}
}

// Thresholds of Classify's cues.
const (
	// furrowed: the reliable brow-lowering evidence (inner-brow gap,
	// glabella furrows; Evidence.AU4) at which brows count as lowered.
	furrowed = 0.3
	// upturn: the corner lift beyond the upper lip's (Evidence.Curve,
	// IOD) above which a mouth can be smiling; below it lifted corners
	// belong to a crying or stretched mouth, not a smile. Measured with
	// dlib landmarks: posed grins -0.003 to +0.03, mouths stretched open
	// or rounded -0.03 to -0.2.
	upturn = -0.02
)

// eyeWidth is an eye's width in inter-ocular distances on the generic
// face, to turn the eye aspect ratio into a lid gap.
const eyeWidth = 0.47

// lowerLidShare is how much of the eyes' narrowing since neutral the lower
// lid's rise accounts for, 0.3..1: 1 when the lower lid rose as far as the
// eye narrowed, 0.3 when the upper lid came down alone.
func lowerLidShare(cur, base Features) float64 {
	lidUp := max(0, base.LowerLid-cur.LowerLid)
	upper := func(f Features) float64 { return eyeWidth*f.EyeOpen - f.LowerLid }
	drop := max(0, upper(base)-upper(cur))
	if lidUp+drop <= 0 {
		return 1
	}
	return 0.3 + 0.7*lidUp/(lidUp+drop)
}

// Classify labels an expression from several independent cues, never one
// threshold. Pain needs the brows lowered on their reliable cues (the smile
// trap: a laugh raises AU6, AU7 and AU10 as much as pain does, but not the
// inner-brow furrow) with the eyes squeezed or the nose or lip raised. A
// smile needs the lip corners up and leading the upper lip (curve): a
// crying mouth pulled wide lifts the corners too, with the upper lip. A
// laugh (upturned corners, eyes crinkled but open, the mouth opening in
// bursts) stays a laugh even with lowered brows: it is not silently pain,
// and fusion names the lowered brows beside it. Backend cues, when given,
// add their evidence to each side.
func Classify(a perception.AUs, ev Evidence) perception.Expression {
	orbit := max(a.AU06, a.AU07)
	levator := max(a.AU09, a.AU10)
	brows, squeeze, smile := ev.AU4, a.AU43, a.AU12
	upturned := ev.Curve >= upturn
	if c := ev.Cues; c != nil {
		brows = max(brows, c.BrowDown)
		squeeze = max(squeeze, c.EyesShut)
		orbit = max(orbit, 5*max(c.EyeSquint, c.CheekRaise))
		levator = max(levator, 5*c.NoseWrinkle)
		smile = max(smile, 5*c.Smile)
		upturned = upturned || c.Smile >= 0.4 && c.Frown < 0.2
	}
	// Laughter: a smile's mouth with the eyes crinkled but open. The inner
	// brows raised above the outer ones (AU1 without AU2, the brows of
	// grief; Ekman & Friesen 1978) belong to crying, not to a laugh.
	open := max(a.AU25, a.AU26)
	grief := a.AU01 >= 1.5 && a.AU01 >= a.AU02+1
	laughShape := upturned && smile >= 1.5 && squeeze == 0 && !ev.EyesClosed && !grief
	// Pain is the brows lowered with at least two of the other parts of
	// the pain face (Prkachin 1992, Pain 51): the orbit tightened with the
	// cheeks raised, the nose or upper lip raised, the eyes squeezed shut
	// (shut with the cheeks raised; lids lowered to look down are not).
	// A frown is the brows with at most one of them.
	cheeks := a.AU06 >= 1.5
	parts := 0
	if orbit >= 1.5 && cheeks {
		parts++
	}
	if levator >= 1.5 {
		parts++
	}
	if squeeze > 0 && (cheeks || ev.Cues != nil && ev.Cues.EyeSquint >= 0.3) {
		parts++
	}
	painGated := brows >= furrowed && a.AU04 >= 1.5 && parts >= 2
	// With the brows lowered a laugh's shape is not enough (a pain face
	// opens the mouth and raises the cheeks too): its time course must
	// show, the mouth opening and closing in bursts. A held grimace does not.
	bursting := ev.Burst >= 0.6
	laugh := laughShape && (bursting || !painGated && open >= 1.5 && a.AU06 >= 1)
	switch {
	case painGated && !(laughShape && bursting):
		return perception.ExprPain
	case laugh || (smile >= 1.5 && upturned && brows < furrowed && !grief):
		return perception.ExprHappy
	case a.AU01 >= 1.5 && a.AU02 >= 1 && (a.AU25 >= 1 || a.AU26 >= 1) && a.AU04 < 1:
		return perception.ExprSurprise
	case grief || a.AU01 >= 1 && (a.AU15 >= 1 || a.AU04 >= 1 || (smile >= 1 && !upturned)) && !(smile >= 1 && upturned):
		return perception.ExprSad
	default:
		return perception.ExprNeutral
	}
}
