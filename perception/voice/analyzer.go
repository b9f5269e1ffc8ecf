package voice

import (
	"fmt"
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

const (
	maxCands  = 15 // Praat's default; candidate 0 is "unvoiced"
	pathLag   = 8  // hops the Viterbi path looks back before a hop is final
	ringLen   = pathLag + 1
	numMFCC   = 13
	numMel    = 26
	refPa2    = 4e-10 // (20 µPa)², Praat's intensity reference
	peakDecay = 0.99965
)

// HopFeatures is everything measured on one 10 ms hop. VoiceObs is the
// subset the rest of the robot needs; this is the full view for utterance
// functionals, files and tests.
type HopFeatures struct {
	At          time.Duration // centre of the analysis window, media time
	Voiced      bool
	F0          float64 // Hz, 0 when unvoiced
	Strength    float64 // normalised autocorrelation of the chosen candidate
	IntensityDB float64 // dB re 20 µPa with full scale as 1 Pa, as Praat
	HNR         float64 // dB, by cross-correlation; valid when HasHNR
	HasHNR      bool
	Peak        float64 // absolute peak in the window, after DC removal
	Active      bool    // voice activity (energy above the noise floor)
	SNRDB       float64
	MFCC        [numMFCC]float64
	Centroid    float64 // Hz
	Flux        float64 // RMS change of the log mel spectrum since the last hop
	Flatness    float64 // 0 tonal .. 1 white, 300–6000 Hz
}

type frameState struct {
	hop   HopFeatures
	n     int // candidates, including the unvoiced one at 0
	freq  [maxCands]float64
	str   [maxCands]float64 // path strength
	rank  [maxCands]float64 // strength for keeping the candidate
	r     [maxCands]float64
	delta [maxCands]float64
	back  [maxCands]int8
}

// Analyzer turns 16 kHz mono samples into one observation per 10 ms hop.
// Observations come out pathLag hops (80 ms) after their audio arrived,
// because the pitch path needs that much of the future to settle; Flush
// emits the rest at the end of a stream.
type Analyzer struct {
	opts                            Opts
	win, maxLag, minLag, fftN, bins int
	ccLen                           int

	window   []float64 // Hann
	sumW2    float64
	winAC    []float64 // normalised autocorrelation of the window
	rn       []float64 // normalised autocorrelation of the frame
	sq       []float64 // running sums of the frame's squares, for ncc
	fft      *realFFT
	frame    []float64 // mean-removed raw window
	buf      []float64 // fft input / autocorrelation output
	spec     []complex128
	power    []float64
	clean    []float64
	mel      *melBank
	logMel   [numMel]float64
	prevMel  [numMel]float64
	havePrev bool
	noise    *noiseTracker
	vad      vadState
	vocal    *vocalTracker

	hist      []float32
	histStart int64 // absolute index of hist[0]
	total     int64 // absolute index one past the newest sample
	next      int64 // next frame to analyse
	ring      [ringLen]frameState
	peak      float64

	measure  []float64 // summed power spectra, when measuring a noise floor
	measureN int
	origin   time.Duration // media time of absolute sample 0
	start    time.Duration // media time of the first sample Run reads
	started  bool
	out      []perception.VoiceObs
	hops     []HopFeatures
}

// OnKeywordFault sets Opts.OnKeywordFault for the next Run: a live run's
// wiring records a spotter's failure as a fault and listens on.
func (a *Analyzer) OnKeywordFault(f func(error)) { a.opts.OnKeywordFault = f }

// NewAnalyzer builds an Analyzer; it fails only on invalid options.
func NewAnalyzer(o Opts) (*Analyzer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	a := &Analyzer{opts: o}
	a.win, a.maxLag, a.fftN = geometry(o)
	a.bins = a.fftN/2 + 1
	a.minLag = int(math.Floor(Rate / o.Pitch.Ceiling))
	a.ccLen = a.maxLag
	a.window = make([]float64, a.win)
	for i := range a.window {
		a.window[i] = 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(a.win))
		a.sumW2 += a.window[i] * a.window[i]
	}
	a.winAC = make([]float64, a.maxLag+sincDepth+2)
	a.rn = make([]float64, len(a.winAC))
	for lag := range a.winAC {
		var s float64
		for i := 0; i+lag < a.win; i++ {
			s += a.window[i] * a.window[i+lag]
		}
		a.winAC[lag] = s / a.sumW2
	}
	a.fft = newRealFFT(a.fftN)
	a.frame = make([]float64, a.win)
	a.sq = make([]float64, a.win+1)
	a.buf = make([]float64, a.fftN)
	a.spec = make([]complex128, a.bins)
	a.power = make([]float64, a.bins)
	a.clean = make([]float64, a.bins)
	a.mel = newMelBank(a.fftN, numMel, 20, 7600)
	a.noise = newNoiseTracker(a.bins, a.sumW2, o.Noise)
	a.vocal = newVocalTracker()
	a.peak = o.PeakHint
	// History: the newest window plus margin; frames start half a window
	// before sample 0 so the first hop is centred on the first 10 ms.
	a.hist = make([]float32, 0, 4*a.win+8*HopSamples)
	pad := a.win/2 - HopSamples/2
	a.hist = a.hist[:pad]
	a.histStart = -int64(pad)
	a.out = make([]perception.VoiceObs, 0, 64)
	a.hops = make([]HopFeatures, 0, 64)
	return a, nil
}

