package face

import (
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Between is the face part way (w, 0..1) from a to b: each measurement,
// blendshape, landmark, box edge and pose angle linearly interpolated, as
// `kindred analyze` fills the frames its mesh schedule skipped
// (Opts.MeshEvery) from the fitted frames on either side. The AUs, PSPI
// and expression are a's: they are read from the Features (Scorer), not
// interpolated, since an expression label has no halfway. Blend is
// interpolated when both have it, else a's.
func Between(a, b Features, oa, ob perception.FaceObs, w float64) (Features, perception.FaceObs) {
	l := func(x, y float64) float64 { return x + (y-x)*w }
	f := Features{
		BrowEye: l(a.BrowEye, b.BrowEye), InnerBrowEye: l(a.InnerBrowEye, b.InnerBrowEye),
		OuterBrowEye: l(a.OuterBrowEye, b.OuterBrowEye), InnerBrowGap: l(a.InnerBrowGap, b.InnerBrowGap),
		EyeOpen: l(a.EyeOpen, b.EyeOpen), LowerLid: l(a.LowerLid, b.LowerLid),
		NoseWing: l(a.NoseWing, b.NoseWing), NoseLip: l(a.NoseLip, b.NoseLip),
		MouthWidth: l(a.MouthWidth, b.MouthWidth), CornerDrop: l(a.CornerDrop, b.CornerDrop),
		LipGap: l(a.LipGap, b.LipGap), JawDrop: l(a.JawDrop, b.JawDrop),
		Glabella: l(a.Glabella, b.Glabella), NasalRoot: l(a.NasalRoot, b.NasalRoot),
		Blend: a.Blend,
	}
	o := oa
	if a.Blend != nil && b.Blend != nil {
		var bs perception.Blendshapes
		for i := range bs {
			bs[i] = float32(l(float64(a.Blend[i]), float64(b.Blend[i])))
		}
		f.Blend = &bs
	}
	if oa.HasBlendshapes && ob.HasBlendshapes {
		for i := range o.Blendshapes {
			o.Blendshapes[i] = float32(l(float64(oa.Blendshapes[i]), float64(ob.Blendshapes[i])))
		}
	}
	for i := range o.Landmarks {
		o.Landmarks[i] = perception.Point{X: l(oa.Landmarks[i].X, ob.Landmarks[i].X), Y: l(oa.Landmarks[i].Y, ob.Landmarks[i].Y)}
	}
	li := func(x, y int) int { return int(math.Round(l(float64(x), float64(y)))) }
	o.Box.Min.X, o.Box.Min.Y = li(oa.Box.Min.X, ob.Box.Min.X), li(oa.Box.Min.Y, ob.Box.Min.Y)
	o.Box.Max.X, o.Box.Max.Y = li(oa.Box.Max.X, ob.Box.Max.X), li(oa.Box.Max.Y, ob.Box.Max.Y)
	la := func(x, y perception.Angle) perception.Angle { return perception.Angle(l(float64(x), float64(y))) }
	o.Pose = perception.HeadPose{Yaw: la(oa.Pose.Yaw, ob.Pose.Yaw), Pitch: la(oa.Pose.Pitch, ob.Pose.Pitch), Roll: la(oa.Pose.Roll, ob.Pose.Roll)}
	o.Confidence = l(oa.Confidence, ob.Confidence)
	return f, o
}
