package face

import (
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Indices of the blendshapes the AU columns read (perception.BlendshapeNames).
const (
	bsBrowDownLeft      = 1
	bsBrowDownRight     = 2
	bsBrowInnerUp       = 3
	bsBrowOuterUpLeft   = 4
	bsBrowOuterUpRight  = 5
	bsEyeSquintLeft     = 19
	bsEyeSquintRight    = 20
	bsJawOpen           = 25
	bsMouthFrownLeft    = 30
	bsMouthFrownRight   = 31
	bsMouthSmileLeft    = 44
	bsMouthSmileRight   = 45
	bsMouthUpperUpLeft  = 48
	bsMouthUpperUpRight = 49
	bsCheekSquintLeft   = 7
	bsCheekSquintRight  = 8
	bsEyeBlinkLeft      = 9
	bsEyeBlinkRight     = 10
	bsEyeLookDownLeft   = 11
	bsEyeLookDownRight  = 12
	bsMouthStretchLeft  = 46
	bsMouthStretchRight = 47
	bsNoseSneerLeft     = 50
	bsNoseSneerRight    = 51
)

// BlendAUs is geo (the AUs read from landmark geometry and texture against
// the face's baseline) with AU9 held to what the blendshapes allow. The
// other columns keep their geometric reading: blendshapes are absolute, not
// measured against the person's neutral face, and read as AU columns they
// put calm faces far from PSPI 0. Measured with `kindred eval --only faces`
// on the dev set (mesh backend): neutral frames with PSPI below 2 were 22 %
// with eight columns read from blendshapes (browInnerUp, browOuterUp,
// browDown, eyeSquint, mouthUpperUp, mouthSmile, mouthFrown, jawOpen) and
// 90 % with geometry; the blendshapes serve Classify as cues instead
// (CuesOf). AU9: FACS describes the nose wrinkler as pulling the inner brows
// down and raising the upper lip, so browDown or mouthUpperUp must rise
// with it (au9Ceiling); on the dev set's four synthetic neutral faces,
// against the population baseline, geometric AU9 alone read 0.25, 2.8, 3.5
// and 3.4 (the nose-to-eye distance varies between people more than AU9
// moves it).
func BlendAUs(b *perception.Blendshapes, geo perception.AUs) perception.AUs {
	a := geo
	a.AU09 = min(geo.AU09, au9Ceiling(b))
	return a
}

// au9BackedByLip holds AU9 to AU10, for a face scored against the
// population's neutral face (a still, the first seconds of a run). There
// AU9's geometry, the nose wings' height below the inner eye corners, reads
// the person's proportions and not a wrinkle: on the dev set's stills it
// is 0.58 to 0.72 IOD (the infants 0.63 and 0.65, the generic face 0.72),
// and clips' own neutrals reach 0.76, while the wrinkler moves it 0.01 to
// 0.07 (au.go); the nasal root's texture has no baseline there. Nor does
// the mesh's ceiling help: a smile raises mouthUpperUp (0.6 to 0.8 on the
// smiling portraits and the laughing infant) and browDown (0.4 to 0.9) as
// a wrinkler would, and noseSneer stays at 0. So on those stills AU9 read
// 3.5, its geometric ceiling, whatever the face did: PSPI 3.5 for the
// crying and the laughing infant alike, 9.8 and 9.9 for two smiling
// portraits. FACS's nose wrinkler raises the upper lip with the nose
// (Ekman, Friesen & Hager 2002, FACS Manual, AU9), so AU9 without a
// raised upper lip is not a nose wrinkle: against the population, AU9
// counts only as far as AU10 shows, and max(AU9, AU10) in PSPI
// (Prkachin & Solomon 2008) becomes AU10. Measured with `kindred eval
// --only faces` (mesh backend): crying infant PSPI 3.5 -> 2.8, laughing
// infant 3.5 -> 0.15; the smiling portraits 9.8 -> 6.3 and 9.9 -> 6.4;
// the posed grimace 9.1 -> 7.4. Once the person's own neutral is known,
// the wings' rise is measured against it and AU9 stands on its own.
func au9BackedByLip(a perception.AUs) perception.AUs {
	a.AU09 = min(a.AU09, a.AU10)
	return a
}

// au9Ceiling is the most AU9 the blendshapes allow: 0 while neither the
// brows are down nor the upper lip raised, 5 once either clearly is.
func au9Ceiling(b *perception.Blendshapes) float64 {
	brow := (float64(b[bsBrowDownLeft]) + float64(b[bsBrowDownRight])) / 2
	lip := (float64(b[bsMouthUpperUpLeft]) + float64(b[bsMouthUpperUpRight])) / 2
	return 5 * level(max(brow, lip), 0.1, 0.5)
}

// CuesOf turns blendshapes into Classify's backend cues, each side pair
// averaged, 0..1 as the model gives them (absolute: no neutral face to
// measure them against). They add evidence to the label only: they do not
// set AU columns or PSPI (see Scorer.Score).
func CuesOf(b *perception.Blendshapes) *Cues { return CuesAgainst(b, nil) }

// CuesAgainst is CuesOf measured against the person's neutral blendshapes
// (nil: none known, the cues stay absolute): each cue is its rise above
// the neutral value, over the room the neutral value leaves (so 1 is still
// the model's maximum). Faces at rest differ in their blendshapes as much
// as in their geometry: on the dev set's calm frames eyeSquint reads 0.1
// to 0.75 and browDown up to 0.5, so only a rise says the face moved.
// LookDown (the gaze lowered, which closes the lids without a squeeze)
// stays absolute: it explains eye closure whatever the neutral.
func CuesAgainst(b, neutral *perception.Blendshapes) *Cues {
	pair := func(l, r int) float64 {
		v := (float64(b[l]) + float64(b[r])) / 2
		if neutral == nil {
			return v
		}
		n := (float64(neutral[l]) + float64(neutral[r])) / 2
		return max(0, v-n) / max(1-n, 0.05)
	}
	one := func(k int) float64 { return pair(k, k) }
	// The eyes: the less closed or squinted eye of the two. Pain tightens
	// both orbits; a wink closes one.
	both := func(l, r int) float64 { return min(one(l), one(r)) }
	return &Cues{
		BrowDown:      pair(bsBrowDownLeft, bsBrowDownRight),
		EyesShut:      both(bsEyeBlinkLeft, bsEyeBlinkRight),
		EyeSquint:     both(bsEyeSquintLeft, bsEyeSquintRight),
		CheekRaise:    pair(bsCheekSquintLeft, bsCheekSquintRight),
		UpperLipRaise: pair(bsMouthUpperUpLeft, bsMouthUpperUpRight),
		NoseWrinkle:   pair(bsNoseSneerLeft, bsNoseSneerRight),
		Smile:         pair(bsMouthSmileLeft, bsMouthSmileRight),
		Frown:         pair(bsMouthFrownLeft, bsMouthFrownRight),
		MouthStretch:  pair(bsMouthStretchLeft, bsMouthStretchRight),
		JawOpen:       one(bsJawOpen),
		LookDown:      (float64(b[bsEyeLookDownLeft]) + float64(b[bsEyeLookDownRight])) / 2,
		Wink:          math.Abs(float64(b[bsEyeBlinkLeft]) - float64(b[bsEyeBlinkRight])),
		Relative:      neutral != nil,
	}
}
