package voice_test

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/voice"
)

// A steady 220 Hz voice for half a second, fed to the analyser hop by hop
// as a live stream would be.
func ExampleAnalyzer_Process() {
	a, err := voice.NewAnalyzer(voice.DefaultOpts())
	if err != nil {
		panic(err)
	}
	x := make([]float32, voice.Rate/2)
	for i := range x {
		ph := 2 * math.Pi * 220 * float64(i) / voice.Rate
		x[i] = float32(0.2*math.Sin(ph) + 0.1*math.Sin(2*ph))
	}
	var obs []perception.VoiceObs
	for i := 0; i < len(x); i += voice.HopSamples {
		obs = append(obs, a.Process(x[i:i+voice.HopSamples], voice.Hop*time.Duration(i/voice.HopSamples))...)
	}
	obs = append(obs, a.Flush()...)
	mid := obs[len(obs)/2]
	fmt.Printf("%d hops; at %v: voiced %v, F0 %.0f Hz\n", len(obs), mid.At, mid.Voiced, mid.F0)
	// Output: 50 hops; at 255ms: voiced true, F0 220 Hz
}

// AnalyzeSamples summarises a whole recording the way `kindred analyze
// --audio` does.
func ExampleAnalyzeSamples() {
	x := make([]float32, voice.Rate)
	for i := range x {
		x[i] = float32(0.3 * math.Sin(2*math.Pi*150*float64(i)/voice.Rate))
	}
	res, err := voice.AnalyzeSamples(context.Background(), x, voice.DefaultOpts())
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d hops, voiced %.0f %%, mean F0 %.0f Hz\n", len(res.Obs), 100*res.Summary.VoicedFraction, res.Summary.F0Mean)
	// Output: 100 hops, voiced 100 %, mean F0 150 Hz
}
