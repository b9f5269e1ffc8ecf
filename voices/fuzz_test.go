package voices

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// Bad input never panics: WAV bytes from anywhere.
func FuzzReadWAV(f *testing.F) {
	var good bytes.Buffer
	_ = WriteWAV(&good, sine(200, 0.3, 0))
	f.Add(good.Bytes())
	f.Add([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x22\x56\x00\x00"))
	f.Add([]byte("RIFF\xff\xff\xff\xffWAVEdata\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := ReadWAV(bytes.NewReader(data))
		if err == nil && a.SampleRate <= 0 {
			t.Errorf("no error but sample rate %d", a.SampleRate)
		}
	})
}

// Any text splits into sentences that together keep every speakable
// character, and filling a name never leaves the placeholder behind.
func FuzzTextHandling(f *testing.F) {
	for _, s := range []string{"Hello, {name}. How are you?", "3.5... ¿Qué? 你好。", "{name}{name},,", "{na{name}me}", "\xff", ""} {
		f.Add(s, "Ada")
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		if !utf8.ValidString(text) || !utf8.ValidString(name) || strings.Contains(name, "{name}") {
			return
		}
		for _, s := range SplitSentences(text) {
			if strings.TrimSpace(s) == "" {
				t.Errorf("empty sentence from %q", text)
			}
		}
		if got := FillName(text, ""); strings.Contains(got, "{name}") {
			t.Errorf("FillName(%q, \"\") = %q", text, got)
		}
		if got := FillName(text, name); strings.TrimSpace(name) != "" && strings.Contains(got, "{name}") {
			t.Errorf("FillName(%q, %q) = %q", text, name, got)
		}
	})
}
