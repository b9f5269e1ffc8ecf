package calibration

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/fusion"
)

// Person is one person's calibration: who they are and the baselines fusion
// compares them with. It holds plain numbers only; no image or sound of the
// person is ever kept.
type Person struct {
	ID             string    `yaml:"id" json:"id"`
	Name           string    `yaml:"name" json:"name"`
	Created        time.Time `yaml:"created" json:"created"`
	Seconds        float64   `yaml:"seconds" json:"seconds"` // how much calm observation it was built from
	Source         string    `yaml:"source" json:"source"`   // what was observed: camera, file or scenario
	fusion.Profile `yaml:",inline"`
	// FaceGeometry is the neutral face's landmark geometry, for the face
	// pipeline's Opts.Baseline (action units are measured against it); nil
	// when the person was not filmed.
	FaceGeometry *face.Baseline `yaml:"face_geometry,omitempty" json:"face_geometry,omitempty"`
	// Ratings is how many carers' ratings the profile's gains were learnt
	// from (kindred replay); ReplayedThrough is the newest session they
	// came from, so a session's ratings teach the gains once.
	Ratings         int    `yaml:"ratings,omitempty" json:"ratings,omitempty"`
	ReplayedThrough string `yaml:"replayed_through,omitempty" json:"replayed_through,omitempty"`
}

// SetFaceGeometry stores the neutral geometry measured (face.Measure) on the
// person's calm frames: the per-feature median, as face.BaselineOf defines it.
func (p *Person) SetFaceGeometry(calm []face.Features) error {
	if len(calm) < minFaces {
		return fmt.Errorf("calibration: %d calm face measurements, need %d: %w", len(calm), minFaces, ErrNoObservations)
	}
	b, err := face.BaselineOf(calm)
	if err != nil {
		return fmt.Errorf("calibration: %w", err)
	}
	p.FaceGeometry = &b
	return nil
}

// ErrNotCalm means the recording does not look like a calm, neutral person,
// so it cannot serve as their baseline.
var ErrNotCalm = errors.New("the person did not look calm")

// ErrNoObservations means nothing usable was observed.
var ErrNoObservations = errors.New("nothing was observed")

