package voices

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Hello. How are you?", []string{"Hello.", "How are you?"}},
		{"It is 3.5 degrees! Good", []string{"It is 3.5 degrees!", "Good"}},
		{"Wait... really?", []string{"Wait...", "really?"}},
		{"  ", nil},
		{"...", nil},
		{"¿Cómo está? Bien.", []string{"¿Cómo está?", "Bien."}},
		{"Nin2 hao3. Zai4jian4!", []string{"Nin2 hao3.", "Zai4jian4!"}},
		{"你好。再见！", []string{"你好。", "再见！"}},
	}
	for _, tt := range tests {
		if got := SplitSentences(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitSentences(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestRenderJoinsSentencesWithTheTonesPause(t *testing.T) {
	p, _ := DefaultPersona("en")
	for _, tone := range []behavior.Tone{behavior.ToneGentle, behavior.ToneCheerful} {
		synth := &toneSynth{t: t, expect: map[string]bool{"Hello.": true, "Breathe in slowly.": true}}
		v, err := NewVoice(p, "", tone)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Render(context.Background(), synth, "Hello. Breathe in slowly.", v)
		if err != nil {
			t.Fatal(err)
		}
		if len(synth.calls) != 2 || synth.calls[0].v != v.Params {
			t.Fatalf("%s: calls %+v, want two with %+v", tone, synth.calls, v.Params)
		}
		first := trimSilence(toneAudio(6*50*time.Millisecond, 200))
		second := trimSilence(toneAudio(18*50*time.Millisecond, 200))
		pause := time.Duration(float64(v.Prosody.Pause) * v.Prosody.PauseScale)
		want := first.Duration() + pause + second.Duration()
		if d := a.Duration() - want; d < -time.Millisecond || d > time.Millisecond {
			t.Errorf("%s: duration %v, want %v", tone, a.Duration(), want)
		}
		// The second sentence's first mark moves past the first sentence and the pause.
		off := first.Duration() + pause + second.Phonemes[0].At
		if got := a.Phonemes[len(first.Phonemes)].At; got < off-time.Millisecond || got > off+time.Millisecond {
			t.Errorf("%s: second sentence starts at %v, want about %v", tone, got, off)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	p, _ := DefaultPersona("en")
	v, _ := NewVoice(p, "", "")
	boom := errors.New("engine on fire")
	if _, err := Render(context.Background(), &toneSynth{t: t, fail: boom}, "Hi.", v); !errors.Is(err, boom) {
		t.Errorf("synth failure: %v", err)
	}
	if _, err := Render(context.Background(), &toneSynth{t: t}, " ... ", v); !errors.Is(err, ErrNothingToSay) {
		t.Errorf("nothing to say: %v", err)
	}
	if _, err := Render(context.Background(), &toneSynth{t: t}, "\xff\xfe", v); err == nil {
		t.Error("invalid UTF-8: no error")
	}
	long := make([]byte, MaxTextLength+1)
	for i := range long {
		long[i] = 'a'
	}
	if _, err := Render(context.Background(), &toneSynth{t: t}, string(long), v); err == nil {
		t.Error("too long: no error")
	}
}
