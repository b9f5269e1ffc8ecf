package face

import (
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// Scorer reads one tracked face's action units, PSPI and expression from
// its Features, frame by frame in observation-time order, against a given
// neutral face. It owns the face's eye state (a blink is not AU43) and its
// recent mouth movement (laughter comes in bursts). The pipeline keeps one
// per track; `kindred analyze` keeps one per track for its second pass,
// against the neutral face NeutralOf found over the whole recording.
type Scorer struct {
	o     Opts
	eyes  eyeState
	burst burstState
}

// NewScorer returns a Scorer with o's eye settings.
func NewScorer(o Opts) *Scorer { return &Scorer{o: o} }

// Score fills obs's AU, PSPI and Expression from feat (measured on obs's
// frame) against base; cues are optional extra evidence from the backend
// (nil: none). obs.At and obs.Pose must be set; when obs carries
// blendshapes (the mesh backend) they cap AU9 and are the cues; against
// the population's neutral face AU9 is also held to AU10 (au9BackedByLip),
// and against the person's own AU10 counts the upper lip's rise beyond
// the corners' (upperLipRaiser) and AU9 the nose wings' (noseWrinkler).
// The holds lower PSPI, not the label: Evidence.Levator keeps the reading
// from before them.
func (s *Scorer) Score(obs *perception.FaceObs, feat Features, base Baseline, cues *Cues) {
	closed := eyesClosed(feat, base.Neutral, obs.Pose, &s.o)
	aus, ev := scoreAUs(feat, base.Neutral, closed)
	if obs.HasBlendshapes {
		// The mesh backend: AU9 held to its blendshapes, and the
		// blendshapes as the label's cues (blend.go says why not as AUs).
		aus = BlendAUs(&obs.Blendshapes, aus)
		if cues == nil {
			cues = CuesAgainst(&obs.Blendshapes, base.Neutral.Blend)
		}
	}
	ev.Levator = max(aus.AU09, aus.AU10)
	switch {
	case base.population && obs.HasBlendshapes:
		aus = au9BackedByLip(aus)
	case !base.population:
		aus.AU10 = upperLipRaiser(feat, base.Neutral)
		aus.AU09 = min(aus.AU09, noseWrinkler(feat, base.Neutral))
	}
	aus.AU43 = s.eyes.update(obs.At, closed, s.o.MinEyesClosed)
	ev.Burst = s.burst.update(obs.At, aus.AU25+aus.AU26)
	ev.Cues = cues
	obs.AU = aus
	obs.PSPI = aus.PSPI()
	obs.Expression = Classify(aus, ev)
}

// burstState follows the mouth's opening over the last burstSpan and
// counts how often it opened and closed again: laughter is a train of
// bursts at 4-5 per second (Bachorowski, Smoski & Owren 2001, JASA 110),
// a pain grimace is held.
type burstState struct {
	at   []time.Duration
	open []float64
}

const (
	burstSpan = 1500 * time.Millisecond
	burstStep = 1.0 // AU25+AU26 swing that counts as an opening or a closing
)

// update records the mouth opening at time at and returns 0..1: how
// bursty the mouth was over the last burstSpan (1 from three swings on).
func (b *burstState) update(at time.Duration, open float64) float64 {
	if n := len(b.at); n > 0 && at < b.at[n-1] {
		b.at, b.open = b.at[:0], b.open[:0]
	}
	b.at = append(b.at, at)
	b.open = append(b.open, open)
	i := 0
	for i < len(b.at) && b.at[i] < at-burstSpan {
		i++
	}
	if i > 0 {
		b.at = append(b.at[:0], b.at[i:]...)
		b.open = append(b.open[:0], b.open[i:]...)
	}
	// Swings: turning points at least burstStep apart.
	swings, dir := 0, 0
	lo, hi := b.open[0], b.open[0]
	for _, v := range b.open[1:] {
		lo, hi = min(lo, v), max(hi, v)
		switch {
		case dir >= 0 && v <= hi-burstStep:
			swings++
			dir, lo = -1, v
		case dir <= 0 && v >= lo+burstStep:
			swings++
			dir, hi = 1, v
		}
	}
	return min(1, float64(swings)/3)
}

// curve is how much more the mouth corners rose than the middle of the
// upper lip since neutral, in inter-ocular distances, counting the corners
// from the middle of the lips' opening (an opening jaw carries passive
// corners down by about half the opening): positive or near zero for a
// smile's upturned mouth, clearly negative for a crying mouth pulled square
// or a mouth stretched open, where the upper lip rises and the corners are
// pulled out or down (AU10 with AU20/AU15; Ekman, Friesen & Hager 2002,
// FACS manual).
func curve(cur, base Features) float64 {
	lift := base.CornerDrop - cur.CornerDrop + 0.5*(cur.LipGap-base.LipGap)
	lip := base.NoseLip - cur.NoseLip
	return lift - lip
}
