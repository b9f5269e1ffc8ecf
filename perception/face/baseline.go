package face

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Baseline is a person's neutral face as plain numbers: store it with the
// person's calibration (it marshals to JSON as is) and pass it back in Opts.
// Under the mesh backend it holds the neutral face's blendshapes too
// (Neutral.Blend), which Classify's cues are measured against; a baseline
// without them (measured with dlib, or stored before they were kept) still
// serves: its geometry scores the AU columns and the cues stay absolute.
type Baseline struct {
	Neutral Features `json:"neutral"`
	Frames  int      `json:"frames"` // how many frames it was measured over
	// population marks the population's neutral face (the generic face's
	// measurements), which scores a face whose own neutral is unknown: a
	// still, the first seconds of a run. It is never stored.
	population bool
}

// Validate reports a baseline that cannot be a face (zero eye width, etc.).
func (b Baseline) Validate() error {
	n := b.Neutral
	switch {
	case b.Frames <= 0:
		return errors.New("face baseline: frames must be positive")
	case !(n.EyeOpen > 0):
		return fmt.Errorf("face baseline: eye_open %g must be positive", n.EyeOpen)
	case !(n.MouthWidth > 0):
		return fmt.Errorf("face baseline: mouth_width %g must be positive", n.MouthWidth)
	case !(n.BrowEye > 0):
		return fmt.Errorf("face baseline: brow_eye %g must be positive", n.BrowEye)
	}
	if n.Blend != nil {
		for i, v := range n.Blend {
			if !(v >= 0 && v <= 1) {
				return fmt.Errorf("face baseline: blendshape %s %g is not in 0..1", perception.BlendshapeNames[i], v)
			}
		}
	}
	return nil
}

// BaselineOf is the per-feature median of frames measured on a calm face:
// what a calibration records.
func BaselineOf(frames []Features) (Baseline, error) {
	if len(frames) == 0 {
		return Baseline{}, errors.New("face baseline: no frames")
	}
	b := Baseline{Neutral: medianFeatures(frames), Frames: len(frames)}
	return b, b.Validate()
}

var populationBaseline = func() Baseline {
	lm := Project(&GenericFace, perception.HeadPose{}, 2, perception.Point{X: 320, Y: 240})
	f, _ := Measure(nil, &lm, perception.HeadPose{})
	return Baseline{Neutral: f, Frames: 1, population: true}
}()

// Energy is how expressive cur looks against base: the sum of the action
// unit intensities read from it (0..55), plus 5 when the eyes are shut.
// It ranks frames from calm to expressive; OpenFace's per-video
// normalisation rests on the same idea, that a person's least expressive
// frames are their neutral face (Baltrušaitis et al. 2015, "Cross-dataset
// learning and person-specific normalisation for automatic Action Unit
// detection", FG).
func Energy(cur, base Features, o *Opts) float64 {
	closed := eyesClosed(cur, base, perception.HeadPose{}, o)
	a, _ := scoreAUs(cur, base, closed)
	e := a.AU01 + a.AU02 + a.AU04 + a.AU06 + a.AU07 + a.AU09 + a.AU10 + a.AU12 + a.AU15 + a.AU25 + a.AU26
	if closed {
		e += 5
	}
	return e
}

// painEnergy is PSPI's sum (AU4, the larger of AU6 and AU7, of AU9 and
// AU10, and 5 for shut eyes, however briefly) of cur against base.
func painEnergy(cur, base Features, o *Opts) float64 {
	closed := eyesClosed(cur, base, perception.HeadPose{}, o)
	a, _ := scoreAUs(cur, base, closed)
	e := a.AU04 + max(a.AU06, a.AU07) + max(a.AU09, a.AU10)
	if closed {
		e += 5
	}
	return e
}

// readsPain reports whether cur is labelled pain against base.
func readsPain(cur, base Features, o *Opts) bool {
	closed := eyesClosed(cur, base, perception.HeadPose{}, o)
	a, ev := scoreAUs(cur, base, closed)
	if closed {
		a.AU43 = 1
	}
	return Classify(a, ev) == perception.ExprPain
}

