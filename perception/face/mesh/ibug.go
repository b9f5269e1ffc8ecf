package mesh

// ibug68 maps each of the 68 iBUG 300-W points to a MediaPipe face mesh
// vertex: the jaw contour from the person's right ear to the left, the
// brows (each point the midpoint of an upper-edge vertex here and its
// lower-edge partner in browLower), the nose bridge and base, the eye corners and lids, the outer
// and inner lip lines. Each is the vertex nearest, on average, to dlib's
// fit of that point on four real frontal faces (astronaut.png and three
// dev-set portraits; in inter-ocular distances), taken in mirror pairs so
// the mapping stays symmetric: the AU geometry was tuned on dlib's points,
// so the mesh stands in where dlib put them (the inner eye corners on the
// lid just below the canthus vertex, the jaw on the jawbone line rather
// than the silhouette). TestMeshMapsOntoDlibsPoints checks it.
var ibug68 = [68]int{
	// 0..16 jaw, image left (the person's right) over the chin.
	127, 234, 177, 215, 172, 136, 149, 176, 152, 400, 378, 365, 397, 435, 401, 454, 356,
	// 17..21 right brow outer to inner, 22..26 left brow inner to outer.
	70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
	// 27..30 nose bridge to tip, 31..35 nose base.
	168, 197, 5, 4, 240, 97, 2, 326, 460,
	// 36..41 right eye: outer corner, upper lid, inner corner, lower lid.
	33, 160, 158, 155, 153, 144,
	// 42..47 left eye: inner corner, upper lid, outer corner, lower lid.
	382, 385, 387, 263, 373, 380,
	// 48..59 outer lips clockwise from the right corner.
	61, 39, 37, 0, 267, 269, 291, 321, 314, 17, 84, 91,
	// 60..67 inner lips.
	78, 82, 13, 312, 308, 317, 14, 87,
}

// browLower pairs each brow point's upper-edge vertex with the vertex below
// it on the brow's lower edge (MediaPipe's eyebrow contours): the brow
// points are the midpoints of the pairs, on the brow's middle line. On the
// upper edge alone the inner brows sat higher above the eyes than dlib puts
// them (inner brow to eye 0.06-0.08 inter-ocular distances more on
// astronaut.png and OpenCV's messi5.jpg), so lowered brows read as barely
// lowered against the population face; on the midline they agree with
// dlib's to about 0.02.
var browLower = [68]int{
	17: 46, 18: 53, 19: 52, 20: 65, 21: 55,
	22: 285, 23: 295, 24: 282, 25: 283, 26: 276,
}

// Mesh vertices the crop is levelled on when tracking: the outer eye
// corners (iBUG 36 and 45), as MediaPipe's face landmarker does.
const (
	rightEyeOuter = 33
	leftEyeOuter  = 263
)
