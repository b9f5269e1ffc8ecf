package espeak

import (
	"context"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/robot"
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

// playStarts is a player that notes when playback starts and plays silently.
type playStarts struct{ started chan time.Time }

func (p playStarts) Play(ctx context.Context, a voices.Audio) (voices.Playing, error) {
	p.started <- time.Now()
	return voices.SilentPlayer{}.Play(ctx, a)
}

// BenchmarkSpeakerIntentToAudio is the whole stage's time to first audio:
// from an intent arriving (phrase choice, synthesis of every sentence,
// mouth track) to the player being handed the sound. Goal: ≤ 150 ms.
func BenchmarkSpeakerIntentToAudio(b *testing.B) {
	e := open(b)
	player := playStarts{started: make(chan time.Time, 1)}
	sp, err := voices.NewSpeaker(e, player, voices.DefaultOpts())
	if err != nil {
		b.Fatal(err)
	}
	intents := make(chan behavior.Intent)
	mouth := make(chan robot.Command, 4096)
	events := make(chan voices.Spoken, 16)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for range mouth {
		}
	}()
	go func() { _ = sp.Run(ctx, intents, mouth, events) }()
	var total time.Duration
	for b.Loop() {
		sent := time.Now()
		intents <- behavior.Intent{Kind: behavior.IntentComfort, Say: &behavior.Utterance{}, Tone: behavior.ToneGentle, Person: "Ada"}
		total += (<-player.started).Sub(sent)
		intents <- behavior.Intent{Kind: behavior.IntentStill}
		<-events
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-intent-to-audio")
}
