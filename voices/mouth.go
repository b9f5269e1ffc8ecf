package voices

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// MouthOpts maps mouth shapes to joint angles for a body.
type MouthOpts struct {
	JawClosed, JawOpen robot.Angle // jaw at rest and fully open
	CornerRest         robot.Angle // mouth corners when not speaking
	CornerSpread       robot.Angle // added for spread vowels (i, e) and a full smile
	CornerRound        robot.Angle // added for rounded vowels (o, u); usually negative
}

// DefaultMouthOpts suit the simulated body: a jaw that opens 18° and corners
// that move a few degrees.
func DefaultMouthOpts() MouthOpts {
	return MouthOpts{JawClosed: 0, JawOpen: 18, CornerRest: 0, CornerSpread: 6, CornerRound: -4}
}

// MouthFrame is the mouth at one instant, in joint angles.
type MouthFrame struct {
	Jaw, CornerLeft, CornerRight robot.Angle
}

// Pose returns the frame as joint targets.
func (f MouthFrame) Pose() robot.Pose {
	return robot.Pose{robot.Jaw: f.Jaw, robot.MouthCornerLeft: f.CornerLeft, robot.MouthCornerRight: f.CornerRight}
}

// MouthTrack is the mouth trajectory for one piece of audio, every Step.
type MouthTrack struct {
	Step   time.Duration
	Frames []MouthFrame
	Rest   MouthFrame // closed mouth for after the audio
}

// At returns the frame at position d, the rest frame outside the audio.
func (t MouthTrack) At(d time.Duration) MouthFrame {
	if d < 0 || t.Step <= 0 {
		return t.Rest
	}
	i := int(d / t.Step)
	if i >= len(t.Frames) {
		return t.Rest
	}
	return t.Frames[i]
}

// Trajectory step and the envelope window behind it.
const (
	mouthStep   = 10 * time.Millisecond
	mouthWindow = 30 * time.Millisecond
)

// NewMouthTrack follows the audio: the jaw opens with the loudness envelope
// (in dB between a -45 dBFS floor and the utterance's loud level), scaled by
// the viseme of the current phoneme so open vowels open wider than close
// ones and lips close on m, b and p; the corners spread for i/e and narrow
// for o/u, around a resting smile set by the tone. The envelope is smoothed
// symmetrically (the whole utterance is known), so the jaw does not lag.
func NewMouthTrack(a Audio, o MouthOpts, smile float64) MouthTrack {
	env := Envelope(a, mouthStep, mouthWindow)
	levels := make([]float64, len(env))
	for i, e := range env {
		levels[i] = dB(e)
	}
	loud := loudLevel(levels)
	const floor = -45.0
	open := make([]float64, len(env))
	for i, l := range levels {
		if math.IsInf(l, -1) || loud <= floor {
			continue
		}
		open[i] = math.Pow(clamp01((l-floor)/(loud-floor)), 1.5)
	}
	open = smooth3(open)

	rest := MouthFrame{
		Jaw:         o.JawClosed,
		CornerLeft:  o.CornerRest,
		CornerRight: o.CornerRest,
	}
	t := MouthTrack{Step: mouthStep, Frames: make([]MouthFrame, len(env)), Rest: rest}
	ph := 0
	smileAngle := o.CornerSpread.Scale(smile)
	for i := range t.Frames {
		at := time.Duration(i) * mouthStep
		for ph+1 < len(a.Phonemes) && a.Phonemes[ph+1].At <= at {
			ph++
		}
		vis := neutralViseme
		if ph < len(a.Phonemes) && a.Phonemes[ph].At <= at {
			vis = visemeOf(a.Phonemes[ph].Name)
		}
		jaw := o.JawClosed + (o.JawOpen - o.JawClosed).Scale(open[i]*vis.open)
		corner := o.CornerRest + smileAngle
		if open[i] > 0.05 {
			corner += o.CornerSpread.Scale(vis.spread)
			corner += o.CornerRound.Scale(vis.round)
		}
		t.Frames[i] = MouthFrame{Jaw: jaw, CornerLeft: corner, CornerRight: corner}
	}
	return t
}

// loudLevel is the 90th percentile of the voiced levels: the utterance's
// own "fully open", so quiet personas still move their mouths.
func loudLevel(levels []float64) float64 {
	var v []float64
	for _, l := range levels {
		if !math.IsInf(l, -1) && l > -60 {
			v = append(v, l)
		}
	}
	if len(v) == 0 {
		return math.Inf(-1)
	}
	slices.Sort(v)
	return v[len(v)*9/10]
}

// smooth3 is a zero-phase [1 2 1]/4 filter.
func smooth3(x []float64) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		l, r := x[max(0, i-1)], x[min(len(x)-1, i+1)]
		out[i] = (l + 2*x[i] + r) / 4
	}
	return out
}

func clamp01(v float64) float64 { return max(0, min(1, v)) }

// viseme is a mouth shape: how far the jaw opens (0..1 of the envelope's
// opening) and how the corners move (spread up, round in).
type viseme struct{ open, spread, round float64 }

var neutralViseme = viseme{open: 0.6}

// visemeOf classifies an espeak-ng phoneme mnemonic (ASCII, Kirshenbaum
// style: "a", "aI", "@", "i:", "U", "m", "S", "_:" for pauses) by its first
// letters. It is coarse on purpose: servos cannot show more.
func visemeOf(name string) viseme {
	if name == "" {
		return neutralViseme
	}
	switch {
	case strings.HasPrefix(name, "_"):
		return viseme{open: 0}
	case strings.ContainsAny(name[:1], "pbm"):
		return viseme{open: 0.05}
	case strings.ContainsAny(name[:1], "fv"):
		return viseme{open: 0.25}
	case strings.ContainsAny(name[:1], "aA&V"):
		return viseme{open: 1}
	case strings.ContainsAny(name[:1], "0O"):
		return viseme{open: 0.8, round: 0.6}
	case strings.ContainsAny(name[:1], "oUuwy"):
		return viseme{open: 0.5, round: 1}
	case strings.ContainsAny(name[:1], "eE3@"):
		return viseme{open: 0.7, spread: 0.4}
	case strings.ContainsAny(name[:1], "iIj"):
		return viseme{open: 0.45, spread: 0.8}
	}
	return viseme{open: 0.45}
}
