package face

import "github.com/kindred-hri/kindred/perception"

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
)

// blendSource says where each AU column comes from when a face mesh gives
// blendshapes: a blendshape pair (both sides averaged) mapped onto the
// FACS 0..5 scale between dead (resting faces score up to about this) and
// full (a clear, strong action), or nothing (the landmark geometry and
// texture reading stays). MediaPipe's blendshapes are documented as
// ARKit's (Apple, ARFaceAnchor.BlendShapeLocation), which name AU-like
// actions; the pairs follow that naming. cheekSquint (AU6) and noseSneer
// (AU9) stay at 0.00 on every dev-set face, pain or not, so AU6 and AU9 come
// from geometry and texture (see BlendAUs), as AU25 (lips apart, a
// geometric fact) and AU43 (eyes shut for a time) do.
type blendSource struct {
	left, right int
	dead, full  float64
}

var blendAU = struct {
	AU01, AU02, AU04, AU07, AU10, AU12, AU15, AU26 blendSource
}{
	AU01: blendSource{bsBrowInnerUp, bsBrowInnerUp, 0.10, 0.70},
	AU02: blendSource{bsBrowOuterUpLeft, bsBrowOuterUpRight, 0.10, 0.70},
	AU04: blendSource{bsBrowDownLeft, bsBrowDownRight, 0.10, 0.70},
	AU07: blendSource{bsEyeSquintLeft, bsEyeSquintRight, 0.15, 0.75},
	AU10: blendSource{bsMouthUpperUpLeft, bsMouthUpperUpRight, 0.10, 0.70},
	AU12: blendSource{bsMouthSmileLeft, bsMouthSmileRight, 0.10, 0.70},
	AU15: blendSource{bsMouthFrownLeft, bsMouthFrownRight, 0.10, 0.60},
	AU26: blendSource{bsJawOpen, bsJawOpen, 0.10, 0.60},
}

func (s blendSource) read(b *perception.Blendshapes) float64 {
	v := (float64(b[s.left]) + float64(b[s.right])) / 2
	return 5 * level(v, s.dead, s.full)
}

// BlendAUs is geo (the AUs read from landmark geometry and texture against
// the face's baseline) with the columns blendshapes measure better read
// from the blendshapes instead. AU6 keeps its geometry reading (lower lids
// pushed up, eyes narrowed). AU9 keeps its geometry and texture reading but
// only as far as the blendshapes show what the nose wrinkler also does:
// FACS describes AU9 as pulling the inner brows down and raising the upper
// lip, so browDown or mouthUpperUp must rise with it (au9Ceiling).
// Measured on the dev set's four synthetic neutral faces against the
// population baseline, geometric AU9 alone read 0.25, 2.8, 3.5 and 3.4 on
// calm faces (dlib's points read as high): the nose-to-eye distance varies
// between people more than AU9 moves it.
func BlendAUs(b *perception.Blendshapes, geo perception.AUs) perception.AUs {
	a := geo
	a.AU01 = blendAU.AU01.read(b)
	a.AU02 = blendAU.AU02.read(b)
	a.AU04 = blendAU.AU04.read(b)
	a.AU07 = blendAU.AU07.read(b)
	a.AU10 = blendAU.AU10.read(b)
	a.AU12 = blendAU.AU12.read(b)
	a.AU15 = blendAU.AU15.read(b)
	a.AU26 = blendAU.AU26.read(b)
	a.AU09 = min(geo.AU09, au9Ceiling(b))
	return a
}

// au9Ceiling is the most AU9 the blendshapes allow: 0 while neither the
// brows are down nor the upper lip raised, 5 once either clearly is.
func au9Ceiling(b *perception.Blendshapes) float64 {
	brow := (float64(b[bsBrowDownLeft]) + float64(b[bsBrowDownRight])) / 2
	lip := (float64(b[bsMouthUpperUpLeft]) + float64(b[bsMouthUpperUpRight])) / 2
	return 5 * level(max(brow, lip), 0.1, 0.5)
}
