package espeak

import (
	"context"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/voices"
)

const shortSentence = "Hello, how are you feeling today?"

// BenchmarkSynthesize reports the real-time factor (seconds of audio per
// second of computing) for a ten-word sentence.
func BenchmarkSynthesize(b *testing.B) {
	e := open(b)
	v := voice(b, "en", behavior.ToneNeutral).Params
	var audio time.Duration
	b.ReportAllocs()
	for b.Loop() {
		a, err := e.Synthesize(context.Background(), "I can see this is hard, take all the time you need.", v)
		if err != nil {
			b.Fatal(err)
		}
		audio += a.Duration()
	}
	b.ReportMetric(audio.Seconds()/b.Elapsed().Seconds(), "x-realtime")
}

// BenchmarkTimeToFirstAudio is how long after the call the engine hands
// over its first samples (goal: ≤ 150 ms).
func BenchmarkTimeToFirstAudio(b *testing.B) {
	e := open(b)
	v := voice(b, "en", behavior.ToneNeutral).Params
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		var first time.Duration
		if _, err := e.synthesize(context.Background(), shortSentence, v, func() { first = time.Since(start) }); err != nil {
			b.Fatal(err)
		}
		total += first
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-first-audio")
}

// BenchmarkRenderToPlayback is what the Speaker waits before playback can
// start: rendering a short utterance and building its mouth track.
func BenchmarkRenderToPlayback(b *testing.B) {
	e := open(b)
	v := voice(b, "en", behavior.ToneGentle)
	b.ReportAllocs()
	for b.Loop() {
		a, err := voices.Render(context.Background(), e, shortSentence, v)
		if err != nil {
			b.Fatal(err)
		}
		voices.NewMouthTrack(a, voices.DefaultMouthOpts(), v.Prosody.Smile)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms-to-playback")
}
