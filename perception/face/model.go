package face

import (
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Point3 is a point of the generic face, in millimetres.
type Point3 struct{ X, Y, Z float64 }

// GenericFace is an average adult face in the 68-point iBUG layout, in
// millimetres, camera-aligned when frontal: x to the image right, y down,
// z away from the camera (the nose tip, nearest the camera, has the most
// negative z). The origin is midway between the eye centres at eye level;
// eye centres are about 63 mm apart. Built here from anthropometric averages
// (jaw as an arc, brows, nose, lids and lips placed by typical distances),
// with brows, lids and lips checked against dlib's fit on a real face; it
// only has to be right to a few millimetres for pose and frontalisation.
var GenericFace = buildGenericFace()

// RigidPoints are the landmarks that expressions barely move (nose bridge and
// base, eye corners): pose is estimated from these.
var RigidPoints = []int{27, 28, 29, 30, 31, 33, 35, 36, 39, 42, 45}

func buildGenericFace() [68]Point3 {
	var m [68]Point3
	// Jaw 0..16, from the person's right (image left) over the chin.
	for i := 0; i <= 16; i++ {
		a := math.Pi * float64(i) / 16
		m[i] = Point3{X: -70 * math.Cos(a), Y: -5 + 125*math.Sin(a), Z: -(-60 + 65*math.Sin(a))}
	}
	// Right brow 17..21 (outer to inner); the left brow mirrors it, 22..26 inner to outer.
	brow := [5]Point3{{-55, -10, 25}, {-46, -22, 10}, {-35, -25, 3}, {-23, -24, 0}, {-12, -20, -2}}
	for i, p := range brow {
		m[17+i] = p
		m[26-i] = Point3{-p.X, p.Y, p.Z}
	}
	// Nose bridge 27..30 and base 31..35.
	m[27] = Point3{0, -5, -5}
	m[28] = Point3{0, 12, -12}
	m[29] = Point3{0, 25, -20}
	m[30] = Point3{0, 38, -30}
	m[31] = Point3{-15, 45, -10}
	m[32] = Point3{-8, 48, -16}
	m[33] = Point3{0, 50, -20}
	m[34] = Point3{8, 48, -16}
	m[35] = Point3{15, 45, -10}
	// Right eye 36..41 (outer corner, upper lid, inner corner, lower lid); left eye mirrors.
	eye := [6]Point3{{-45, 0, 8}, {-36, -6, 2}, {-26, -6, 1}, {-18, 0, 3}, {-26, 4, 1}, {-36, 4, 2}}
	mirror := [6]int{45, 44, 43, 42, 47, 46}
	for i, p := range eye {
		m[36+i] = p
		m[mirror[i]] = Point3{-p.X, p.Y, p.Z}
	}
	// Outer lips 48..59 clockwise from the right corner, inner lips 60..67.
	outer := [12]Point3{{-25, 71, 0}, {-15, 66, -8}, {-6, 63, -12}, {0, 64, -13}, {6, 63, -12}, {15, 66, -8},
		{25, 71, 0}, {15, 78, -7}, {6, 81, -10}, {0, 82, -11}, {-6, 81, -10}, {-15, 78, -7}}
	copy(m[48:60], outer[:])
	inner := [8]Point3{{-20, 71, -2}, {-6, 69, -10}, {0, 69, -11}, {6, 69, -10}, {20, 71, -2}, {6, 73, -10}, {0, 73, -11}, {-6, 73, -10}}
	copy(m[60:68], inner[:])
	return m
}

// Mat3 is a 3x3 rotation matrix, row-major.
type Mat3 [3][3]float64

// Apply rotates p.
func (r Mat3) Apply(p Point3) Point3 {
	return Point3{
		r[0][0]*p.X + r[0][1]*p.Y + r[0][2]*p.Z,
		r[1][0]*p.X + r[1][1]*p.Y + r[1][2]*p.Z,
		r[2][0]*p.X + r[2][1]*p.Y + r[2][2]*p.Z,
	}
}

// T is the transpose (the inverse rotation).
func (r Mat3) T() Mat3 {
	var t Mat3
	for i := range 3 {
		for j := range 3 {
			t[i][j] = r[j][i]
		}
	}
	return t
}

// RotationFromPose is the rotation taking GenericFace to the camera frame for
// a head pose: R = Rz(roll)·Rx(-pitch)·Ry(-yaw), so that positive yaw moves
// the nose tip to the image right, positive pitch moves it up and positive
// roll turns the face clockwise in the image (perception.HeadPose).
func RotationFromPose(p perception.HeadPose) Mat3 {
	a, b, c := -p.Yaw.Radians(), -p.Pitch.Radians(), p.Roll.Radians()
	ca, sa := math.Cos(a), math.Sin(a)
	cb, sb := math.Cos(b), math.Sin(b)
	cc, sc := math.Cos(c), math.Sin(c)
	ry := Mat3{{ca, 0, sa}, {0, 1, 0}, {-sa, 0, ca}}
	rx := Mat3{{1, 0, 0}, {0, cb, -sb}, {0, sb, cb}}
	rz := Mat3{{cc, -sc, 0}, {sc, cc, 0}, {0, 0, 1}}
	return mul(rz, mul(rx, ry))
}

// PoseFromRotation inverts RotationFromPose.
func PoseFromRotation(r Mat3) perception.HeadPose {
	b := math.Asin(max(-1, min(1, r[2][1])))
	a := math.Atan2(-r[2][0], r[2][2])
	c := math.Atan2(-r[0][1], r[1][1])
	return perception.HeadPose{Yaw: perception.Radians(-a), Pitch: perception.Radians(-b), Roll: perception.Radians(c)}
}

func mul(x, y Mat3) Mat3 {
	var z Mat3
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				z[i][j] += x[i][k] * y[k][j]
			}
		}
	}
	return z
}

