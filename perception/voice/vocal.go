package voice

import (
	"math"
	"sort"

	"github.com/kindred-hri/kindred/perception"
)

// The vocalisation classifier is a stacked design: four views of the same
// stretch of sound — prosodic, voice quality, spectral and temporal — each
// turn their own features into evidence for every class, and a combiner
// weighs the views into one decision. Each view is hand-built from the
// acoustics of pain vocalisations (see DOMAIN.md): moans are long, low,
// steady and harmonic; cries are long, higher and swing up and down; screams
// are high, loud and harsh; sighs are one breathy, falling burst; panting is
// a train of short breathy bursts; speech alternates voiced and unvoiced
// sounds at syllable rate with a fast-changing spectrum.

var classes = [...]perception.VocalClass{
	perception.VocalSilence, perception.VocalSpeech, perception.VocalMoan, perception.VocalCry,
	perception.VocalScream, perception.VocalSigh, perception.VocalPant, perception.VocalOther,
}

const (
	cSilence = iota
	cSpeech
	cMoan
	cCry
	cScream
	cSigh
	cPant
	cOther
	numClasses
)

// Evidence is one score per class, in the order of the perception.Vocal*
// constants: silence, speech, moan, cry, scream, sigh, pant, other.
type Evidence [numClasses]float64

// baseDistress is how much each class says about pain on its own.
var baseDistress = Evidence{cSilence: 0, cSpeech: 0.1, cMoan: 0.65, cCry: 0.8, cScream: 0.95, cSigh: 0.35, cPant: 0.5, cOther: 0.2}

// SegmentFeatures summarise one stretch of sound for the classifier.
type SegmentFeatures struct {
	Duration       float64 // s, from the first to the last active hop
	ActiveFraction float64
	VoicedFraction float64 // of active hops
	MeanVoicedRun  float64 // s
	MaxVoicedRun   float64 // s
	Bursts         int     // active runs separated by ≥ 60 ms of quiet
	MeanBurst      float64 // s
	SyllableRate   float64 // intensity peaks per active second
	F0Median       float64 // Hz
	F0RangeST      float64 // 10th..90th percentile, semitones
	F0Swing        float64 // rise then fall within the longest voiced run, semitones
	TremorST       float64 // SD of F0 around its 150 ms moving mean, semitones
	HNR            float64 // dB, mean over voiced hops
	Flatness       float64 // mean over active hops
	Centroid       float64 // Hz, mean over active hops
	Flux           float64 // mean over active hops
	IntensityDB    float64 // mean over active hops
	IntensitySlope float64 // dB per s over the segment
	SNRDB          float64 // mean over active hops
}

// vocalTracker follows the stream hop by hop, segments it at pauses and
// classifies the current segment every few hops.
type vocalTracker struct {
	hist    []hopLite // a ring of the last len(hist) hops
	n       int64     // hops pushed
	segFrom int64     // first hop of the current segment, -1 when none
	lastAct int64
	current perception.Vocalisation
	scratch []float64
	feat    SegmentFeatures
}

type hopLite struct {
	active, voiced, loud                              bool
	f0, intensity, hnr, flatness, centroid, flux, snr float64
}

const (
	histLen       = 300 // 3 s, the longest stretch classified at once
	segmentGap    = 40  // hops of quiet that end a segment
	classifyEvery = 5
	minSegment    = 8 // hops of activity before a segment is classified
)

func newVocalTracker() *vocalTracker {
	return newVocalTrackerLen(histLen)
}

func newVocalTrackerLen(n int) *vocalTracker {
	return &vocalTracker{hist: make([]hopLite, n), segFrom: -1, current: perception.Vocalisation{Class: perception.VocalSilence}, scratch: make([]float64, 0, n)}
}

func (v *vocalTracker) ring() int64 { return int64(len(v.hist)) }

func (v *vocalTracker) push(h *HopFeatures) perception.Vocalisation {
	i := v.record(h)
	switch {
	case v.segFrom < 0 || i-v.lastAct > segmentGap:
		v.segFrom = -1
		v.current = perception.Vocalisation{Class: perception.VocalSilence}
	case h.Active && i%classifyEvery == 0 && v.lastAct-v.segFrom+1 >= minSegment:
		from := max(v.segFrom, v.lastAct-v.ring()+1)
		v.feat = v.features(from, v.lastAct)
		v.current = Classify(&v.feat)
	}
	return v.current
}

