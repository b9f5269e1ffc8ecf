package voice

import (
	"math"
	"sort"
)

// Stat summarises one measure over an utterance, in the spirit of
// eGeMAPS's functionals.
type Stat struct {
	Mean, SD, P20, P50, P80 float64
	N                       int
}

// Functionals are the utterance-level statistics of the hop measures.
type Functionals struct {
	F0Semitones Stat // re 27.5 Hz, voiced hops
	Intensity   Stat // dB, active hops
	HNR         Stat // dB, voiced hops
	Centroid    Stat // Hz, active hops
	Flux        Stat // active hops
	MFCC        [numMFCC]Stat
}

// Summary describes a whole recording or utterance.
type Summary struct {
	Duration       float64 // s
	VoicedFraction float64 // of all hops
	F0Mean, F0SD   float64 // Hz, voiced hops
	IntensityMean  float64 // dB, energy mean over all hops (as Praat's "energy" mean)
	HNR            float64 // dB, mean over hops above 10 % of the peak (as Praat)
	Perturbation
	Functionals Functionals
}

// Summarize measures an utterance from its hops and the samples they came
// from (16 kHz, hop times relative to samples[0]).
func Summarize(samples []float32, hops []HopFeatures) Summary {
	s := Summary{Duration: float64(len(samples)) / Rate}
	if len(hops) == 0 {
		return s
	}
	var f0, f0st, inten, hnr, cent, flux []float64
	var mfcc [numMFCC][]float64
	var energy, peak float64
	for _, h := range hops {
		peak = math.Max(peak, h.Peak)
	}
	var hnrSum float64
	var hnrN int
	for _, h := range hops {
		energy += math.Pow(10, h.IntensityDB/10)
		if h.Voiced {
			f0 = append(f0, h.F0)
			f0st = append(f0st, 12*math.Log2(h.F0/27.5))
			if h.HasHNR {
				hnr = append(hnr, h.HNR)
			}
		}
		// Praat's Harmonicity (cc) keeps a frame when its best correlation
		// beats the unvoiced strength 2 - intensity/silenceThreshold (its path
		// has no costs), with intensity the local peak over the global one.
		// A hop whose best correlation was not positive (the analyser
		// clamps it to -90 dB) had no candidate there at all: Praat's
		// candidates are correlation maxima above zero, so it finds another
		// or calls the frame unvoiced. Averaging that -90 in moved one
		// reference file's HNR 1.7 dB below Praat's.
		if h.HasHNR && peak > 0 && h.HNR > -200 && hnrR(h.HNR) > minHNRCorrelation && hnrR(h.HNR) > 2-(h.Peak/peak)/0.1 {
			hnrSum += h.HNR
			hnrN++
		}
		if h.Active {
			inten = append(inten, h.IntensityDB)
			cent = append(cent, h.Centroid)
			flux = append(flux, h.Flux)
			for c := range mfcc {
				mfcc[c] = append(mfcc[c], h.MFCC[c])
			}
		}
	}
	s.VoicedFraction = float64(len(f0)) / float64(len(hops))
	fs := statOf(f0)
	s.F0Mean, s.F0SD = fs.Mean, fs.SD
	s.IntensityMean = 10 * math.Log10(energy/float64(len(hops)))
	if hnrN > 0 {
		s.HNR = hnrSum / float64(hnrN)
	}
	s.Perturbation = Perturb(samples, Pulses(samples, hops))
	s.Functionals = Functionals{F0Semitones: statOf(f0st), Intensity: statOf(inten), HNR: statOf(hnr),
		Centroid: statOf(cent), Flux: statOf(flux)}
	for c := range mfcc {
		s.Functionals.MFCC[c] = statOf(mfcc[c])
	}
	return s
}

// minHNRCorrelation is above the analyser's clamp of a non-positive
// correlation (1e-9) and below any real one.
const minHNRCorrelation = 1e-6

// hnrR inverts HNR = 10 log10(r / (1 - r)).
func hnrR(db float64) float64 { return 1 / (1 + math.Pow(10, -db/10)) }

func statOf(v []float64) Stat {
	st := Stat{N: len(v)}
	if len(v) == 0 {
		return st
	}
	var sum float64
	for _, x := range v {
		sum += x
	}
	st.Mean = sum / float64(len(v))
	if len(v) > 1 {
		var ss float64
		for _, x := range v {
			ss += (x - st.Mean) * (x - st.Mean)
		}
		st.SD = math.Sqrt(ss / float64(len(v)-1))
	}
	sorted := append([]float64(nil), v...)
	sort.Float64s(sorted)
	st.P20, st.P50, st.P80 = percentile(sorted, 0.2), percentile(sorted, 0.5), percentile(sorted, 0.8)
	return st
}