// frontalise undoes the head pose on observed landmarks under a scaled
// orthographic camera: each point gets the depth GenericFace gives it, is
// rotated back to frontal, and the result is in millimetre-like model units.
func frontalise(lm *[68]perception.Point, pose perception.HeadPose) [68]Point3 {
	r := RotationFromPose(pose)
	var q [68]Point3
	var pm, qm [2]float64
	for i := range lm {
		q[i] = r.Apply(GenericFace[i])
		pm[0] += lm[i].X
		pm[1] += lm[i].Y
		qm[0] += q[i].X
		qm[1] += q[i].Y
	}
	for k := range 2 {
		pm[k] /= 68
		qm[k] /= 68
	}
	// Least-squares scale between observed points and the rotated model.
	var num, den float64
	for i := range lm {
		dx, dy := q[i].X-qm[0], q[i].Y-qm[1]
		num += (lm[i].X-pm[0])*dx + (lm[i].Y-pm[1])*dy
		den += dx*dx + dy*dy
	}
	s := 1.0
	if den > 0 && num > 0 {
		s = num / den
	}
	rt := r.T()
	var f [68]Point3
	for i := range lm {
		p := Point3{X: (lm[i].X-pm[0])/s + qm[0], Y: (lm[i].Y-pm[1])/s + qm[1], Z: q[i].Z}
		f[i] = rt.Apply(p)
	}
	return f
}

// Project places GenericFace (or any 68 model points) in an image with a
// pose, a scale in pixels per millimetre and a centre: the orthographic
// camera frontalise assumes. Tests and calibration tools use it to make
// synthetic landmark sets.
func Project(m *[68]Point3, pose perception.HeadPose, scale float64, centre perception.Point) [68]perception.Point {
	r := RotationFromPose(pose)
	var out [68]perception.Point
	for i := range m {
		q := r.Apply(m[i])
		out[i] = perception.Point{X: centre.X + scale*q.X, Y: centre.Y + scale*q.Y}
	}
	return out
}
