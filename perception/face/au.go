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
	// Levator is the nose and upper-lip raisers' reading (the larger of
	// AU9 and AU10) before AU9 was held to AU10 against the population's
	// face (au9BackedByLip) and before AU10 and AU9 were held to the upper
	// lip's and the nose wings' rise beyond the corners' (upperLipRaiser,
	// noseWrinkler), 0 when Score did not set it: Classify's levator
	// part, which the mesh's mouthUpperUp must back and whose smile trap
	// weighs the corners itself (Curve), keeps it, so the holds lower PSPI
	// without changing the label.
	Levator float64
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
	// LookDown is the gaze lowered (absolute): lids that follow the eyes
	// down are not squeezed shut.
	LookDown float64 `json:"look_down"`
	// Wink is how much more one eye is closed than the other (absolute
	// eyeBlink difference, 0..1): pain tightens both orbits.
	Wink float64 `json:"wink"`
	// Relative says the cues are rises above the person's own neutral
	// blendshapes (CuesAgainst); absolute cues (a still, a dlib
	// calibration) are weaker evidence, as faces at rest differ.
	Relative bool `json:"relative"`
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
	a.AU09 = noseWrinkle(base.NoseWing-cur.NoseWing, cur, base)
	a.AU10 = 5 * level(base.NoseLip-cur.NoseLip, 0.012, 0.09)
	// Lip corners: up and out for AU12, down for AU15.
	lift := base.CornerDrop - cur.CornerDrop
	a.AU12 = 5 * min(1, 0.75*level(lift, 0.015, 0.10)+0.25*level(cur.MouthWidth-base.MouthWidth, 0.03, 0.2))
	a.AU15 = 5 * level(-lift, 0.015, 0.08)
	a.AU25 = 5 * level(cur.LipGap-base.LipGap, 0.03, 0.25)
	a.AU26 = 5 * level(cur.JawDrop-base.JawDrop, 0.05, 0.3)
	return a, Evidence{AU4: ev4, EyesClosed: closed, Curve: curve(cur, base)}
}

// upperLipRaiser reads AU10 against the person's own neutral face: the
// centre of the upper lip drawn up beyond the mouth corners, the angular
// bend FACS scores the upper lip raiser by. A centre that rises only as
// far as the corners do is the lip stretched up by the lip corner puller,
// which FACS does not score as 10: "you can see the center of the upper
// lip raised and it is not due to 6, 9, 11, or 12, you can score 10", and
// 10's sign is the "center of upper lip raised ..., causing an angular
// bend in the shape of the upper lip" (Ekman, Friesen & Hager 2002, FACS
// Manual, AU10). The corners' rise is taken as measured, not corrected
// for an opening jaw as curve does (that correction credits passive
// corners with the upper lip's own rise), so an upper lip raised over a
// dropped jaw with the corners stretched out (AU10+20+26, the pain mouth)
// keeps its AU10. Only against the person's own neutral: against the
// population's face the corners' height below the nose reads the person's
// proportions, not a movement (the dev set's neutral stills read AU12 up
// to 3.2 there), and cannot say what the lip's rise was due to. Measured
// with `kindred eval --only faces` (mesh backend): liveportrait d0's grin,
// corners up 0.10-0.11 IOD and the upper lip's centre 0.08-0.09, read
// AU10 3.9 on average before, 0 now; the grimaces, all stills, keep theirs.
func upperLipRaiser(cur, base Features) float64 {
	lipUp := base.NoseLip - cur.NoseLip
	cornersUp := max(0, base.CornerDrop-cur.CornerDrop)
	return 5 * level(lipUp-cornersUp, 0.012, 0.09)
}

// noseWrinkle is AU9 from the nose wings' rise wingUp (IOD) and the
// nasal root's wrinkles (its texture's rise from base to cur).
func noseWrinkle(wingUp float64, cur, base Features) float64 {
	return 5 * min(1, 0.7*level(wingUp, 0.01, 0.07)+0.5*level(ratioUp(cur.NasalRoot, base.NasalRoot), 0.2, 1.0))
}