// record adds a hop to the history and follows the segment it belongs to;
// it returns the hop's index.
func (v *vocalTracker) record(h *HopFeatures) int64 {
	i := v.n
	v.hist[i%v.ring()] = hopLite{active: h.Active, voiced: h.Voiced && h.Active, f0: h.F0,
		loud: h.SNRDB >= vadOnDB && h.IntensityDB >= vadMinDB, intensity: h.IntensityDB,
		hnr: h.HNR, flatness: h.Flatness, centroid: h.Centroid, flux: h.Flux, snr: h.SNRDB}
	v.n++
	if h.Active {
		if v.segFrom < 0 || i-v.lastAct > segmentGap {
			v.segFrom = i
		}
		v.lastAct = i
	}
	return i
}

// features summarises hops from..to (inclusive, within the history).
func (v *vocalTracker) features(from, to int64) SegmentFeatures {
	var f SegmentFeatures
	n := to - from + 1
	f.Duration = float64(n) * Hop.Seconds()
	var active, voiced int
	var run, runs, runSum, maxRun int
	var burstLen, bursts, burstSum, gap int
	var sumHNR, sumFlat, sumCent, sumFlux, sumInt, sumSNR float64
	var sx, sy, sxx, sxy float64
	v.scratch = v.scratch[:0]
	peaks := 0
	for i := from; i <= to; i++ {
		h := &v.hist[i%v.ring()]
		if h.voiced {
			run++
			voiced++
			sumHNR += h.hnr
			v.scratch = append(v.scratch, 12*math.Log2(h.f0/100))
		} else if run > 0 {
			runs++
			runSum += run
			maxRun = max(maxRun, run)
			run = 0
		}
		// Bursts follow the raw loudness, not the detector with its
		// hangover, so the short gaps between pants separate them.
		if h.loud {
			if burstLen > 0 && gap >= 5 {
				bursts++
				burstSum += burstLen
				burstLen = 0
			}
			burstLen++
			gap = 0
		} else {
			gap++
		}
		if h.active {
			active++
			sumFlat += h.flatness
			sumCent += h.centroid
			sumFlux += h.flux
			sumInt += h.intensity
			sumSNR += h.snr
			x := float64(i-from) * Hop.Seconds()
			sx, sy, sxx, sxy = sx+x, sy+h.intensity, sxx+x*x, sxy+x*h.intensity
			if i > from && i < to && v.isPeak(i, from, to) {
				peaks++
			}
		}
	}
	if run > 0 {
		runs++
		runSum += run
		maxRun = max(maxRun, run)
	}
	if burstLen > 0 {
		bursts++
		burstSum += burstLen
	}
	if active == 0 {
		return f
	}
	fa := float64(active)
	f.ActiveFraction = fa / float64(n)
	f.VoicedFraction = float64(voiced) / fa
	if runs > 0 {
		f.MeanVoicedRun = float64(runSum) / float64(runs) * Hop.Seconds()
	}
	f.MaxVoicedRun = float64(maxRun) * Hop.Seconds()
	f.Bursts = bursts
	f.MeanBurst = float64(burstSum) / float64(max(bursts, 1)) * Hop.Seconds()
	f.SyllableRate = float64(peaks) / (fa * Hop.Seconds())
	f.Flatness, f.Centroid, f.Flux = sumFlat/fa, sumCent/fa, sumFlux/fa
	f.IntensityDB, f.SNRDB = sumInt/fa, sumSNR/fa
	if d := fa*sxx - sx*sx; d > 0 {
		f.IntensitySlope = (fa*sxy - sx*sy) / d
	}
	if voiced > 0 {
		f.HNR = sumHNR / float64(voiced)
		f.TremorST, f.F0Swing = v.contour(from, to)
		sort.Float64s(v.scratch)
		f.F0Median = 100 * math.Pow(2, percentile(v.scratch, 0.5)/12)
		f.F0RangeST = percentile(v.scratch, 0.9) - percentile(v.scratch, 0.1)
	}
	return f
}

// isPeak reports a syllable nucleus: an intensity maximum over ±40 ms that
// stands 3 dB above the minimum of the 150 ms before it.
func (v *vocalTracker) isPeak(i, from, to int64) bool {
	c := v.hist[i%v.ring()].intensity
	for j := max(from, i-4); j <= min(to, i+4); j++ {
		if j != i && v.hist[j%v.ring()].intensity > c {
			return false
		}
	}
	lo := c
	for j := max(from, i-15); j < i; j++ {
		lo = math.Min(lo, v.hist[j%v.ring()].intensity)
	}
	return c-lo >= 3
}

