package voice

import (
	"context"

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
// is taken from the recording, as Praat does.
func AnalyzeSamples(ctx context.Context, samples []float32, opts Opts) (*Analysis, error) {
	if opts.PeakHint == 0 {
		for _, v := range samples {
			opts.PeakHint = max(opts.PeakHint, float64(v), -float64(v))
		}
		opts.PeakHint = min(opts.PeakHint, 1)
	}
	a, err := NewAnalyzer(opts)
	if err != nil {
		return nil, err
	}
	res := &Analysis{}
	src := &hopRecorder{SliceSource: NewSliceSource(samples), a: a, res: res}
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