// maxSample is the largest magnitude Process takes as a sample, 240 dB
// over full scale (1); a float WAV can hold any finite number, and one of
// 5.7e26 made the spectral flatness +Inf (FuzzProcess). Below it, every
// measure stays finite: a bin's power is at most (fftN·maxSample)², under
// 1e32 for any fftN up to 8192, and the flatness multiplies eight bins
// before it renormalises (spectral.go), under 1e256, far from MaxFloat64
// (1.8e308).
const maxSample = 1e12

// Process analyses samples (16 kHz mono, media time at for samples[0]) and
// returns the observations that became final. The slice is reused by the
// next call. A jump in at of more than a hop (dropped audio) moves the clock
// rather than stretching the stream.
func (a *Analyzer) Process(samples []float32, at time.Duration) []perception.VoiceObs {
	a.out = a.out[:0]
	a.hops = a.hops[:0]
	expected := a.origin + samplesToDuration(a.total)
	if !a.started {
		a.origin, a.started = at, true
	} else if d := at - expected; d > Hop || d < -Hop {
		a.origin += d
	}
	for len(samples) > 0 {
		free := cap(a.hist) - len(a.hist)
		if free == 0 {
			a.compact()
			continue
		}
		n := min(free, len(samples))
		start := len(a.hist)
		a.hist = append(a.hist, samples[:n]...)
		// A broken device or file must not poison the state: non-finite
		// samples, and finite ones no audio holds (maxSample), become
		// silence.
		for i, v := range a.hist[start:] {
			if v != v || v > maxSample || v < -maxSample {
				a.hist[start+i] = 0
			}
		}
		samples = samples[n:]
		a.total += int64(n)
		for a.frameEnd(a.next) <= a.total {
			a.analyse(a.next)
			if a.next >= pathLag {
				a.finalise(a.next-pathLag, a.next)
			}
			a.next++
		}
	}
	return a.out
}

// Flush ends the stream: it analyses the last hops with silence after them
// and emits every hop still waiting for its path to settle, so a stream of
// n samples gives n/160 hops in all. Process must not be called after it.
func (a *Analyzer) Flush() []perception.VoiceObs {
	a.out = a.out[:0]
	a.hops = a.hops[:0]
	want := a.total / HopSamples // whole hops of real audio
	for a.next < want {
		for a.frameEnd(a.next) > a.total {
			if len(a.hist) == cap(a.hist) {
				a.compact()
			}
			a.hist = append(a.hist, 0)
			a.total++
		}
		a.analyse(a.next)
		if a.next >= pathLag {
			a.finalise(a.next-pathLag, a.next)
		}
		a.next++
	}
	newest := a.next - 1
	first := max(int64(0), a.next-pathLag)
	for f := first; f <= newest; f++ {
		a.finalise(f, newest)
	}
	return a.out
}