// contour measures tremor (F0 wobble around a 150 ms moving mean) over all
// voiced hops, and the rise-and-fall swing of the longest voiced run.
func (v *vocalTracker) contour(from, to int64) (tremor, swing float64) {
	var dev, cnt float64
	var bestFrom, bestLen, runFrom, runLen int64
	for i := from; i <= to; i++ {
		h := &v.hist[i%v.ring()]
		if !h.voiced {
			runLen = 0
			continue
		}
		if runLen == 0 {
			runFrom = i
		}
		runLen++
		if runLen > bestLen {
			bestFrom, bestLen = runFrom, runLen
		}
		st := 12 * math.Log2(h.f0/100)
		var m, k float64
		for j := max(from, i-7); j <= min(to, i+7); j++ {
			if g := &v.hist[j%v.ring()]; g.voiced {
				m += 12 * math.Log2(g.f0/100)
				k++
			}
		}
		if k >= 5 {
			dev += (st - m/k) * (st - m/k)
			cnt++
		}
	}
	if cnt > 0 {
		tremor = math.Sqrt(dev / cnt)
	}
	if bestLen >= 10 {
		first := 12 * math.Log2(v.hist[bestFrom%v.ring()].f0/100)
		last := 12 * math.Log2(v.hist[(bestFrom+bestLen-1)%v.ring()].f0/100)
		top := first
		for i := bestFrom; i < bestFrom+bestLen; i++ {
			top = math.Max(top, 12*math.Log2(v.hist[i%v.ring()].f0/100))
		}
		swing = math.Min(top-first, top-last)
	}
	return tremor, swing
}

func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// ramp is 0 below lo, 1 above hi, linear between (lo > hi reverses it).
func ramp(x, lo, hi float64) float64 {
	t := (x - lo) / (hi - lo)
	return math.Min(1, math.Max(0, t))
}

// bump is 1 inside [a, b] and falls linearly to 0 over soft on each side.
func bump(x, a, b, soft float64) float64 {
	return math.Min(ramp(x, a-soft, a), ramp(x, b+soft, b))
}

// ProsodicView scores classes from pitch: level, range, swing and tremor.
func ProsodicView(f *SegmentFeatures) Evidence {
	var e Evidence
	vf := f.VoicedFraction
	tonal := ramp(vf, 0.55, 0.85)
	e[cSpeech] = bump(vf, 0.25, 0.85, 0.3) * (0.5 + 0.5*ramp(f.F0RangeST, 1, 4))
	e[cMoan] = tonal * ramp(f.F0Median, 320, 220) * ramp(f.F0RangeST, 8, 4) * (0.6 + 0.4*ramp(f.F0Swing, 5, 1))
	e[cCry] = tonal * bump(f.F0Median, 240, 550, 60) * math.Max(ramp(f.F0Swing, 1.5, 4), ramp(f.F0RangeST, 3, 7))
	e[cScream] = ramp(vf, 0.3, 0.6) * ramp(f.F0Median, 350, 550)
	breathy := ramp(vf, 0.35, 0.1)
	e[cSigh] = breathy
	e[cPant] = breathy
	e[cOther] = 0.2
	return e
}

// QualityView scores classes from harmonicity and noisiness.
func QualityView(f *SegmentFeatures) Evidence {
	var e Evidence
	harmonic := ramp(f.HNR, 3, 12)
	noisy := ramp(f.Flatness, 0.15, 0.4)
	e[cSpeech] = bump(f.HNR, 3, 20, 5) * (1 - noisy)
	e[cMoan] = harmonic * (1 - noisy)
	e[cCry] = harmonic * (1 - noisy)
	e[cScream] = ramp(f.HNR, 18, 8) * ramp(f.VoicedFraction, 0.3, 0.6)
	e[cSigh] = noisy
	e[cPant] = noisy
	e[cOther] = 0.2
	return e
}

