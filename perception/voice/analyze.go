package voice

import (
	"context"
	"math"

	"github.com/kindred-hri/kindred/perception"
)

// Analysis is a whole recording analysed: every hop, the observations and
// the summary.
type Analysis struct {
	Obs     []perception.VoiceObs
	Hops    []HopFeatures
	Summary Summary
}

// AnalyzeSamples runs a fresh Analyzer over a whole 16 kHz mono recording
// (keywords too, when opts has a spotter) and summarises it. The peak hint
// is taken from the recording, and the hops lie on the frame times Praat
// uses for it (frames centred in the recording), so the first hop is
// centred between 5 and 15 ms; there are still len/160 hops.
func AnalyzeSamples(ctx context.Context, samples []float32, opts Opts) (*Analysis, error) {
	if opts.PeakHint == 0 && len(samples) > 0 {
		// Praat's global peak: the largest distance from the mean.
		var mean float64
		for _, v := range samples {
			mean += float64(v)
		}
		mean /= float64(len(samples))
		for _, v := range samples {
			opts.PeakHint = max(opts.PeakHint, math.Abs(float64(v)-mean))
		}
		opts.PeakHint = min(opts.PeakHint, 1)
	}
	a, err := NewAnalyzer(opts)
	if err != nil {
		return nil, err
	}
	// Praat centres its frames in the recording; a stream's hops start at
	// its first sample. Skipping the first few samples (less than a hop)
	// puts the hops on Praat's grid, so a file analysed here and in Praat
	// is measured at the same instants: on LibriVox a fricative whose
	// subharmonic sits at the 600 Hz ceiling turns voiced or not with a
	// 5 ms shift, moving one file's mean F0 by 7 %.
	// As many samples of silence follow the end, so the recording still
	// gives len/160 hops.
	skip := praatPhase(len(samples), opts.Pitch.Floor)
	a.start = samplesToDuration(int64(skip))
	stream := samples[skip:]
	if skip > 0 {
		stream = append(stream[:len(stream):len(stream)], make([]float32, skip)...)
	}
	res := &Analysis{}
	src := &hopRecorder{SliceSource: NewSliceSource(stream), a: a, res: res}
	if err := a.Run(ctx, src, func(o perception.VoiceObs) { res.Obs = append(res.Obs, o) }, nil); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src.collect()
	res.Summary = Summarize(samples, res.Hops)
	return res, nil
}

// hopRecorder collects the analyser's full hop features as Run goes: Run
// reads again only after the previous chunk's hops were emitted.
type hopRecorder struct {
	*SliceSource
	a   *Analyzer
	res *Analysis
}

func (h *hopRecorder) Read(ctx context.Context, buf []float32) (int, error) {
	h.collect()
	return h.SliceSource.Read(ctx, buf)
}

func (h *hopRecorder) collect() {
	h.res.Hops = append(h.res.Hops, h.a.Hops()...)
	h.a.hops = h.a.hops[:0]
}

// praatPhase is how many leading samples (0 to a hop) move the analyser's
// hop centres onto the frame times Praat's To Pitch uses for n samples: as
// many frames as fit, centred in the recording.
func praatPhase(n int, floor float64) int {
	win := 3 * Rate / floor
	if float64(n) < win {
		return 0
	}
	frames := math.Floor((float64(n)-win)/HopSamples) + 1
	first := float64(n)/2 - (frames-1)*HopSamples/2 // centre of Praat's first frame, in samples
	skip := int(math.Floor(first-HopSamples/2)) % HopSamples
	if skip < 0 {
		skip += HopSamples
	}
	return skip
}