// Hops returns the full features of the observations the last Process or
// Flush returned, index for index. The slice is reused.
func (a *Analyzer) Hops() []HopFeatures { return a.hops }

// Vocalisation is the current class and distress of the stream.
func (a *Analyzer) Vocalisation() perception.Vocalisation { return a.vocal.current }

// NoiseFloor is the current noise estimate.
func (a *Analyzer) NoiseFloor() NoiseFloor {
	return a.floorOf(append([]float64(nil), a.noise.est...))
}

// MeasureNoise measures a noise floor from a recording of the quiet room
// (at least a second): the mean power spectrum of every frame, in the
// analyser's own frames, so it can seed Opts.Noise. It also reports the
// fraction of hops that were voiced, so a caller can refuse a calibration
// someone talked through.
func MeasureNoise(samples []float32, o Opts) (NoiseFloor, float64, error) {
	if len(samples) < Rate {
		return NoiseFloor{}, 0, fmt.Errorf("voice: noise floor needs at least 1 s of audio, got %.2f s", float64(len(samples))/Rate)
	}
	o.Noise = nil
	a, err := NewAnalyzer(o)
	if err != nil {
		return NoiseFloor{}, 0, err
	}
	a.measure = make([]float64, a.bins)
	var hops, voiced int
	count := func() {
		for _, h := range a.hops {
			hops++
			if h.Voiced {
				voiced++
			}
		}
	}
	for i := 0; i < len(samples); i += 4 * HopSamples {
		a.Process(samples[i:min(i+4*HopSamples, len(samples))], samplesToDuration(int64(i)))
		count()
	}
	a.Flush()
	count()
	spec := a.measure
	for i := range spec {
		spec[i] /= float64(a.measureN)
	}
	return a.floorOf(spec), float64(voiced) / float64(max(hops, 1)), nil
}

func (a *Analyzer) floorOf(spec []float64) NoiseFloor {
	var sum float64
	for _, p := range spec {
		sum += p
	}
	// Mean square of the windowed frame from its spectrum (Parseval).
	ms := 2 * sum / float64(a.fftN) / a.sumW2
	return NoiseFloor{Spectrum: spec, LevelDB: powerDB(ms)}
}

func samplesToDuration(n int64) time.Duration {
	return time.Duration(n) * time.Second / Rate
}

func (a *Analyzer) frameStart(k int64) int64 {
	return k*HopSamples + HopSamples/2 - int64(a.win/2)
}

func (a *Analyzer) frameEnd(k int64) int64 { return a.frameStart(k) + int64(a.win) }

// compact drops history no frame needs any more.
func (a *Analyzer) compact() {
	keepFrom := a.frameStart(a.next)
	drop := int(keepFrom - a.histStart)
	if drop <= 0 {
		// Cannot happen with the capacity chosen in NewAnalyzer; grow
		// rather than lose audio.
		a.hist = append(a.hist[:cap(a.hist)], make([]float32, a.win)...)[:len(a.hist)]
		return
	}
	n := copy(a.hist, a.hist[drop:])
	a.hist = a.hist[:n]
	a.histStart += int64(drop)
}

func powerDB(ms float64) float64 {
	return 10 * math.Log10(math.Max(ms, 1e-12)/refPa2)
}

