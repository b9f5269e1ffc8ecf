package speechcorpus

import (
	"os"
	"strings"
	"testing"
)

func TestSays(t *testing.T) {
	for _, c := range []struct {
		text, phrase string
		want         bool
	}{
		{"Help!", "help", true},
		{"Oh, it hurts.", "it hurts", true},
		{"It really hurts.", "it hurts", false},
		{"A helpful man.", "help", false},
		{"Please go away now", "go away", true},
		{"Go, away team", "go away", true},
		{"Stopped clocks", "stop", false},
	} {
		if got := Says(c.text, c.phrase); got != c.want {
			t.Errorf("Says(%q, %q) = %v, want %v", c.text, c.phrase, got, c.want)
		}
	}
}

// TestSentencesSayNoPhrase: the ordinary text never says what the
// spotter listens for, so every spot in it is a false alarm.
func TestSentencesSayNoPhrase(t *testing.T) {
	if _, err := os.Stat(fortunesDir); err != nil {
		t.Skip("fortunes-min not installed")
	}
	s, err := Sentences()
	if err != nil {
		t.Fatal(err)
	}
	if len(s) < 300 {
		t.Fatalf("%d sentences, want hundreds", len(s))
	}
	for _, text := range s {
		for _, p := range SpokenPhrases {
			if Says(text, p) {
				t.Errorf("%q says %q", text, p)
			}
		}
	}
}

func TestPartAt(t *testing.T) {
	c := Clip{X: make([]float32, 100), Parts: []Part{{Start: 0, Name: "a"}, {Start: 40, Name: "b"}, {Start: 70, Name: "c"}}}
	for _, tc := range []struct {
		i    int
		want string
	}{{0, "a"}, {39, "a"}, {40, "b"}, {69, "b"}, {99, "c"}} {
		if got := c.PartAt(tc.i).Name; got != tc.want {
			t.Errorf("PartAt(%d) = %q, want %q", tc.i, got, tc.want)
		}
	}
	if got := (Clip{}).PartAt(5); got.Name != "" {
		t.Errorf("a clip of no parts gave %+v", got)
	}
}

// TestAsteriskPromptsAreOrdinary: the prompts kept say no spotted phrase
// by name, no answer alone, and are speech.
func TestAsteriskPromptsAreOrdinary(t *testing.T) {
	ps, err := asteriskPrompts()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Skip("asterisk-core-sounds-en-wav not installed")
	}
	for _, p := range ps {
		for _, bad := range []string{"help", "/digits/", "/silence/", "/vm-no.wav", "/tt-monkeys.wav", "beep"} {
			if strings.Contains(p, bad) {
				t.Errorf("%s kept: it is not ordinary speech (%q)", p, bad)
			}
		}
	}
}
