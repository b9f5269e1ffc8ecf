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
type Baseline struct {
	Neutral Features `json:"neutral"`
	Frames  int      `json:"frames"` // how many frames it was measured over
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
	return Baseline{Neutral: f, Frames: 1}
}()

// learner keeps a running neutral baseline for one tracked face when no
// calibration is given: the median of calm frames, sampled at most every
// learnEvery of observation time over the last learnSpan. Frames that already
// read as an expression are left out, so a long grimace is not learnt as
// neutral.
type learner struct {
	samples []Features // ring
	next    int
	lastAt  time.Duration
	has     bool
	cached  Baseline
	dirty   bool
}

const (
	learnEvery   = 200 * time.Millisecond
	learnSamples = 300 // 60 s at learnEvery
	warmSamples  = 5   // below this every frame is taken, calm or not
)

func (l *learner) warm() bool { return len(l.samples) >= warmSamples }

// offer adds f at time at if it is due and calm.
func (l *learner) offer(at time.Duration, f Features, calm bool) {
	if l.has && at-l.lastAt < learnEvery && at >= l.lastAt {
		return
	}
	if l.warm() && !calm {
		return
	}
	l.has, l.lastAt, l.dirty = true, at, true
	if len(l.samples) < learnSamples {
		l.samples = append(l.samples, f)
		return
	}
	l.samples[l.next] = f
	l.next = (l.next + 1) % learnSamples
}

// baseline is the current estimate; ok is false until warmSamples calm
// frames are in (the caller falls back on PopulationBaseline).
func (l *learner) baseline() (Baseline, bool) {
	if !l.warm() {
		return Baseline{}, false
	}
	if l.dirty {
		l.cached = Baseline{Neutral: medianFeatures(l.samples), Frames: len(l.samples)}
		l.dirty = false
	}
	return l.cached, true
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
	}
}
