package mesh

// ibug68 maps each of the 68 iBUG 300-W points to the MediaPipe face mesh
// vertex at the same anatomical place (MediaPipe's canonical face model
// topology, mediapipe/modules/face_geometry/data/canonical_face_model_uv_visualization.png):
// the jaw contour from the person's right ear to the left, the upper brow
// edges, the nose bridge and base, the eye corners and lids, the outer and
// inner lip lines. The jaw is the mesh's outline, which in a turned face is
// the silhouette where iBUG's jaw is annotated on the jawbone, so the jaw
// points are not used where it matters (pose reads nose and eye corners).
var ibug68 = [68]int{
	// 0..16 jaw, image left (the person's right) over the chin.
	127, 234, 93, 132, 58, 172, 136, 149, 152, 378, 365, 397, 288, 361, 323, 454, 356,
	// 17..21 right brow outer to inner, 22..26 left brow inner to outer.
	70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
	// 27..30 nose bridge to tip, 31..35 nose base.
	168, 197, 5, 4, 75, 97, 2, 326, 305,
	// 36..41 right eye: outer corner, upper lid, inner corner, lower lid.
	33, 160, 158, 133, 153, 144,
	// 42..47 left eye: inner corner, upper lid, outer corner, lower lid.
	362, 385, 387, 263, 373, 380,
	// 48..59 outer lips clockwise from the right corner.
	61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
	// 60..67 inner lips.
	78, 82, 13, 312, 308, 317, 14, 87,
}

// Mesh vertices the crop is levelled on when tracking: the outer eye
// corners (iBUG 36 and 45), as MediaPipe's face landmarker does.
const (
	rightEyeOuter = 33
	leftEyeOuter  = 263
)
