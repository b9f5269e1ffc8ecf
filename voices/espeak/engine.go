package espeak

/*
#cgo pkg-config: espeak-ng
#include <stdlib.h>
#include <espeak-ng/speak_lib.h>

extern int kindredSynthCallback(short *wav, int numsamples, espeak_EVENT *events);

static int kindred_espeak_init(void) {
	int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL,
		espeakINITIALIZE_PHONEME_EVENTS | espeakINITIALIZE_DONT_EXIT);
	if (rate > 0) {
		espeak_SetSynthCallback(kindredSynthCallback);
	}
	return rate;
}

static espeak_ERROR kindred_espeak_synth(const char *text, size_t size) {
	return espeak_Synth(text, size, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/kindred-hri/kindred/voices"
)

// Engine is the process's espeak-ng engine.
type Engine struct {
	rate int
}

var _ voices.Synthesizer = (*Engine)(nil)

var (
	initOnce sync.Once
	engine   *Engine
	initErr  error

	// mu serialises every call into libespeak-ng, and guards current.
	mu sync.Mutex
	// current collects the output of the call in progress; the C callback
	// cannot carry a Go pointer, and there is only ever one call.
	current *collector
)

// Open initialises libespeak-ng the first time and returns the engine;
// later calls return the same engine (or the same error).
func Open() (*Engine, error) {
	initOnce.Do(func() {
		mu.Lock()
		defer mu.Unlock()
		rate := int(C.kindred_espeak_init())
		if rate <= 0 {
			initErr = fmt.Errorf("espeak: initialisation failed (code %d): is espeak-ng-data installed?", rate)
			return
		}
		engine = &Engine{rate: rate}
	})
	return engine, initErr
}

// SampleRate is the engine's output rate (22050 Hz for espeak-ng).
func (e *Engine) SampleRate() int { return e.rate }

type rawMark struct {
	ms          int
	name        string
	pos, length int // word: 1-based character position and length in text
}

type collector struct {
	ctx        context.Context
	samples    []int16
	phonemes   []rawMark
	words      []rawMark
	firstAudio func()
}

// Synthesize speaks text with the given voice and parameters and returns
// the audio with its phoneme and word marks.
func (e *Engine) Synthesize(ctx context.Context, text string, v voices.VoiceParams) (voices.Audio, error) {
	return e.synthesize(ctx, text, v, nil)
}

func (e *Engine) synthesize(ctx context.Context, text string, v voices.VoiceParams, firstAudio func()) (voices.Audio, error) {
	if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
		return voices.Audio{}, errors.New("espeak: text is not valid UTF-8")
	}
	if err := ctx.Err(); err != nil {
		return voices.Audio{}, fmt.Errorf("espeak: %w", err)
	}
	cVoice := C.CString(v.Voice)
	defer C.free(unsafe.Pointer(cVoice))
	cText := C.CString(text)
	defer C.free(unsafe.Pointer(cText))

	mu.Lock()
	defer mu.Unlock()
	if rc := C.espeak_SetVoiceByName(cVoice); rc != C.EE_OK {
		return voices.Audio{}, fmt.Errorf("espeak: voice %q: not available (code %d)", v.Voice, int(rc))
	}
	params := []struct {
		p    C.espeak_PARAMETER
		name string
		val  int
	}{
		{C.espeakRATE, "rate", v.Rate}, {C.espeakPITCH, "pitch", v.Pitch},
		{C.espeakRANGE, "range", v.Range}, {C.espeakVOLUME, "volume", v.Volume},
	}
	for _, p := range params {
		if rc := C.espeak_SetParameter(p.p, C.int(p.val), 0); rc != C.EE_OK {
			return voices.Audio{}, fmt.Errorf("espeak: %s %d: refused (code %d)", p.name, p.val, int(rc))
		}
	}
	c := &collector{ctx: ctx, firstAudio: firstAudio}
	current = c
	rc := C.kindred_espeak_synth(cText, C.size_t(len(text)+1))
	current = nil
	if err := ctx.Err(); err != nil {
		return voices.Audio{}, fmt.Errorf("espeak: %w", err)
	}
	if rc != C.EE_OK {
		return voices.Audio{}, fmt.Errorf("espeak: synthesis failed (code %d)", int(rc))
	}
	return c.audio(text, e.rate), nil
}

// audio converts what the callback collected into plain Go values. Event
// times are clamped to the audio so a mark never points past its end.
func (c *collector) audio(text string, rate int) voices.Audio {
	a := voices.Audio{SampleRate: rate, Samples: c.samples}
	end := a.Duration()
	at := func(ms int) time.Duration { return max(0, min(time.Duration(ms)*time.Millisecond, end)) }
	for _, p := range c.phonemes {
		a.Phonemes = append(a.Phonemes, voices.Mark{At: at(p.ms), Name: p.name})
	}
	runes := []rune(text)
	for _, w := range c.words {
		lo := max(0, min(len(runes), w.pos-1))
		hi := max(lo, min(len(runes), lo+w.length))
		a.Words = append(a.Words, voices.Mark{At: at(w.ms), Name: string(runes[lo:hi])})
	}
	return a
}
