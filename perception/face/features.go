package face

import (
	"image"
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Features are the pose-corrected measurements action units are read from.
// Geometric ones are in inter-ocular distances (IOD) of the frontalised
// face; texture ones are gradient energy over mean brightness (Weber
// contrast), so a change of lighting gain cancels out.
type Features struct {
	BrowEye      float64 `json:"brow_eye"`       // mid brows above upper lids
	InnerBrowEye float64 `json:"inner_brow_eye"` // inner brow ends (21, 22) above inner eye corners
	OuterBrowEye float64 `json:"outer_brow_eye"` // outer brow ends (17, 26) above outer eye corners
	InnerBrowGap float64 `json:"inner_brow_gap"` // 21 to 22, across
	EyeOpen      float64 `json:"eye_open"`       // lid gap over eye width (eye aspect ratio)
	LowerLid     float64 `json:"lower_lid"`      // lower lid below the corner line
	NoseWing     float64 `json:"nose_wing"`      // nose wings (31, 35) below inner eye corners
	NoseLip      float64 `json:"nose_lip"`       // nose base (33) above upper lip (51)
	MouthWidth   float64 `json:"mouth_width"`    // 48 to 54
	CornerDrop   float64 `json:"corner_drop"`    // mouth corners below the nose base
	LipGap       float64 `json:"lip_gap"`        // inner lips apart (62 to 66)
	JawDrop      float64 `json:"jaw_drop"`       // chin (8) below the nose base
	Glabella     float64 `json:"glabella"`       // vertical furrows between the brows
	NasalRoot    float64 `json:"nasal_root"`     // horizontal wrinkles on the nasal root
	// Blend is the face mesh's blendshapes on the same frame (nil from a
	// backend without them): a baseline's median of them is the person's
	// neutral blendshapes, which Classify's cues are measured against.
	Blend *perception.Blendshapes `json:"blendshapes,omitempty" yaml:"blendshapes,omitempty"`
}

// eyeCentres are the centres of the right eye (points 36–41) and the left
// eye (42–47) of raw landmarks, in pixels.
func eyeCentres(lm *[68]perception.Point) (r, l perception.Point) {
	for i := 36; i < 42; i++ {
		r.X += lm[i].X / 6
		r.Y += lm[i].Y / 6
		l.X += lm[i+6].X / 6
		l.Y += lm[i+6].Y / 6
	}
	return r, l
}

// iodOf is the distance between the eye centres of raw landmarks, in pixels.
func iodOf(lm *[68]perception.Point) float64 {
	r, l := eyeCentres(lm)
	return math.Hypot(l.X-r.X, l.Y-r.Y)
}

// Measure computes Features from landmarks in img under pose (img may be nil:
// texture features are then 0). It reports false when the landmarks are
// degenerate (no measurable eye distance). A calibration measures calm frames
// with it and keeps BaselineOf them.
func Measure(img *image.Gray, lm *[68]perception.Point, pose perception.HeadPose) (Features, bool) {
	f := frontalise(lm, pose)
	var rc, lc Point3
	for i := 36; i < 42; i++ {
		rc.X += f[i].X / 6
		rc.Y += f[i].Y / 6
		lc.X += f[i+6].X / 6
		lc.Y += f[i+6].Y / 6
	}
	iod := math.Hypot(lc.X-rc.X, lc.Y-rc.Y)
	if !(iod > 1e-6) {
		return Features{}, false
	}
	y := func(i ...int) float64 {
		s := 0.0
		for _, k := range i {
			s += f[k].Y
		}
		return s / float64(len(i))
	}
	dist := func(a, b int) float64 { return math.Hypot(f[a].X-f[b].X, f[a].Y-f[b].Y) }
	ear := func(o, u1, u2, in, l1, l2 int) float64 {
		w := dist(o, in)
		if w <= 0 {
			return 0
		}
		return (dist(u1, l2) + dist(u2, l1)) / (2 * w)
	}
	var ft Features
	ft.BrowEye = ((y(37, 38) - y(18, 19, 20)) + (y(43, 44) - y(23, 24, 25))) / 2 / iod
	ft.InnerBrowEye = ((y(39) - y(21)) + (y(42) - y(22))) / 2 / iod
	ft.OuterBrowEye = ((y(36) - y(17)) + (y(45) - y(26))) / 2 / iod
	ft.InnerBrowGap = (f[22].X - f[21].X) / iod
	ft.EyeOpen = (ear(36, 37, 38, 39, 40, 41) + ear(45, 44, 43, 42, 47, 46)) / 2
	ft.LowerLid = ((y(40, 41) - y(36, 39)) + (y(46, 47) - y(42, 45))) / 2 / iod
	ft.NoseWing = (y(31, 35) - y(39, 42)) / iod
	ft.NoseLip = (y(51) - y(33)) / iod
	ft.MouthWidth = dist(48, 54) / iod
	ft.CornerDrop = (y(48, 54) - y(33)) / iod
	ft.LipGap = dist(62, 66) / iod
	ft.JawDrop = (y(8) - y(33)) / iod
	if img != nil {
		ft.Glabella, ft.NasalRoot = texture(img, lm, pose.Roll.Radians())
	}
	return ft, true
}

// MeasureObs is Measure on an observation's landmarks and pose, with its
// blendshapes kept beside the geometry when it has them (the mesh
// backend): what a calibration's baseline is the median of.
func MeasureObs(img *image.Gray, o *perception.FaceObs) (Features, bool) {
	f, ok := Measure(img, &o.Landmarks, o.Pose)
	if ok && o.HasBlendshapes {
		b := o.Blendshapes
		f.Blend = &b
	}
	return f, ok
}

// texture measures wrinkle energy in the glabella (vertical furrows: gradient
// across the face) and on the nasal root (horizontal wrinkles: gradient along
// it), on the gray frame, with gradients turned by the head's roll.
func texture(img *image.Gray, lm *[68]perception.Point, roll float64) (glabella, nasal float64) {
	iod := iodOf(lm)
	if iod < 8 {
		return 0, 0
	}
	cos, sin := math.Cos(roll), math.Sin(roll)
	mid := func(a, b int) perception.Point {
		return perception.Point{X: (lm[a].X + lm[b].X) / 2, Y: (lm[a].Y + lm[b].Y) / 2}
	}
	brows := mid(21, 22)
	root := lm[27]
	// Glabella: between the inner brow ends, reaching down towards the nasal root.
	g := perception.Point{X: (2*brows.X + root.X) / 3, Y: (2*brows.Y + root.Y) / 3}
	glabella = gradientEnergy(img, g, 0.16*iod, 0.14*iod, cos, sin, true)
	// Nasal root: between 27 and 28.
	n := mid(27, 28)
	nasal = gradientEnergy(img, n, 0.12*iod, 0.1*iod, cos, sin, false)
	return glabella, nasal
}

// gradientEnergy is the mean absolute gradient across (or along) the face
// axis in a box around c, over the box's mean brightness.
func gradientEnergy(img *image.Gray, c perception.Point, hw, hh, cos, sin float64, across bool) float64 {
	b := img.Bounds()
	r := image.Rect(int(c.X-hw), int(c.Y-hh), int(c.X+hw)+1, int(c.Y+hh)+1).Intersect(b.Inset(1))
	if r.Dx() < 3 || r.Dy() < 3 {
		return 0
	}
	var sumG, sumI float64
	for yy := r.Min.Y; yy < r.Max.Y; yy++ {
		o := img.PixOffset(r.Min.X, yy)
		for x := range r.Dx() {
			i := o + x
			gx := float64(int(img.Pix[i+1]) - int(img.Pix[i-1]))
			gy := float64(int(img.Pix[i+img.Stride]) - int(img.Pix[i-img.Stride]))
			g := -gx*sin + gy*cos // along the face's vertical axis
			if across {
				g = gx*cos + gy*sin
			}
			sumG += math.Abs(g)
			sumI += float64(img.Pix[i])
		}
	}
	n := float64(r.Dx() * r.Dy())
	return (sumG / n) / (sumI/n + 16)
}
