package voice

import (
	"context"
	"errors"
	"fmt"
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
	// A whole recording's keywords need not be interleaved with its hops:
	// the spotter (pocketsphinx, several times slower than the voice
	// measures) reads the same samples on its own goroutine, so on two
	// cores the file takes as long as the slower of the two rather than
	// their sum. Its keywords are attached to the hops afterwards.
	spotter := opts.Keywords
	opts.Keywords = nil
	a, err := NewAnalyzer(opts)
	if err != nil {
		return nil, err
	}
	type spotted struct {
		kws []Keyword
		err error
	}
	var kwDone chan spotted
	if spotter != nil {
		kwDone = make(chan spotted, 1)
		go func() {
			kws, err := spotAll(ctx, spotter, samples)
			kwDone <- spotted{kws, err}
		}()
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
	runErr := a.Run(ctx, src, func(o perception.VoiceObs) { res.Obs = append(res.Obs, o) }, nil)
	if kwDone != nil {
		kw := <-kwDone
		if kw.err != nil {
			runErr = errors.Join(runErr, fmt.Errorf("voice: keywords: %w", kw.err))
		}
		attachKeywords(res.Obs, kw.kws)
	}
	if runErr != nil {
		return nil, runErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src.collect()
	res.Summary = Summarize(samples, res.Hops)
	return res, nil
}

// spotAll feeds a whole recording to the spotter in the 20 ms pieces Run
// uses, so it hears the file as a live run would, and flushes it at the
// end.
func spotAll(ctx context.Context, sp KeywordSpotter, samples []float32) ([]Keyword, error) {
	var all []Keyword
	const piece = 2 * HopSamples
	for i := 0; i < len(samples); i += piece {
		if i%(100*piece) == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		kws, err := sp.Spot(samples[i:min(i+piece, len(samples))], samplesToDuration(int64(i)))
		if err != nil {
			return nil, err
		}
		all = append(all, kws...)
	}
	if f, ok := sp.(keywordFlusher); ok {
		kws, err := f.Flush()
		if err != nil {
			return nil, err
		}
		all = append(all, kws...)
	}
	return all, nil
}

// keywordFlusher is a KeywordSpotter that holds some phrases back until
// it has heard the audio after them (to verify them), and can be told the
// recording has ended.
type keywordFlusher interface {
	Flush() ([]Keyword, error)
}

// attachKeywords marks each keyword on the first hop at or after the 20 ms
// piece in which it was spotted (the last hop if it came at the very end),
// one keyword per hop, as Run marks the hops it emits after a spot.
func attachKeywords(obs []perception.VoiceObs, kws []Keyword) {
	i := 0
	for _, k := range kws {
		from := k.At - 2*Hop
		for i < len(obs) && (obs[i].At < from || obs[i].Keyword != "") {
			i++
		}
		if i == len(obs) {
			if len(obs) > 0 && obs[len(obs)-1].Keyword == "" {
				obs[len(obs)-1].Keyword = k.Text
			}
			return
		}
		obs[i].Keyword = k.Text
	}
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
