package espeak_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
)

// A gentle German line, rendered with its word marks.
func ExampleEngine_Synthesize() {
	engine, err := espeak.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	p, _ := voices.DefaultPersona("de")
	v, _ := voices.NewVoice(p, "", behavior.ToneGentle)
	a, err := voices.Render(context.Background(), engine, "Ich bin bei Ihnen.", v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Params.Voice, a.SampleRate)
	for _, w := range a.Words {
		fmt.Print(w.Name, " ")
	}
	fmt.Println()
	// Output:
	// de+f3 22050
	// Ich bin bei Ihnen
}

// The Speaker as the live run wires it: intents in, mouth commands and
// spoken reports out. SilentPlayer stands in when there is no sound card.
func ExampleNewSpeaker() {
	engine, err := espeak.Open()
	if err != nil {
		fmt.Println(err)
		return
	}
	o := voices.DefaultOpts()
	o.Seed = 1
	speaker, err := voices.NewSpeaker(engine, voices.SilentPlayer{}, o)
	if err != nil {
		fmt.Println(err)
		return
	}
	intents := make(chan behavior.Intent, 1)
	mouth := make(chan robot.Command, 1024)
	events := make(chan voices.Spoken, 1)
	intents <- behavior.Intent{Kind: behavior.IntentReassure, Say: &behavior.Utterance{}, Tone: behavior.ToneGentle, Person: "Ada"}
	close(intents)
	go func() {
		for range mouth {
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		if err := speaker.Run(ctx, intents, mouth, events); err != nil {
			fmt.Println(err)
		}
	}()
	for s := range events {
		fmt.Printf("%s (%s, %s): %s\n", s.Intent, s.Lang, s.Tone, s.Text)
	}
	// Output:
	// reassure (en, gentle): You're safe. I'm staying right here.
}