// analyse measures frame k and advances the pitch path by one step.
func (a *Analyzer) analyse(k int64) {
	st := &a.ring[k%ringLen]
	*st = frameState{}
	h := &st.hop
	h.At = a.origin + samplesToDuration(k*HopSamples+HopSamples/2)

	off := int(a.frameStart(k) - a.histStart)
	raw := a.hist[off : off+a.win]
	// The local mean looks one floor period either side of the centre, as
	// Praat's does; over the whole window a slow drift would leak into the
	// autocorrelation of quiet frames and make them look periodic.
	var mean float64
	local := raw[max(0, a.win/2-a.maxLag):min(a.win, a.win/2+a.maxLag)]
	for _, v := range local {
		mean += float64(v)
	}
	mean /= float64(len(local))
	var ms float64
	for i, v := range raw {
		x := float64(v) - mean
		a.frame[i] = x
		a.sq[i+1] = a.sq[i] + x*x
		xw := x * a.window[i]
		a.buf[i] = xw
		ms += xw * xw
	}
	for i := a.win; i < a.fftN; i++ {
		a.buf[i] = 0
	}
	// Praat's local peak looks half a floor period either side of the
	// centre, in the windowed frame.
	var peak float64
	half := a.maxLag/2 + 1
	for i := a.win/2 - half; i < a.win/2+half; i++ {
		peak = math.Max(peak, math.Abs(a.buf[i]))
	}
	h.Peak = peak
	h.IntensityDB = powerDB(ms / a.sumW2)
	// With a hint (a whole recording) the peak is Praat's global one and
	// never decays below it; a live stream follows the loudest recent sound.
	a.peak = max(a.peak*peakDecay, peak, a.opts.PeakHint)

	a.fft.forward(a.buf, a.spec)
	for i, c := range a.spec {
		a.power[i] = real(c)*real(c) + imag(c)*imag(c)
	}
	if a.measure != nil {
		for i, p := range a.power {
			a.measure[i] += p
		}
		a.measureN++
	}
	h.SNRDB = a.noise.snr(a.power)
	h.Active = a.vad.step(h.SNRDB, h.IntensityDB)
	a.noise.update(a.power, h.Active)
	alpha := a.opts.OverSubtraction
	for i, p := range a.power {
		c := p - alpha*a.noise.est[i]
		a.clean[i] = math.Max(c, 0.01*p)
	}
	a.spectral(h)
	a.pitchCandidates(st)
	a.hnr(st)
	a.pathStep(k)
}

// pitchCandidates finds Boersma's candidates: maxima of the windowed
// autocorrelation divided by the window's, interpolated, with the octave
// cost, plus the unvoiced candidate.
func (a *Analyzer) pitchCandidates(st *frameState) {
	p := a.opts.Pitch
	// Pitch comes from the raw spectrum: Boersma's normalisation already
	// copes with noise, and subtraction whitens weak harmonics enough to
	// push the path up an octave now and then (measured: +9 % mean F0 on
	// LibriVox against Praat with 2× over-subtraction, +0.2 % without).
	a.fft.inversePower(a.power, a.buf)
	r0 := a.buf[0]
	unvoiced := p.VoicingThreshold
	if a.peak > 0 {
		unvoiced += math.Max(0, 2-(st.hop.Peak/a.peak)/(p.SilenceThreshold/(1+p.VoicingThreshold)))
	} else {
		unvoiced += 2
	}
	st.n = 1
	st.str[0] = unvoiced
	if r0 <= 0 {
		return
	}
	for lag := range a.rn {
		a.rn[lag] = a.buf[lag] / r0 / a.winAC[lag]
	}
	norm := func(lag int) float64 { return a.rn[lag] }
	// Maxima are searched from lag 2, as Praat does: maxima above the
	// ceiling count as unvoiced candidates, and in noisy frames their number
	// crowds weak voiced candidates out of the list, which keeps fricatives
	// unvoiced. They run to lag floor(window/3)+1 as in Praat, so pitch at
	// the floor itself can be found.
	prev, cur := norm(1), norm(2)
	for lag := 2; lag <= a.maxLag; lag++ {
		next := norm(lag + 1)
		if cur > prev && cur >= next && cur > 0.5*p.VoicingThreshold {
			d := 0.0
			if den := prev - 2*cur + next; den != 0 {
				d = 0.5 * (prev - next) / den
			}
			// Parabolic interpolation places the peak; its height comes
			// from sin(x)/x interpolation, as in Praat, because a parabola
			// overestimates narrow peaks at short lags.
			r := a.sincAt(float64(lag) + d)
			if r > 1 {
				r = 1 / r
			}
			f := Rate / (float64(lag) + d)
			rank := r - p.OctaveCost*math.Log2(p.Floor/f)
			if f > p.Ceiling {
				insertCandidate(st, 0, r, unvoiced, rank)
			} else {
				insertCandidate(st, f, r, r-p.OctaveCost*math.Log2(p.Ceiling/f), rank)
			}
		}
		prev, cur = cur, next
	}
}

