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
	if pose.Pitch < -o.LookDownPitch {
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
		a.AU07 = 5 * min(1, 0.8*level(narrow, 0.08, 0.45)+0.2*level(lidUp, 0.008, 0.06))
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
	return a, Evidence{AU4: ev4, EyesClosed: closed}
}

// Classify labels an expression from the action units and the AU4 evidence.
// Pain needs the brow lowerer on its reliable cues (the smile trap: a laugh
// raises AU6, AU7 and AU10 as much as pain does, but not the inner-brow
// furrow); a smile is lip corners up without that evidence.
func Classify(a perception.AUs, ev Evidence) perception.Expression {
	orbit := max(a.AU06, a.AU07)
	levator := max(a.AU09, a.AU10)
	painGated := ev.AU4 >= 0.3 && a.AU04 >= 1.5 && (orbit >= 1 || levator >= 1 || a.AU43 > 0)
	switch {
	case painGated && a.AU04+orbit+levator+a.AU43 >= 4:
		return perception.ExprPain
	case a.AU12 >= 1.5 && ev.AU4 < 0.3:
		return perception.ExprHappy
	case a.AU01 >= 1.5 && a.AU02 >= 1 && (a.AU25 >= 1 || a.AU26 >= 1) && a.AU04 < 1:
		return perception.ExprSurprise
	case a.AU01 >= 1 && (a.AU15 >= 1 || a.AU04 >= 1) && a.AU12 < 1:
		return perception.ExprSad
	default:
		return perception.ExprNeutral
	}
}