// PersonID turns a display name into a file-safe id: lower case letters,
// digits and dashes ("Mrs O'Brien" → "mrs-o-brien").
func PersonID(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.TrimSpace(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// Minimum evidence for each baseline; below it the baseline stays unknown
// (zero counts) and fusion uses population defaults for that modality.
const (
	minFaces    = 30  // about a second of video
	minVoiced   = 100 // one second of voiced hops
	minPostures = 20  // two seconds of movement
)

// BuildPerson computes a person's baselines from observations of them at
// rest: medians of the face (robust to the odd blink or glance), voice
// statistics over voiced hops, and the usual movement. It refuses a
// recording in which the face mostly shows pain or the voice is mostly
// distressed, since a baseline taken then would hide pain later.
func BuildPerson(name string, faces []perception.FaceObs, voices []perception.VoiceObs, postures []perception.PostureObs) (Person, error) {
	id := PersonID(name)
	if id == "" {
		return Person{}, fmt.Errorf("calibration: person name %q has no letters or digits", name)
	}
	p := Person{ID: id, Name: strings.TrimSpace(name)}
	var span time.Duration
	var first, last time.Duration = math.MaxInt64, math.MinInt64
	see := func(at time.Duration) { first, last = min(first, at), max(last, at) }

	var good []perception.FaceObs
	pain := 0
	for _, f := range faces {
		see(f.At)
		if f.Confidence >= 0.5 {
			good = append(good, f)
			if f.Expression == perception.ExprPain {
				pain++
			}
		}
	}
	if len(good) >= minFaces {
		if pain*2 > len(good) {
			return Person{}, fmt.Errorf("calibration: %d of %d faces looked pained: %w", pain, len(good), ErrNotCalm)
		}
		// A neutral face is the reference; smiles and the like only when
		// there is too little neutral face to go on.
		var neutral []perception.FaceObs
		for _, f := range good {
			if f.Expression == perception.ExprNeutral || f.Expression == perception.ExprUnknown {
				neutral = append(neutral, f)
			}
		}
		if len(neutral) >= minFaces {
			good = neutral
		}
		p.Face = faceBaseline(good)
	}

	var f0, inten, hnr []float64
	distressed := 0
	for _, v := range voices {
		see(v.At)
		switch v.Vocalisation.Class {
		case perception.VocalMoan, perception.VocalCry, perception.VocalScream:
			distressed++
		}
		if !v.Voiced || v.F0 <= 0 {
			continue
		}
		f0 = append(f0, v.F0)
		inten = append(inten, v.IntensityDB)
		hnr = append(hnr, v.HNR)
	}
	if len(voices) > 0 && distressed*4 > len(voices) {
		return Person{}, fmt.Errorf("calibration: %d of %d voice hops were moaning or crying: %w", distressed, len(voices), ErrNotCalm)
	}
	if len(f0) >= minVoiced {
		p.Voice = fusion.VoiceBaseline{
			Hops: len(f0), F0Mean: mean(f0), F0SD: sd(f0), IntensityMean: mean(inten), IntensitySD: sd(inten),
			HNRMean: mean(hnr), VoicedFraction: float64(len(f0)) / float64(len(voices)),
		}
	}

	if len(postures) >= minPostures {
		var amp, speed, jerk, restless, breath []float64
		for _, o := range postures {
			see(o.At)
			amp, speed, jerk, restless = append(amp, o.Amplitude), append(speed, o.Speed), append(jerk, o.Jerk), append(restless, o.Restlessness)
			if o.BreathingRate > 0 {
				breath = append(breath, o.BreathingRate)
			}
		}
		p.Movement = fusion.MovementBaseline{
			Samples: len(postures), Amplitude: median(amp), Speed: median(speed), Jerk: median(jerk),
			Restlessness: median(restless), BreathingRate: median(breath),
		}
	}

	if p.Face.Frames == 0 && p.Voice.Hops == 0 && p.Movement.Samples == 0 {
		return Person{}, fmt.Errorf("calibration: %d faces, %d voiced hops, %d movement samples: %w",
			len(good), len(f0), len(postures), ErrNoObservations)
	}
	if last > first {
		span = last - first
	}
	p.Seconds = math.Round(span.Seconds()*10) / 10
	if err := p.Profile.Validate(); err != nil {
		return Person{}, fmt.Errorf("calibration: %w", err)
	}
	return p, nil
}

func faceBaseline(fs []perception.FaceObs) fusion.FaceBaseline {
	col := func(get func(perception.FaceObs) float64) float64 {
		xs := make([]float64, len(fs))
		for i, f := range fs {
			xs[i] = get(f)
		}
		return median(xs)
	}
	a := perception.AUs{
		AU01: col(func(f perception.FaceObs) float64 { return f.AU.AU01 }),
		AU02: col(func(f perception.FaceObs) float64 { return f.AU.AU02 }),
		AU04: col(func(f perception.FaceObs) float64 { return f.AU.AU04 }),
		AU06: col(func(f perception.FaceObs) float64 { return f.AU.AU06 }),
		AU07: col(func(f perception.FaceObs) float64 { return f.AU.AU07 }),
		AU09: col(func(f perception.FaceObs) float64 { return f.AU.AU09 }),
		AU10: col(func(f perception.FaceObs) float64 { return f.AU.AU10 }),
		AU12: col(func(f perception.FaceObs) float64 { return f.AU.AU12 }),
		AU15: col(func(f perception.FaceObs) float64 { return f.AU.AU15 }),
		AU25: col(func(f perception.FaceObs) float64 { return f.AU.AU25 }),
		AU26: col(func(f perception.FaceObs) float64 { return f.AU.AU26 }),
		AU43: math.Round(col(func(f perception.FaceObs) float64 { return f.AU.AU43 })),
	}
	return fusion.FaceBaseline{
		Frames: len(fs), AU: a,
		PSPI:  col(func(f perception.FaceObs) float64 { return f.PSPI }),
		Pitch: col(func(f perception.FaceObs) float64 { return f.Pose.Pitch.Degrees() }),
	}
}

func mean(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func sd(xs []float64) float64 {
	if len(xs) < 2 {
		return 0
	}
	m := mean(xs)
	var v float64
	for _, x := range xs {
		v += (x - m) * (x - m)
	}
	return math.Sqrt(v / float64(len(xs)-1))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