// sincDepth is how many lags either side the sin(x)/x interpolation uses.
const sincDepth = 30

// sincAt interpolates the normalised autocorrelation at a fractional lag
// with a Hann-windowed sin(x)/x kernel; r is even in the lag.
func (a *Analyzer) sincAt(x float64) float64 {
	left := int(math.Floor(x))
	phase := x - float64(left)
	if phase == 0 {
		return a.rn[left]
	}
	at := func(i int) float64 {
		if i < 0 {
			i = -i
		}
		return a.rn[i]
	}
	depth := float64(sincDepth) + 0.5
	sinPhase := math.Sin(math.Pi * phase)
	step := math.Pi / depth
	sinStep, cosStep := math.Sincos(step)
	var sum float64
	// Left side: distances phase, phase+1, ...
	s, c := math.Sincos(math.Pi * phase / depth)
	sign := 1.0
	for k := 0; k < sincDepth; k++ {
		d := phase + float64(k)
		sum += at(left-k) * sign * sinPhase / (math.Pi * d) * (0.5 + 0.5*c)
		s, c = s*cosStep+c*sinStep, c*cosStep-s*sinStep
		sign = -sign
	}
	// Right side: distances 1-phase, 2-phase, ...
	s, c = math.Sincos(math.Pi * (1 - phase) / depth)
	sign = 1.0
	for k := 0; k < sincDepth; k++ {
		d := 1 - phase + float64(k)
		sum += at(left+1+k) * sign * sinPhase / (math.Pi * d) * (0.5 + 0.5*c)
		s, c = s*cosStep+c*sinStep, c*cosStep-s*sinStep
		sign = -sign
	}
	return sum
}

// insertCandidate keeps the maxCands-1 maxima of highest rank (strength
// with the octave cost, favouring high frequencies). f is 0 for a maximum
// above the ceiling, which then counts as unvoiced with strength s.
func insertCandidate(st *frameState, f, r, s, rank float64) {
	if st.n < maxCands {
		st.freq[st.n], st.r[st.n], st.str[st.n], st.rank[st.n] = f, r, s, rank
		st.n++
		return
	}
	weakest := 1
	for i := 2; i < st.n; i++ {
		if st.rank[i] < st.rank[weakest] {
			weakest = i
		}
	}
	if rank > st.rank[weakest] {
		st.freq[weakest], st.r[weakest], st.str[weakest], st.rank[weakest] = f, r, s, rank
	}
}

// pathStep is one Viterbi step: best predecessor per candidate, costs as in
// Praat (octave jumps, voicing changes).
func (a *Analyzer) pathStep(k int64) {
	st := &a.ring[k%ringLen]
	if k == 0 {
		copy(st.delta[:st.n], st.str[:st.n])
		return
	}
	prev := &a.ring[(k-1)%ringLen]
	p := a.opts.Pitch
	best := math.Inf(-1)
	for j := 0; j < st.n; j++ {
		bestK, bestV := 0, math.Inf(-1)
		for i := 0; i < prev.n; i++ {
			v := prev.delta[i] - transitionCost(p, prev.freq[i], st.freq[j])
			if v > bestV {
				bestK, bestV = i, v
			}
		}
		st.delta[j] = bestV + st.str[j]
		st.back[j] = int8(bestK)
		best = math.Max(best, st.delta[j])
	}
	for j := 0; j < st.n; j++ {
		st.delta[j] -= best
	}
}

