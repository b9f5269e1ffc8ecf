package voice

import (
	"context"
	"math"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// benchSignal is a voiced 150 Hz buzz with vibrato in light noise.
func benchSignal(seconds float64) []float32 {
	n := int(seconds * Rate)
	x := make([]float32, n)
	rng := rand.New(rand.NewPCG(1, 2))
	phase := 0.0
	for i := range x {
		f := 150 + 10*math.Sin(2*math.Pi*5*float64(i)/Rate)
		phase += 2 * math.Pi * f / Rate
		v := 0.0
		for h := 1; h <= 10; h++ {
			v += math.Sin(float64(h)*phase) / float64(h)
		}
		x[i] = float32(0.2*v + 0.005*rng.NormFloat64())
	}
	return x
}

// BenchmarkProcess measures the analyser on 10 ms hops; the real-time
// factor is seconds of audio per second of CPU.
func BenchmarkProcess(b *testing.B) {
	x := benchSignal(10)
	a, err := NewAnalyzer(DefaultOpts())
	if err != nil {
		b.Fatal(err)
	}
	// Warm up so buffers reach their steady size.
	for i := 0; i+HopSamples <= Rate; i += HopSamples {
		a.Process(x[i:i+HopSamples], samplesToDuration(int64(i)))
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	pos := int64(Rate)
	for i := 0; i < b.N; i++ {
		off := int(pos % int64(len(x)-HopSamples))
		off -= off % HopSamples
		a.Process(x[off:off+HopSamples], samplesToDuration(pos))
		pos += HopSamples
	}
	b.StopTimer()
	perHop := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(Hop.Seconds()/perHop, "x_realtime")
	// CPU time is what "on one core" means on a shared machine, where the
	// wall clock also counts other people's work.
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(Hop.Seconds()*float64(b.N)/cpu, "x_realtime_cpu")
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func whiteNoise(seconds, rms float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float32, int(seconds*Rate))
	for i := range x {
		x[i] = float32(rms * rng.NormFloat64())
	}
	return x
}

// BenchmarkAnalyzeFile measures a whole file's analysis (hops, pulses,
// jitter, shimmer, functionals) on real speech; x_realtime is seconds of
// audio per second of CPU.
func BenchmarkAnalyzeFile(b *testing.B) {
	a, err := wav.DecodeFile("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav")
	if err != nil {
		b.Skip("LibriVox test data not installed")
	}
	x := a.Mono16k()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := AnalyzeSamples(context.Background(), x, DefaultOpts()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(x))/Rate*float64(b.N)/b.Elapsed().Seconds(), "x_realtime")
}

// BenchmarkClipFeatures measures a whole recording's features, which the
// clip classifier computes once a file and the running classifier once a
// sound-event window, on a 10 s LibriVox file's hops.
func BenchmarkClipFeatures(b *testing.B) {
	a, err := wav.DecodeFile("/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav")
	if err != nil {
		b.Skip("LibriVox test data not installed")
	}
	res, err := AnalyzeSamples(context.Background(), a.Mono16k(), DefaultOpts())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		ClipFeatures(res.Hops)
	}
}
