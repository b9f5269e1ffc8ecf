package selfreport

import (
	"slices"
	"strings"
	"testing"
)

func TestIsCall(t *testing.T) {
	for _, c := range []struct {
		words string
		want  bool
	}{
		{"help", true},
		{"somebody help me", true},
		{"oh help please", true},
		{"help help", true},
		{"please", false},           // no "help"
		{"help yourself", false},    // a word no call holds
		{"ph_hh ph_eh help", false}, // the garbage loop took part of it
		{"", false},
	} {
		if got := IsCall(strings.Fields(c.words)); got != c.want {
			t.Errorf("IsCall(%q) = %v, want %v", c.words, got, c.want)
		}
	}
}

func TestCallFSG(t *testing.T) {
	decoys := CallDecoys()
	for _, w := range CallWords() {
		if slices.Contains(decoys, w) {
			t.Errorf("call word %q is a decoy: the decoy loop would explain the call", w)
		}
	}
	g := CallFSG(Garbage{Words: []string{"ph_aa"}, Entry: 1, Step: 0.1, Decoys: decoys})
	for _, want := range []string{"FSG_BEGIN kindred_call", " help\n", " ph_aa\n", " " + decoys[0] + "\n", "FSG_END"} {
		if !strings.Contains(g, want) {
			t.Errorf("grammar lacks %q", want)
		}
	}
}