func transitionCost(p PitchOpts, f1, f2 float64) float64 {
	switch {
	case f1 == 0 && f2 == 0:
		return 0
	case f1 == 0 || f2 == 0:
		return p.VoicedUnvoicedCost
	}
	return p.OctaveJumpCost * math.Abs(math.Log2(f1/f2))
}

// finalise settles frame f by tracing the best path back from frame newest,
// then emits its observation.
func (a *Analyzer) finalise(f, newest int64) {
	st := &a.ring[newest%ringLen]
	s := 0
	for j := 1; j < st.n; j++ {
		if st.delta[j] > st.delta[s] {
			s = j
		}
	}
	for k := newest; k > f; k-- {
		s = int(a.ring[k%ringLen].back[s])
	}
	fs := &a.ring[f%ringLen]
	h := fs.hop
	if fs.freq[s] > 0 {
		h.Voiced, h.F0, h.Strength = true, fs.freq[s], fs.r[s]
	}
	voc := a.vocal.push(&h)
	obs := perception.VoiceObs{
		At: h.At, Voiced: h.Voiced, F0: h.F0, IntensityDB: h.IntensityDB,
		Vocalisation: voc,
	}
	if h.Voiced && h.HasHNR {
		obs.HNR = h.HNR
	}
	a.out = append(a.out, obs)
	a.hops = append(a.hops, h)
}

// hnr measures the harmonics-to-noise ratio by normalised cross-correlation
// of one floor period with the next (Praat's cc method), at the lags near
// the three most periodic candidates.
func (a *Analyzer) hnr(st *frameState) {
	var top [3]int
	for i := 1; i < st.n; i++ {
		if st.freq[i] == 0 {
			continue
		}
		for t := range top {
			if top[t] == 0 || st.r[i] > st.r[top[t]] {
				copy(top[t+1:], top[t:len(top)-1])
				top[t] = i
				break
			}
		}
	}
	best := math.Inf(-1)
	for _, c := range top {
		if c == 0 {
			continue
		}
		lag := Rate / st.freq[c]
		lo := max(a.minLag, int(lag*0.96))
		hi := min(a.maxLag, int(lag*1.04)+1)
		prev, cur := math.Inf(-1), a.ncc(lo)
		for l := lo; l <= hi; l++ {
			next := math.Inf(-1)
			if l < hi {
				next = a.ncc(l + 1)
			}
			if cur >= prev && cur >= next {
				r := cur
				if !math.IsInf(prev, 0) && !math.IsInf(next, 0) {
					if den := prev - 2*cur + next; den < 0 {
						d := 0.5 * (prev - next) / den
						r = cur - 0.25*(prev-next)*d
					}
				}
				best = math.Max(best, r)
			}
			prev, cur = cur, next
		}
	}
	if math.IsInf(best, -1) {
		return
	}
	r := math.Min(math.Max(best, 1e-9), 1-1e-9)
	st.hop.HNR = 10 * math.Log10(r/(1-r))
	st.hop.HasHNR = true
}

// ncc correlates ccLen samples centred before the window centre with the
// same length lag samples later.
func (a *Analyzer) ncc(lag int) float64 {
	start := a.win/2 - (a.ccLen+lag)/2
	x := a.frame[start : start+a.ccLen]
	y := a.frame[start+lag : start+lag+a.ccLen][:len(x)]
	var xy float64
	for i := range x {
		xy += x[i] * y[i]
	}
	xx := a.sq[start+a.ccLen] - a.sq[start]
	yy := a.sq[start+lag+a.ccLen] - a.sq[start+lag]
	if xx <= 0 || yy <= 0 {
		return 0
	}
	return xy / math.Sqrt(xx*yy)
}
