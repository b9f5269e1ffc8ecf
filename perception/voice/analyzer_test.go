package voice

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

func tone(f, seconds, amp float64) []float32 {
	x := make([]float32, int(seconds*Rate))
	for i := range x {
		ph := 2 * math.Pi * f * float64(i) / Rate
		// A few harmonics, like a voice source.
		x[i] = float32(amp * (math.Sin(ph) + 0.5*math.Sin(2*ph) + 0.25*math.Sin(3*ph)) / 1.75)
	}
	return x
}

func analyse(t *testing.T, x []float32) *Analysis {
	t.Helper()
	res, err := AnalyzeSamples(context.Background(), x, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPitchOfTones(t *testing.T) {
	for _, f := range []float64{80, 110, 220, 330, 500} {
		res := analyse(t, tone(f, 1, 0.3))
		var sum float64
		var n int
		for _, h := range res.Hops[5 : len(res.Hops)-5] {
			if !h.Voiced {
				t.Fatalf("%g Hz: hop at %v unvoiced", f, h.At)
			}
			sum += h.F0
			n++
		}
		if got := sum / float64(n); math.Abs(got-f)/f > 0.005 {
			t.Errorf("%g Hz tone: mean F0 %.2f", f, got)
		}
		if res.Summary.HNR < 25 {
			t.Errorf("%g Hz tone: HNR %.1f dB, want a clean periodic signal above 25 dB", f, res.Summary.HNR)
		}
		if res.Summary.JitterLocal > 0.2 || res.Summary.ShimmerLocal > 0.5 {
			t.Errorf("%g Hz tone: jitter %.3f %% shimmer %.3f %%", f, res.Summary.JitterLocal, res.Summary.ShimmerLocal)
		}
	}
}

func TestSilenceIsUnvoicedAndInactive(t *testing.T) {
	res := analyse(t, make([]float32, Rate))
	if len(res.Obs) != 100 {
		t.Fatalf("%d hops for 1 s, want 100", len(res.Obs))
	}
	for _, o := range res.Obs {
		if o.Voiced || o.Vocalisation.Class != perception.VocalSilence {
			t.Fatalf("silence at %v: %+v", o.At, o)
		}
	}
}

// TestChunkingDoesNotMatter feeds the same audio in hop-sized and odd-sized
// chunks and expects identical observations.
func TestChunkingDoesNotMatter(t *testing.T) {
	x := benchSignal(1.5)
	run := func(chunk int) []perception.VoiceObs {
		a, err := NewAnalyzer(DefaultOpts())
		if err != nil {
			t.Fatal(err)
		}
		var out []perception.VoiceObs
		for i := 0; i < len(x); i += chunk {
			out = append(out, a.Process(x[i:min(i+chunk, len(x))], samplesToDuration(int64(i)))...)
		}
		return append(out, a.Flush()...)
	}
	a, b := run(HopSamples), run(377)
	if len(a) != len(b) || len(a) != 150 {
		t.Fatalf("%d and %d hops, want 150", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("hop %d differs: %+v vs %+v", i, a[i], b[i])
		}
	}
	for i, o := range a {
		if want := time.Duration(i)*Hop + Hop/2; o.At != want {
			t.Fatalf("hop %d at %v, want %v", i, o.At, want)
		}
	}
}

func TestProcessAllocatesNothing(t *testing.T) {
	x := benchSignal(2)
	a, err := NewAnalyzer(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < Rate; i += HopSamples {
		a.Process(x[i:i+HopSamples], samplesToDuration(int64(i)))
	}
	i := Rate
	allocs := testing.AllocsPerRun(50, func() {
		a.Process(x[i:i+HopSamples], samplesToDuration(int64(i)))
		i += HopSamples
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per hop, want 0", allocs)
	}
}

func TestOptsValidate(t *testing.T) {
	tests := map[string]func(*Opts){
		"low floor":      func(o *Opts) { o.Pitch.Floor = 10 },
		"ceiling":        func(o *Opts) { o.Pitch.Ceiling = 80 },
		"voicing":        func(o *Opts) { o.Pitch.VoicingThreshold = 1.5 },
		"subtraction":    func(o *Opts) { o.OverSubtraction = -1 },
		"noise bins":     func(o *Opts) { o.Noise = &NoiseFloor{Spectrum: make([]float64, 3)} },
		"negative retry": func(o *Opts) { o.RetryDelay = -time.Second },
	}
	for name, mutate := range tests {
		o := DefaultOpts()
		mutate(&o)
		if _, err := NewAnalyzer(o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestNoiseFloorSeedsDetection checks that a calibrated floor makes a
// quiet voice in steady noise count as active, and the noise alone not.
func TestNoiseFloorSeedsDetection(t *testing.T) {
	noise := whiteNoise(2, 0.01, 7)
	learn, err := NewAnalyzer(DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	learn.Process(noise, 0)
	floor := learn.NoiseFloor()
	if floor.LevelDB < 30 || floor.LevelDB > 60 {
		t.Fatalf("noise floor %.1f dB for white noise at RMS 0.01", floor.LevelDB)
	}
	o := DefaultOpts()
	o.Noise = &floor
	a, err := NewAnalyzer(o)
	if err != nil {
		t.Fatal(err)
	}
	active := func(x []float32) float64 {
		var n, act float64
		for _, o := range a.Process(x, 0) {
			_ = o
		}
		for _, h := range a.Hops() {
			n++
			if h.Active {
				act++
			}
		}
		return act / n
	}
	if f := active(whiteNoise(1, 0.01, 9)); f > 0.05 {
		t.Errorf("noise alone active %.0f %% of the time", 100*f)
	}
	voice := tone(180, 1, 0.05)
	for i, v := range whiteNoise(1, 0.01, 11) {
		voice[i] += v
	}
	if f := active(voice); f < 0.85 {
		t.Errorf("voice in noise active only %.0f %% of the time", 100*f)
	}
}

func TestMeasureNoise(t *testing.T) {
	floor, voiced, err := MeasureNoise(whiteNoise(2, 0.01, 5), DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	// White noise at RMS 0.01 is 10 log10(1e-4 / 4e-10) = 54 dB re 20 µPa.
	if math.Abs(floor.LevelDB-54) > 1 || voiced > 0.05 {
		t.Errorf("level %.1f dB, voiced %.2f", floor.LevelDB, voiced)
	}
	if len(floor.Spectrum) != FFTBins(DefaultOpts()) {
		t.Errorf("%d bins", len(floor.Spectrum))
	}
	if _, voiced, _ := MeasureNoise(tone(150, 2, 0.2), DefaultOpts()); voiced < 0.9 {
		t.Errorf("a voice during calibration: voiced %.2f", voiced)
	}
	if _, _, err := MeasureNoise(make([]float32, 100), DefaultOpts()); err == nil {
		t.Error("no error for 100 samples")
	}
}

func TestBrokenSamplesStayFinite(t *testing.T) {
	x := tone(200, 1, 0.3)
	for i := 3000; i < 3100; i++ {
		x[i] = float32(math.NaN())
	}
	for i := 8000; i < 8050; i++ {
		x[i] = float32(math.Inf(1))
	}
	x[9000] = 1e30
	res := analyse(t, x)
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	for _, o := range res.Obs {
		if !finite(o.F0) || !finite(o.IntensityDB) || !finite(o.HNR) || !finite(o.Vocalisation.Distress) {
			t.Fatalf("hop at %v: %+v", o.At, o)
		}
	}
	s := res.Summary
	for _, v := range []float64{s.F0Mean, s.F0SD, s.HNR, s.JitterLocal, s.ShimmerLocal, s.IntensityMean} {
		if !finite(v) {
			t.Fatalf("summary %+v", s)
		}
	}
}

// TestLowFloor checks a deep voice below Praat's default floor is tracked
// once the floor is lowered (the FFT grows to fit the longer window).
func TestLowFloor(t *testing.T) {
	o := DefaultOpts()
	o.Pitch.Floor = 55
	res, err := AnalyzeSamples(context.Background(), tone(62, 1, 0.3), o)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Summary.F0Mean-62) > 0.5 || res.Summary.VoicedFraction < 0.85 {
		t.Fatalf("62 Hz with a 55 Hz floor: F0 %.2f, voiced %.2f", res.Summary.F0Mean, res.Summary.VoicedFraction)
	}
	if def := analyse(t, tone(62, 1, 0.3)); def.Summary.VoicedFraction > 0.2 {
		t.Errorf("62 Hz is below the default 75 Hz floor but %.0f %% was voiced", 100*def.Summary.VoicedFraction)
	}
}
