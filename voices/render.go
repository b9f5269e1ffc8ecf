package voices

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/kindred-hri/kindred/behavior"
)

// VoiceParams are the synthesiser settings for one call, in espeak-ng's
// units (which other engines can map).
type VoiceParams struct {
	Voice  string // synthesiser voice name, variant included ("en-us+f3")
	Rate   int    // words per minute
	Pitch  int    // 0..100
	Range  int    // 0..100
	Volume int    // 0..200
}

// Synthesizer turns text into audio. Implementations may be slow to start
// but must be safe for use by one goroutine at a time; voices/espeak is safe
// for many.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string, v VoiceParams) (Audio, error)
}

// Voice is a persona speaking one language in one tone: everything Render
// needs.
type Voice struct {
	Lang    Language
	Params  VoiceParams
	Prosody Prosody
}

// NewVoice combines a persona, a language (empty for the persona's own) and
// a tone (empty for neutral) into synthesiser settings.
func NewVoice(p Persona, lang string, tone behavior.Tone) (Voice, error) {
	if err := p.Validate(); err != nil {
		return Voice{}, err
	}
	if lang == "" {
		lang = p.Language
	}
	l, err := LookupLanguage(lang)
	if err != nil {
		return Voice{}, err
	}
	pr, err := ProsodyOf(tone)
	if err != nil {
		return Voice{}, err
	}
	name := l.Voice
	if p.Variant != "" {
		name += "+" + p.Variant
	}
	return Voice{
		Lang:    l,
		Prosody: pr,
		Params: VoiceParams{
			Voice:  name,
			Rate:   clampInt(int(float64(p.Rate)*pr.RateScale+0.5), 80, 450),
			Pitch:  clampInt(p.Pitch+pr.PitchShift, 0, 100),
			Range:  clampInt(int(float64(p.Range)*pr.RangeScale+0.5), 0, 100),
			Volume: clampInt(int(float64(p.Volume)*pr.VolumeScale+0.5), 1, 200),
		},
	}, nil
}

// ErrNothingToSay is returned by Render for text with nothing speakable.
var ErrNothingToSay = errors.New("voices: nothing to say")

// MaxTextLength bounds one utterance; longer text is a caller's mistake
// (a robot does not read essays aloud) and is refused.
const MaxTextLength = 2000

// Render synthesises text sentence by sentence and joins the sentences with
// the tone's pause, so pauses are the tone's to choose rather than the
// engine's. Marks are shifted onto the joined timeline.
func Render(ctx context.Context, s Synthesizer, text string, v Voice) (Audio, error) {
	if !utf8.ValidString(text) {
		return Audio{}, errors.New("voices: text is not valid UTF-8")
	}
	if len(text) > MaxTextLength {
		return Audio{}, fmt.Errorf("voices: text of %d bytes is longer than %d", len(text), MaxTextLength)
	}
	sentences := SplitSentences(text)
	if len(sentences) == 0 {
		return Audio{}, ErrNothingToSay
	}
	pause := time.Duration(float64(v.Prosody.Pause) * v.Prosody.PauseScale)
	var out Audio
	for i, sentence := range sentences {
		a, err := s.Synthesize(ctx, sentence, v.Params)
		if err != nil {
			return Audio{}, fmt.Errorf("voices: sentence %d: %w", i+1, err)
		}
		if a.SampleRate <= 0 {
			return Audio{}, fmt.Errorf("voices: sentence %d: synthesiser gave sample rate %d", i+1, a.SampleRate)
		}
		if i == 0 {
			out.SampleRate = a.SampleRate
		} else {
			if a.SampleRate != out.SampleRate {
				return Audio{}, fmt.Errorf("voices: sentence %d: sample rate changed from %d to %d", i+1, out.SampleRate, a.SampleRate)
			}
			out = appendSilence(out, pause)
		}
		out = appendAudio(out, trimSilence(a))
	}
	return out, nil
}

// SplitSentences splits text after sentence-final punctuation (. ! ? and
// their CJK forms, and the ellipsis), keeping the punctuation so the engine
// still gives each sentence its final intonation. Empty pieces are dropped.
func SplitSentences(text string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" && strings.IndexFunc(s, isSpeakable) >= 0 {
			out = append(out, s)
		}
		cur.Reset()
	}
	rs := []rune(text)
	for i, r := range rs {
		cur.WriteRune(r)
		switch r {
		case '。', '！', '？':
			flush()
		case '.', '!', '?', '…':
			// A full stop inside a number ("3.5") or an abbreviation
			// followed directly by a letter does not end a sentence.
			if i+1 < len(rs) && !isSpaceOrQuote(rs[i+1]) {
				continue
			}
			flush()
		}
	}
	flush()
	return out
}

func isSpaceOrQuote(r rune) bool {
	return r == ' ' || r == '\n' || r == '\t' || r == '"' || r == '\'' || r == '»' || r == '”' || r == ')'
}

func isSpeakable(r rune) bool {
	return r >= '0' && r <= '9' || r > 127 && !strings.ContainsRune("…。！？¿¡«»“”", r) || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
}

// trimSilence drops leading and trailing near-silence (below -60 dBFS) from
// one sentence so joined sentences are separated by the tone's pause only,
// keeping 20 ms either side so plosives are not clipped. Marks move with it.
func trimSilence(a Audio) Audio {
	const threshold = 33 // about -60 dBFS
	first, last := -1, -1
	for i, s := range a.Samples {
		if s > threshold || s < -threshold {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return Audio{SampleRate: a.SampleRate}
	}
	margin := a.samplesFor(20 * time.Millisecond)
	first = max(0, first-margin)
	last = min(len(a.Samples)-1, last+margin)
	shift := time.Duration(first) * time.Second / time.Duration(a.SampleRate)
	end := time.Duration(last+1) * time.Second / time.Duration(a.SampleRate)
	out := Audio{SampleRate: a.SampleRate, Samples: a.Samples[first : last+1]}
	keep := func(ms []Mark) []Mark {
		var kept []Mark
		for _, m := range ms {
			at := max(0, min(m.At-shift, end-shift))
			kept = append(kept, Mark{At: at, Name: m.Name})
		}
		return kept
	}
	out.Phonemes = keep(a.Phonemes)
	out.Words = keep(a.Words)
	return out
}

func clampInt(v, lo, hi int) int { return max(lo, min(hi, v)) }
