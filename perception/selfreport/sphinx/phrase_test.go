package sphinx

import (
	"fmt"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// asteriskPrompt loads one of Asterisk's prompts (`make test-deps`
// installs them) with the half second of quiet that joins it to the next
// in the hour of ordinary speech, or skips the test.
func asteriskPrompt(t *testing.T, name string) []float32 {
	t.Helper()
	a, err := wav.DecodeFile("/usr/share/asterisk/sounds/en_US_f_Allison/" + name)
	if err != nil {
		t.Skipf("%v (make test-deps installs Asterisk's prompts)", err)
	}
	return append(a.Mono16k(), make([]float32, Rate/2)...)
}

// lastWindow is the last listenWindow piece of x's last stretch of
// speech, as `kindred eval --only words` cuts a person who talks on.
func lastWindow(x []float32) []float32 {
	ss := selfreport.Stretches(x, Rate, answerGap, answerPad, time.Hour)
	if len(ss) == 0 {
		return x
	}
	s, w := ss[len(ss)-1], int(listenWindow.Seconds()*Rate)
	a := s.Start + (s.End-s.Start-1)/w*w
	return x[a:s.End]
}

// TestPhraseRules hears what gave the false yes/no and places in the hour
// of ordinary speech (`kindred eval --only words`) as the hour heard them:
// two of Asterisk's prompts, recorded by a person, and two sentences of
// the synthetic half said again as the hour's cache says them. Each is no
// answer with the phrase rules (selfreport.RunIn, BrokenTail) and the
// false answer it was with them off (Opts.anyPhrase), so that the test
// fails without the rules.
func TestPhraseRules(t *testing.T) {
	dir := t.TempDir()
	// The hour's synthetic sentences start at their first sample and are
	// followed by half a second of quiet.
	sentence := func(voice string, speed int, text string) []float32 {
		return say(t, dir, voice, speed, text)[Rate/2:]
	}
	tests := []struct {
		name  string
		x     func() []float32
		whole bool // the recording whole, or its last window
		off   string
	}{
		// A tone, heard whole.
		{"confbridge-join.wav", func() []float32 { return asteriskPrompt(t, "confbridge-join.wav") }, true, "no"},
		// "…your busy message": a window cut from it where the talk runs on.
		{"vm-rec-busy.wav", func() []float32 { return lastWindow(asteriskPrompt(t, "vm-rec-busy.wav")) }, false, "[belly]"},
		// espeak-ng at 175/1.2 words a minute, as the hour's x1.20.
		{"scotland m2", func() []float32 {
			return lastWindow(sentence("en-gb-scotland+m2", 145, "You could live a better life, if you had a better mind and a better body."))
		}, false, "[hip]"},
		// flite with a duration stretch of 175/146 = 1.20.
		{"kal16", func() []float32 { return sentence("flite:kal16", 146, "So you're back... about time...") }, true, "[arm]"},
	}
	for _, anyPhrase := range []bool{false, true} {
		o := DefaultOpts()
		o.anyPhrase = anyPhrase
		r := newRecogniser(t, o)
		for _, tc := range tests {
			x := tc.x()
			var rep selfreport.Reply
			var err error
			if tc.whole {
				rep, err = r.RecogniseRecording(selfreport.Any, x)
			} else {
				rep, err = r.Recognise(selfreport.Any, x)
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			switch {
			case rep.Answer != selfreport.NoAnswer:
				got = string(rep.Answer)
			case len(rep.Places) > 0:
				got = fmt.Sprint(rep.Places)
			case rep.Rating.Valid():
				got = fmt.Sprint(rep.Rating)
			}
			want := ""
			if anyPhrase {
				want = tc.off
			}
			t.Logf("%s, phrase rules off %v: heard %q", tc.name, anyPhrase, rep.Heard)
			if got != want {
				t.Errorf("%s, phrase rules off %v: understood %q (heard %q), want %q", tc.name, anyPhrase, got, rep.Heard, want)
			}
		}
	}
}
