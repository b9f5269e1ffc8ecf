package voice

import (
	"errors"
	"fmt"
	"time"
)

// Rate is the sample rate the analyser works at; sources resample to it.
const Rate = 16000

// HopSamples is one analysis hop, 10 ms.
const HopSamples = Rate / 100

// Hop is the analysis time step.
const Hop = 10 * time.Millisecond

// PitchOpts are Praat's "To Pitch (ac)" parameters, with Praat's defaults in
// DefaultOpts.
type PitchOpts struct {
	Floor, Ceiling     float64 // Hz
	SilenceThreshold   float64 // of the running peak amplitude
	VoicingThreshold   float64 // normalised autocorrelation
	OctaveCost         float64 // per octave, favours higher candidates
	OctaveJumpCost     float64 // per octave jumped between hops
	VoicedUnvoicedCost float64 // per voicing change
}

// NoiseFloor is a measured background: the mean power per spectral bin of
// the analyser's own frames (see Analyzer.NoiseFloor) and its level. It holds
// features only, never audio.
type NoiseFloor struct {
	Spectrum []float64 // mean power per bin, len FFTBins(opts)
	LevelDB  float64   // the same, as an intensity in dB
}

// Opts configure an Analyzer.
type Opts struct {
	Pitch PitchOpts
	// Noise seeds the noise estimate (from `kindred calibrate mic`); nil
	// learns it from the quietest moments (minimum statistics).
	Noise *NoiseFloor
	// OverSubtraction is the spectral subtraction factor applied to the noise
	// estimate; 0 turns subtraction off.
	OverSubtraction float64
	// PeakHint is the expected peak amplitude (0..1) that Praat's silence
	// threshold is relative to; 0 starts from the first frames and follows
	// the loudest recent sound.
	PeakHint float64
	// Keywords, when set, spots keywords in the stream handled by Run.
	Keywords KeywordSpotter
	// Labeller, when set, names the vocalisation of the hops Run emits in
	// place of the built-in per-hop classifier, for as long as it can.
	Labeller Labeller
	// OnKeywordFault, when set, takes a keyword spotting error in Run (one
	// call for each run of failures), and Run listens on: the voice's
	// measures, its distress and the answers heard in the same audio do not
	// stop because the spotter failed on one chunk (a call for help's
	// verifier decodes each candidate anew). Unset, Run returns the error,
	// as an offline analysis wants.
	OnKeywordFault func(error)
	// OnUtterance, when set, is called by Run (on its goroutine) with each
	// stretch of voice activity once it has ended: jitter, shimmer, HNR and
	// functionals per utterance.
	OnUtterance func(Utterance)
	// RetryDelay is how long Run waits before reading again from a source
	// that reported ErrSourceLost.
	RetryDelay time.Duration
	// Origin, for a live source (a microphone), is the wall instant its
	// media time counts from (a run's session clock origin, as the
	// camera's): hop times are held within MaxSkew of the time since it,
	// since counting samples alone drifts from it (see Run), and a
	// microphone reopened mid-run goes on in the run's time. Zero times
	// hops by their sample count alone, as a file wants.
	Origin time.Time
}

// MaxSkew is how far Run lets a live source's sample count drift from the
// wall clock before it moves the media time back into step. Fusion takes
// the voice as missing once its newest hop is a second older than the
// newest observation (and the face, a second newer), so the bound is well
// under that, and over the 20 ms a read delivers.
const MaxSkew = 250 * time.Millisecond

// DefaultOpts are Praat's pitch defaults with a 75–600 Hz range (the
// project's reference settings), learnt noise and 2× over-subtraction.
func DefaultOpts() Opts {
	return Opts{
		Pitch: PitchOpts{
			Floor: 75, Ceiling: 600,
			SilenceThreshold: 0.03, VoicingThreshold: 0.45,
			OctaveCost: 0.01, OctaveJumpCost: 0.35, VoicedUnvoicedCost: 0.14,
		},
		OverSubtraction: 2,
		RetryDelay:      500 * time.Millisecond,
	}
}

// Validate reports the first bad field.
func (o Opts) Validate() error {
	p := o.Pitch
	switch {
	case p.Floor < 40 || p.Floor > 400:
		return fmt.Errorf("voice: pitch floor %g Hz: want 40..400", p.Floor)
	case p.Ceiling <= p.Floor*1.5 || p.Ceiling > Rate/4:
		return fmt.Errorf("voice: pitch ceiling %g Hz: want above 1.5× the floor and at most %d", p.Ceiling, Rate/4)
	case p.SilenceThreshold < 0 || p.SilenceThreshold >= 1:
		return errors.New("voice: silence threshold: want 0..1")
	case p.VoicingThreshold <= 0 || p.VoicingThreshold >= 1:
		return errors.New("voice: voicing threshold: want 0..1")
	case p.OctaveCost < 0 || p.OctaveJumpCost < 0 || p.VoicedUnvoicedCost < 0:
		return errors.New("voice: path costs must not be negative")
	case o.OverSubtraction < 0 || o.OverSubtraction > 10:
		return fmt.Errorf("voice: over-subtraction %g: want 0..10", o.OverSubtraction)
	case o.PeakHint < 0 || o.PeakHint > 1:
		return fmt.Errorf("voice: peak hint %g: want 0..1", o.PeakHint)
	case o.RetryDelay < 0:
		return errors.New("voice: retry delay must not be negative")
	}
	if o.Noise != nil && len(o.Noise.Spectrum) != FFTBins(o) {
		return fmt.Errorf("voice: noise floor has %d bins, want %d (recalibrate the microphone)", len(o.Noise.Spectrum), FFTBins(o))
	}
	return nil
}

// geometry derives the frame sizes from the pitch floor: a window of three
// periods of the floor (Praat), and an FFT long enough that the
// autocorrelation up to one floor period is not circular.
func geometry(o Opts) (win, maxLag, fftN int) {
	win = int(3*Rate/o.Pitch.Floor + 0.5)
	win += win % 2
	maxLag = int(Rate/o.Pitch.Floor + 0.5)
	fftN = 1
	for fftN < win+maxLag+sincDepth+2 {
		fftN <<= 1
	}
	return win, maxLag, fftN
}

// FFTBins is the number of spectral bins a noise floor has for these options.
func FFTBins(o Opts) int {
	_, _, n := geometry(o)
	return n/2 + 1
}
