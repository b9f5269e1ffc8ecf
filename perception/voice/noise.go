package voice

import "math"

// noiseTracker estimates the background power spectrum. Seeded from a
// calibration, it adapts slowly while nobody speaks; otherwise it follows
// the minimum of the smoothed spectrum over the last few seconds (Martin's
// minimum statistics, simplified), which tracks noise even when speech never
// fully stops.
type noiseTracker struct {
	est        []float64
	smooth     []float64
	blockMin   [minBlocks][]float64
	block      int // index of the block being filled
	inBlock    int // hops in it so far
	filled     int // blocks completed
	calibrated bool
	epsilon    float64
	bandLo     int
	bandHi     int
	// The detector compares band energy with a scalar floor tracked the same
	// way: a sum of per-bin minima sits far below the band's typical noise
	// energy when the noise fluctuates (rumble, fans), a band minimum does not.
	bandSmooth float64
	bandMin    [minBlocks]float64
	bandEst    float64
}

const (
	minBlocks     = 5
	blockHops     = 100 // 1 s
	noiseBias     = 1.5 // minimum of a smoothed noise spectrum sits below its mean
	bandNoiseBias = 1.5
	adaptRate     = 0.02
	smoothAlpha   = 0.3
)

func newNoiseTracker(bins int, sumW2 float64, seed *NoiseFloor) *noiseTracker {
	n := &noiseTracker{est: make([]float64, bins), smooth: make([]float64, bins)}
	// A floor of white noise at -90 dBFS keeps digital silence finite.
	n.epsilon = 1e-9 * sumW2
	for i := range n.blockMin {
		n.blockMin[i] = make([]float64, bins)
		for k := range n.blockMin[i] {
			n.blockMin[i][k] = math.Inf(1)
		}
	}
	for k := range n.est {
		n.est[k] = n.epsilon
	}
	if seed != nil {
		copy(n.est, seed.Spectrum)
		n.calibrated = true
	}
	fftN := 2 * (bins - 1)
	n.bandLo = int(100 * float64(fftN) / Rate)
	n.bandHi = int(4000 * float64(fftN) / Rate)
	return n
}

func (n *noiseTracker) band(p []float64) float64 {
	var e float64
	for k := n.bandLo; k < n.bandHi; k++ {
		e += p[k]
	}
	return e
}

// snr is the frame's energy over the noise estimate, 100–4000 Hz, in dB.
func (n *noiseTracker) snr(p []float64) float64 {
	en := n.bandEst
	if n.calibrated || en == 0 {
		en = n.band(n.est)
	}
	return 10 * math.Log10(math.Max(n.band(p), 1e-30)/math.Max(en, 1e-30))
}

func (n *noiseTracker) update(p []float64, active bool) {
	if n.calibrated {
		if !active {
			for k, v := range p {
				n.est[k] += adaptRate * (v - n.est[k])
			}
		}
		return
	}
	e := n.band(p)
	if n.bandSmooth == 0 {
		n.bandSmooth = e
	}
	n.bandSmooth += smoothAlpha * (e - n.bandSmooth)
	if n.inBlock == 0 || n.bandSmooth < n.bandMin[n.block] {
		n.bandMin[n.block] = n.bandSmooth
	}
	bandEst := n.bandMin[n.block]
	for b := 0; b < min(n.filled, minBlocks); b++ {
		if b != n.block {
			bandEst = math.Min(bandEst, n.bandMin[b])
		}
	}
	n.bandEst = math.Max(bandNoiseBias*bandEst, n.epsilon*float64(n.bandHi-n.bandLo))
	cur := n.blockMin[n.block]
	smooth := n.smooth[:len(p)]
	cur = cur[:len(p)]
	for k, v := range p {
		s := smooth[k] + smoothAlpha*(v-smooth[k])
		smooth[k] = s
		if s < cur[k] {
			cur[k] = s
		}
	}
	est := n.est[:len(p)]
	copy(est, cur)
	for b := 0; b < min(n.filled, minBlocks); b++ {
		if b == n.block {
			continue
		}
		other := n.blockMin[b][:len(p)]
		for k, m := range other {
			if m < est[k] {
				est[k] = m
			}
		}
	}
	for k, m := range est {
		m *= noiseBias
		if m < n.epsilon {
			m = n.epsilon
		}
		est[k] = m
	}
	n.inBlock++
	if n.inBlock == blockHops {
		n.inBlock = 0
		n.filled++
		n.block = (n.block + 1) % minBlocks
		for k := range n.blockMin[n.block] {
			n.blockMin[n.block][k] = math.Inf(1)
		}
	}
}

// vadState is an energy detector with hysteresis and hangover.
type vadState struct {
	active bool
	above  int
	hang   int
}

const (
	vadOnDB     = 9
	vadOffDB    = 5
	vadOnHops   = 2
	vadHangHops = 15
	vadMinDB    = 25 // nothing quieter than this is a voice, whatever the noise
)

func (v *vadState) step(snrDB, intensityDB float64) bool {
	loud := intensityDB >= vadMinDB
	switch {
	case loud && snrDB >= vadOnDB:
		v.above++
		if v.above >= vadOnHops {
			v.active = true
		}
		v.hang = vadHangHops
	case v.active && loud && snrDB >= vadOffDB:
		v.above = 0
		v.hang = vadHangHops
	default:
		v.above = 0
		if v.hang > 0 {
			v.hang--
		} else {
			v.active = false
		}
	}
	return v.active
}