// noseWrinkler reads AU9 against the person's own neutral face: the nose
// wings' rise beyond the mouth corners', beside the nasal root's
// wrinkles. FACS scores the nose wrinkler by the skin wrinkled along the
// sides and across the root of the nose, with the infraorbital triangle
// and the nostril wings pulled up (Ekman, Friesen & Hager 2002, FACS
// Manual, AU9); the lip corner puller and the cheek raiser also lift the
// infraorbital triangle and, in a broad smile, the nostril wings with it,
// which FACS scores as 12 and 6, not 9. The wings are nearer the eyes
// than the corners are, so a smile lifts them less than the corners: a
// rise no larger than the corners' is the smile's. As with
// upperLipRaiser, the corners' rise is taken as measured, and only
// against the person's own neutral (against the population's face AU9
// is held to AU10, au9BackedByLip). Measured with `kindred eval --only
// faces` (mesh backend): liveportrait d0's grin lifts the wings 0.035 to
// 0.056 IOD while its corners rise 0.10 to 0.12, with no wrinkles at the
// nasal root (texture rise under 0.07, noseSneer 0), and read AU9 1.64 on
// average before, 0 now.
func noseWrinkler(cur, base Features) float64 {
	cornersUp := max(0, base.CornerDrop-cur.CornerDrop)
	return noseWrinkle(base.NoseWing-cur.NoseWing-cornersUp, cur, base)
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

// Thresholds of Classify's backend cues (blendshape scores, 0..1).
const (
	// cueBrows: browDown at which the brows count as lowered.
	cueBrows = 0.3
	// cueShut: eyeBlink at which the lids count as closed, beyond the
	// crinkle of a smile (on the dev set's broad smiles 0.1 to 0.25).
	cueShut = 0.35
	// cueSquint: a rise of eyeSquint over the person's own neutral that
	// counts as the orbit tightened (relative cues only: at rest the
	// absolute score is 0.1 to 0.75).
	cueSquint = 0.3
	// cueLevator: mouthUpperUp that must agree with a geometric AU9/AU10
	// for the upper lip to count as raised (the geometry alone also moves
	// with a lowered brow's skin and with head pitch).
	cueLevator = 0.1
	// cueLookDown: eyeLookDown from which closing lids follow the gaze
	// rather than squeeze.
	cueLookDown = 0.3
	// cueWink: the eyeBlink difference between the eyes from which the
	// eyes count as winking, not squeezed or tightened.
	cueWink = 0.3
	// cueSmile: mouthSmile at which the corners count as pulled up.
	cueSmile = 0.4
)

// Classify labels an expression from several independent cues, never one
// threshold. The pain face is parts of four regions (Prkachin 1992, Pain
// 51; Prkachin & Solomon 2008, Pain 139): the brows lowered, the orbit
// tightened (cheeks raised, lids narrowed, or squeezed shut), the nose or
// upper lip raised, and the mouth opened or stretched and held. Pain is
// the orbit tightened with the brows lowered and at least one more part
// (shut lids, the levator, a held open mouth), or without the brows with
// both the levator and a held open mouth and no smile. A frown (brows and
// narrowed eyes, lips pressed) is not pain, nor are lids that close to
// follow the gaze down. The smile trap: a laugh raises the cheeks, narrows
// the eyes, raises the upper lip and opens the mouth as pain does; it
// keeps the eyes crinkled but open and the corners up, leading the upper
// lip (curve; a crying mouth pulled wide lifts the corners with the upper
// lip). When a face shows both a laugh's shape and pain's parts, the time
// course decides (laughter comes in bursts), then the stronger of the
// smile and the lowered brows: a laugh with a furrowed brow is not
// silently pain, and fusion names the lowered brows beside it. Backend
// cues, when given, add evidence to each part.
func Classify(a perception.AUs, ev Evidence) perception.Expression {
	c := ev.Cues
	smile := a.AU12
	upturned := ev.Curve >= upturn
	browEv := ev.AU4
	brows := ev.AU4 >= furrowed && a.AU04 >= 1.5
	cheeks := a.AU06 >= 1.5
	orbit := cheeks && max(a.AU06, a.AU07) >= 1.5
	shut := a.AU43 > 0
	levator := max(a.AU09, a.AU10, ev.Levator) >= 1.5
	lookingDown := false
	if c != nil {
		// The mesh's own smile score, not the corners' geometry: against
		// the population's face a calm mouth reads AU12 up to 3, and a
		// lowered head lifts the corners' frontalised height.
		smile = 5 * c.Smile
		if c.Relative {
			orbit = orbit || c.EyeSquint >= cueSquint
		}
		upturned = upturned || c.Smile >= cueSmile && c.Frown < 0.2
		browEv = max(browEv, c.BrowDown)
		brows = brows || c.BrowDown >= cueBrows
		shut = shut || c.EyesShut >= cueShut
		levator = levator && c.UpperLipRaise >= cueLevator || c.NoseWrinkle >= cueBrows
		lookingDown = c.LookDown >= cueLookDown
	}
	// Shut with the cheeks raised or the orbit tightened is squeezed;
	// lids lowered to look down are not.
	squeezed := shut && !lookingDown && (cheeks || orbit || c != nil && c.EyeSquint >= cueSquint)
	eyes := orbit || squeezed
	if c != nil && c.Wink >= cueWink {
		// A wink: one eye closed, the other open. Pain tightens both.
		eyes, squeezed = false, false
	}
	bursting := ev.Burst >= 0.6
	open := max(a.AU25, a.AU26)
	mouth := open >= 1 && !bursting
	if c != nil {
		mouth = mouth || c.MouthStretch >= cueSmile
	}
	smiling := smile >= 1.5 && upturned
	// Laughter: a smile's mouth with the eyes crinkled but open. The inner
	// brows raised above the outer ones (AU1 without AU2, the brows of
	// grief; Ekman & Friesen 1978) belong to crying, not to a laugh.
	grief := a.AU01 >= 1.5 && a.AU01 >= a.AU02+1
	laughShape := smiling && !shut && !ev.EyesClosed && !grief
	parts := 0
	for _, p := range []bool{levator, mouth, squeezed} {
		if p {
			parts++
		}
	}
	// Without the brows, the levator must have the mesh's agreement: the
	// geometry alone reads it at rest up to 3 (blend.go). A smile's
	// corners rule that face out only while the eyes stay open: a laugh
	// keeps them crinkled open (the Duchenne smile, AU6+AU12; Ekman,
	// Davidson & Friesen 1990, J Pers Soc Psychol 58), while eyes
	// squeezed shut (AU43 with the cheeks raised, AU6: the orbit's
	// tightening; a blink or lids following the gaze leave the cheeks
	// down) with the upper lip raised and the mouth held open are the
	// pain face's orbit, levator and mouth parts (Prkachin 1992, Pain 51;
	// Prkachin & Solomon 2008), whose corners are pulled up and out too
	// (AU12 and AU20 occur in pain; Prkachin 1992). Laughter that shuts
	// the eyes comes in bursts, which keep mouth false.
	squeezedShut := (ev.EyesClosed || shut) && cheeks
	painFace := eyes && (brows && parts >= 1 || levator && c != nil && mouth && (!smiling || squeezedShut))
	// Both: the time course decides. Without it (a still, a held face) and
	// without the person's own neutral, the brows' lowering is only
	// measured against the population's face, where a broad smile's
	// raised cheeks read as lowered brows too (on the dev set's two smiling
	// portraits browDown 0.69 and 0.89): there the stronger display wins.
	absolute := c != nil && !c.Relative
	laughWins := laughShape && (bursting || absolute && smile/5 > browEv)
	switch {
	case painFace && !laughWins:
		return perception.ExprPain
	case laughShape && (bursting || painFace || open >= 1.5 && a.AU06 >= 1) || smiling && browEv < furrowed && !grief:
		return perception.ExprHappy
	case a.AU01 >= 1.5 && a.AU02 >= 1 && (a.AU25 >= 1 || a.AU26 >= 1) && a.AU04 < 1:
		return perception.ExprSurprise
	case grief || a.AU01 >= 1 && (a.AU15 >= 1 || a.AU04 >= 1 || (smile >= 1 && !upturned)) && !(smile >= 1 && upturned):
		return perception.ExprSad
	default:
		return perception.ExprNeutral
	}
}