// Neutral-from-frames settings: the share of a recording's frames taken as
// its neutral (the least expressive ones), and the fewest frames a neutral
// is estimated from at all (a still or a blink of video is scored against
// PopulationBaseline instead).
const (
	neutralShare     = 0.15
	minNeutralFrames = 15
	minNeutralPicked = 5
)

// NeutralOf estimates a person's neutral face from frames of them that may
// show anything, calm or not: it ranks the frames by expression Energy,
// first against PopulationBaseline and then against the first estimate,
// and takes the per-feature median of the least expressive neutralShare of
// them, leaving out frames that read as pain against the population. A
// grimace held for most of a recording is not learnt as neutral as long as
// a few calm frames are in it, nor one held throughout. ok is false with
// fewer than minNeutralFrames frames, or fewer than minNeutralPicked that
// can be calm.
func NeutralOf(frames []Features, o *Opts) (b Baseline, ok bool) {
	picked := LeastExpressive(frames, neutralShare, o)
	if len(picked) == 0 {
		return Baseline{}, false
	}
	b = Baseline{Neutral: medianFeatures(picked), Frames: len(picked)}
	return b, b.Validate() == nil
}

// LeastExpressive returns the share (0..1] of frames that are least
// expressive, as NeutralOf ranks them (at least minNeutralPicked), for a
// calibration to keep as the person's calm face; none when there are fewer
// than minNeutralFrames frames or fewer than minNeutralPicked that can be
// calm.
func LeastExpressive(frames []Features, share float64, o *Opts) []Features {
	if len(frames) < minNeutralFrames {
		return nil
	}
	ref := populationBaseline.Neutral
	// A frame that reads pain against the population's neutral face is
	// never a candidate: a recording that is a grimace from end to end
	// has no neutral in it, and stays scored against the population.
	frames = slices.DeleteFunc(slices.Clone(frames), func(f Features) bool {
		return painEnergy(f, ref, o) > calmPopulation || readsPain(f, ref, o)
	})
	if len(frames) < minNeutralPicked {
		return nil
	}
	e := make([]float64, len(frames))
	var picked []Features
	for range 2 {
		for i := range frames {
			e[i] = Energy(frames[i], ref, o)
		}
		sorted := slices.Clone(e)
		slices.Sort(sorted)
		k := max(minNeutralPicked, int(share*float64(len(frames))))
		limit := sorted[min(k, len(sorted))-1]
		picked = picked[:0]
		for i := range frames {
			if e[i] <= limit {
				picked = append(picked, frames[i])
			}
		}
		ref = medianFeatures(picked)
	}
	return picked
}

// learner keeps a rolling neutral face for one tracked face when no
// calibration is given. Until the face has been seen calm for warmSamples
// samples it has none, and the face is scored against PopulationBaseline:
// nothing is assumed calm, so a grimace shown from the first frame reads as
// one. A sample is calm when the face is still (its features moved little
// since the last sample), the voice is not distressed, and the face is
// close to the neutral face known so far: until warm, not read as pain
// against the population's neutral face and within calmPopulation of it;
// then within calmOwn of its own. The neutral is NeutralOf the calm samples of the last
// learnSpan, so a lasting grimace (never calm) cannot leak into it, and a
// few odd calm samples are outvoted.
type learner struct {
	samples []Features // calm samples, a ring
	next    int
	lastAt  time.Duration
	last    Features // the previous sample, calm or not, for stillness
	has     bool
	cached  Baseline
	ok      bool
	dirty   bool
}

const (
	learnEvery   = 200 * time.Millisecond
	learnSamples = 300 // 60 s of calm at learnEvery
	warmSamples  = 10  // 2 s of calm before the face's own neutral is used
	// calmPopulation bounds a calm sample's pain-related action units
	// (painEnergy) against the population's neutral face: loose, as faces
	// at rest differ from the generic one by several points, yet below the
	// grimaces the face tests show. calmOwn bounds the whole expression
	// Energy against the face's own neutral once it has one.
	calmPopulation = 10
	calmOwn        = 5
	// stillLimit bounds the Energy between consecutive samples, either way.
	stillLimit = 3
)

func (l *learner) warm() bool { return len(l.samples) >= warmSamples }

