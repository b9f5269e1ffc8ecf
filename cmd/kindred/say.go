package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback"
)

// cmdSay speaks one line: kindred say [--lang L] [--persona P]
// [--tone gentle|neutral|cheerful] [--out FILE.wav] TEXT. With --out it
// writes a WAV file and needs no audio device.
func cmdSay(ctx context.Context, e env, args []string) error {
	fs := newFlags("say", e.stdout)
	lang := fs.String("lang", "", "language: "+strings.Join(voices.LanguageCodes(), ", ")+" (zh: Chinese characters or pinyin with tone numbers, e.g. \"ni3 hao3\"); default: the persona's")
	persona := fs.String("persona", "", "a built-in persona or a persona YAML file; default: the built-in persona for the language (companion for en)")
	tone := fs.String("tone", string(behavior.ToneNeutral), "gentle, neutral or cheerful")
	out := fs.String("out", "", "write the speech to this WAV file instead of playing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	text := strings.TrimSpace(strings.Join(fs.Args(), " "))
	if text == "" {
		return badInput("TEXT is missing: kindred say [flags] TEXT")
	}
	if _, err := voices.ProsodyOf(behavior.Tone(*tone)); err != nil {
		return badInput("--tone: %q is not gentle, neutral or cheerful", *tone)
	}
	if *lang != "" {
		if _, err := voices.LookupLanguage(*lang); err != nil {
			return badInput("--lang: %v", err)
		}
	}
	var p voices.Persona
	var err error
	if *persona == "" {
		p, err = voices.DefaultPersona(cmp.Or(*lang, "en"))
	} else {
		p, err = voices.FindPersona(*persona)
	}
	if err != nil {
		return badInput("--persona: %v", err)
	}
	v, err := voices.NewVoice(p, *lang, behavior.Tone(*tone))
	if err != nil {
		return badInput("%v", err)
	}

	engine, err := espeak.Open()
	if err != nil {
		return err
	}
	audio, err := voices.Render(ctx, engine, text, v)
	if errors.Is(err, voices.ErrNothingToSay) {
		return badInput("TEXT %q has nothing to say", text)
	}
	if err != nil {
		if len(text) > voices.MaxTextLength {
			return badInput("TEXT: %v", err)
		}
		return err
	}
	if *out != "" {
		return writeSpeech(*out, audio)
	}
	return playSpeech(ctx, audio)
}

func writeSpeech(file string, a voices.Audio) error {
	f, err := os.Create(file)
	if err != nil {
		return badInput("--out: %v", err)
	}
	if err := voices.WriteWAV(f, a); err != nil {
		_ = f.Close()
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	return nil
}

func playSpeech(ctx context.Context, a voices.Audio) error {
	player, err := playback.Open()
	if err != nil {
		return fmt.Errorf("%w (use --out FILE.wav to write the speech to a file instead)", err)
	}
	playing, err := player.Play(ctx, a)
	if err != nil {
		return err
	}
	select {
	case <-playing.Done():
		return nil
	case <-ctx.Done():
		playing.Stop()
		return nil
	}
}
