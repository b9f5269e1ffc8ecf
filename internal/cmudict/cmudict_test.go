package cmudict

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestEntries(t *testing.T) {
	dict := "hello HH AH L OW\nhelp HH EH L P\nhelp(2) HH EH L P AH\nstop S T AA P\n\nbadline\n"
	got, err := Entries(strings.NewReader(dict), []string{"help", "stop"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"help HH EH L P", "help(2) HH EH L P AH", "stop S T AA P"}
	if !slices.Equal(got, want) {
		t.Errorf("entries %q, want %q", got, want)
	}
	if _, err := Entries(strings.NewReader(dict), []string{"ouch"}); err == nil || !strings.Contains(err.Error(), `"ouch"`) {
		t.Errorf("missing word: %v", err)
	}
}

// BenchmarkEntries reads pocketsphinx's English dictionary for the keyword
// spotter's words, as every decoder's start-up does.
func BenchmarkEntries(b *testing.B) {
	const dict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
	data, err := os.ReadFile(dict)
	if err != nil {
		b.Skip("pocketsphinx-en-us not installed")
	}
	words := []string{"stop", "go", "away", "ouch", "it", "hurts", "help"}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Entries(bytes.NewReader(data), words); err != nil {
			b.Fatal(err)
		}
	}
}