// offer considers f, seen at time at, as a calm sample; distressed says
// the voice sounds distressed just now.
func (l *learner) offer(at time.Duration, f Features, distressed bool, o *Opts) {
	if l.has && at-l.lastAt < learnEvery && at >= l.lastAt {
		return
	}
	prev, had := l.last, l.has
	l.has, l.lastAt, l.last = true, at, f
	if !had || distressed {
		return
	}
	if max(Energy(f, prev, o), Energy(prev, f, o)) > stillLimit {
		return // moving: talking, laughing, wincing
	}
	if b, ok := l.baseline(o); ok {
		if Energy(f, b.Neutral, o) > calmOwn {
			return
		}
	} else if painEnergy(f, populationBaseline.Neutral, o) > calmPopulation || readsPain(f, populationBaseline.Neutral, o) {
		return
	}
	l.dirty = true
	if len(l.samples) < learnSamples {
		l.samples = append(l.samples, f)
		return
	}
	l.samples[l.next] = f
	l.next = (l.next + 1) % learnSamples
}

// baseline is the current estimate; ok is false until warmSamples calm
// samples are in (the caller falls back on PopulationBaseline).
func (l *learner) baseline(o *Opts) (Baseline, bool) {
	if !l.warm() {
		return Baseline{}, false
	}
	if l.dirty {
		l.cached, l.ok = robustMedian(l.samples, o), true
		l.dirty = false
	}
	return l.cached, l.ok
}

// robustMedian is NeutralOf for the learner's calm samples, which may be
// fewer than NeutralOf wants: then their median.
func robustMedian(fs []Features, o *Opts) Baseline {
	if b, ok := NeutralOf(fs, o); ok {
		return b
	}
	return Baseline{Neutral: medianFeatures(fs), Frames: len(fs)}
}

func medianFeatures(fs []Features) Features {
	col := make([]float64, len(fs))
	med := func(get func(*Features) float64) float64 {
		for i := range fs {
			col[i] = get(&fs[i])
		}
		slices.Sort(col)
		n := len(col)
		if n%2 == 1 {
			return col[n/2]
		}
		return (col[n/2-1] + col[n/2]) / 2
	}
	return Features{
		BrowEye:      med(func(f *Features) float64 { return f.BrowEye }),
		InnerBrowEye: med(func(f *Features) float64 { return f.InnerBrowEye }),
		OuterBrowEye: med(func(f *Features) float64 { return f.OuterBrowEye }),
		InnerBrowGap: med(func(f *Features) float64 { return f.InnerBrowGap }),
		EyeOpen:      med(func(f *Features) float64 { return f.EyeOpen }),
		LowerLid:     med(func(f *Features) float64 { return f.LowerLid }),
		NoseWing:     med(func(f *Features) float64 { return f.NoseWing }),
		NoseLip:      med(func(f *Features) float64 { return f.NoseLip }),
		MouthWidth:   med(func(f *Features) float64 { return f.MouthWidth }),
		CornerDrop:   med(func(f *Features) float64 { return f.CornerDrop }),
		LipGap:       med(func(f *Features) float64 { return f.LipGap }),
		JawDrop:      med(func(f *Features) float64 { return f.JawDrop }),
		Glabella:     med(func(f *Features) float64 { return f.Glabella }),
		NasalRoot:    med(func(f *Features) float64 { return f.NasalRoot }),
		Blend:        medianBlend(fs),
	}
}

// medianBlend is the per-coefficient median of the frames' blendshapes,
// or nil when fewer than half of the frames carry any (a dlib baseline, or
// an old calibration file: the cues are then read as absolute).
func medianBlend(fs []Features) *perception.Blendshapes {
	var with []*perception.Blendshapes
	for i := range fs {
		if fs[i].Blend != nil {
			with = append(with, fs[i].Blend)
		}
	}
	if len(with) == 0 || 2*len(with) < len(fs) {
		return nil
	}
	var out perception.Blendshapes
	col := make([]float32, len(with))
	for k := range out {
		for i, b := range with {
			col[i] = b[k]
		}
		slices.Sort(col)
		n := len(col)
		if n%2 == 1 {
			out[k] = col[n/2]
		} else {
			out[k] = (col[n/2-1] + col[n/2]) / 2
		}
	}
	return &out
}