// SpectralView scores classes from spectral shape and how fast it changes.
func SpectralView(f *SegmentFeatures) Evidence {
	var e Evidence
	changing := ramp(f.Flux, 0.45, 0.8)
	steady := 1 - changing
	e[cSpeech] = changing
	e[cMoan] = steady * ramp(f.Centroid, 1500, 700)
	e[cCry] = steady * bump(f.Centroid, 500, 1600, 400)
	e[cScream] = ramp(f.Centroid, 1500, 2500)
	e[cSigh] = ramp(f.Centroid, 400, 1000) * ramp(f.Flatness, 0.1, 0.3)
	e[cPant] = e[cSigh]
	e[cOther] = 0.2
	return e
}

// TemporalView scores classes from duration, burst structure and rhythm.
func TemporalView(f *SegmentFeatures) Evidence {
	var e Evidence
	sustained := ramp(f.MaxVoicedRun, 0.35, 0.7)
	burstRate := float64(f.Bursts) / math.Max(f.Duration, 0.1)
	breathy := ramp(f.VoicedFraction, 0.4, 0.1)
	e[cSpeech] = bump(f.SyllableRate, 2, 8, 1.5) * ramp(f.MeanVoicedRun, 0.7, 0.35) * ramp(f.VoicedFraction, 0.1, 0.3)
	// Speech packs syllables at 4–7 a second even through long voiced
	// stretches; a moan swells at most a few times a second.
	e[cMoan] = sustained * ramp(f.SyllableRate, 5.5, 3.5)
	e[cCry] = sustained
	e[cScream] = sustained
	single := ramp(float64(f.Bursts), 2.5, 1.5)
	e[cSigh] = breathy * single * bump(f.MeanBurst, 0.4, 2.5, 0.2) * ramp(f.IntensitySlope, 2, -4)
	e[cPant] = breathy * ramp(float64(f.Bursts), 2.5, 3.5) * bump(burstRate, 1, 5, 0.7) * ramp(f.MeanBurst, 0.6, 0.35)
	e[cOther] = 0.2
	return e
}

// viewWeights is how much the combiner trusts each view.
var viewWeights = [4]float64{1.0, 0.8, 0.8, 1.0}

// Combine weighs the views' evidence into class probabilities (a softmax
// of the weighted mean, temperature 0.12).
func Combine(views [4]Evidence) Evidence {
	var mix, p Evidence
	var wsum float64
	for v, e := range views {
		for c := range e {
			mix[c] += viewWeights[v] * e[c]
		}
		wsum += viewWeights[v]
	}
	var z, top float64
	for c := range mix {
		mix[c] /= wsum
		top = math.Max(top, mix[c])
	}
	for c := range mix {
		p[c] = math.Exp((mix[c] - top) / 0.12)
		z += p[c]
	}
	for c := range p {
		p[c] /= z
	}
	return p
}

// Classify names the vocalisation of a segment and rates its distress.
func Classify(f *SegmentFeatures) perception.Vocalisation {
	if f.ActiveFraction == 0 {
		return perception.Vocalisation{Class: perception.VocalSilence}
	}
	p := Combine([4]Evidence{ProsodicView(f), QualityView(f), SpectralView(f), TemporalView(f)})
	best := cSpeech
	for c := cSpeech; c < numClasses; c++ {
		if p[c] > p[best] {
			best = c
		}
	}
	// Expected distress over the class probabilities, raised by arousal:
	// high pitch, loudness above the noise and harshness.
	var d float64
	for c := range p {
		d += p[c] * baseDistress[c]
	}
	arousal := 0.4*ramp(f.F0Median, 200, 450) + 0.4*ramp(f.SNRDB, 15, 35) + 0.2*ramp(f.HNR, 12, 3)*ramp(f.VoicedFraction, 0.3, 0.6)
	d *= 0.75 + 0.5*arousal
	return perception.Vocalisation{Class: classes[best], Distress: math.Min(1, math.Max(0, d))}
}

// ClipFeatures summarises a whole recording's hops, from its first to its
// last active hop, however long it is (the live tracker sees at most the
// last 3 s). A recording without activity gives zero features.
func ClipFeatures(hops []HopFeatures) SegmentFeatures {
	// The hops are only recorded: classifying the growing segment every
	// few hops, as the live tracker does, would cost time that grows with
	// the square of the recording's length and is thrown away here.
	v := newVocalTrackerLen(max(len(hops), 1))
	first := int64(-1)
	for i := range hops {
		v.record(&hops[i])
		if hops[i].Active && first < 0 {
			first = int64(i)
		}
	}
	if first < 0 {
		return SegmentFeatures{}
	}
	return v.features(first, v.lastAct)
}
