package voices

import (
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

// Prosody is how a tone bends a persona's voice.
type Prosody struct {
	RateScale   float64 // words per minute multiplier
	PitchShift  int     // added to the persona's 0..100 pitch
	RangeScale  float64 // pitch range (intonation) multiplier
	VolumeScale float64
	PauseScale  float64       // multiplier for the pause between sentences
	Smile       float64       // 0..1 how far the mouth corners rest upwards while speaking
	Pause       time.Duration // base pause between sentences before scaling
}

// Gentle speech is slower, lower, flatter and softer with longer pauses,
// the register carers use with someone in pain; cheerful is brighter and
// quicker. The numbers are moderate so every persona stays intelligible.
var prosodies = map[behavior.Tone]Prosody{
	behavior.ToneGentle:   {RateScale: 0.82, PitchShift: -12, RangeScale: 0.7, VolumeScale: 0.85, PauseScale: 1.7, Smile: 0.2, Pause: 300 * time.Millisecond},
	behavior.ToneNeutral:  {RateScale: 1, PitchShift: 0, RangeScale: 1, VolumeScale: 1, PauseScale: 1, Smile: 0, Pause: 300 * time.Millisecond},
	behavior.ToneCheerful: {RateScale: 1.12, PitchShift: 14, RangeScale: 1.35, VolumeScale: 1.05, PauseScale: 0.7, Smile: 0.6, Pause: 300 * time.Millisecond},
}

// ProsodyOf returns the prosody of a tone; the empty tone is neutral.
func ProsodyOf(t behavior.Tone) (Prosody, error) {
	if t == "" {
		t = behavior.ToneNeutral
	}
	p, ok := prosodies[t]
	if !ok {
		return Prosody{}, fmt.Errorf("voices: unknown tone %q (want gentle, neutral or cheerful)", t)
	}
	return p, nil
}
