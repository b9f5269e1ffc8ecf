package voices

import (
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/behavior"
)

func TestEveryLanguageHasEveryIntent(t *testing.T) {
	bank, err := BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "de", "fr", "es", "zh"} {
		for _, kind := range behavior.IntentKinds {
			list := bank.Phrases(lang, kind)
			if len(list) < 3 {
				t.Errorf("%s %s: %d variants, want at least 3", lang, kind, len(list))
			}
			seen := map[string]bool{}
			for _, p := range list {
				if seen[p] {
					t.Errorf("%s %s: %q twice", lang, kind, p)
				}
				seen[p] = true
				if strings.Count(p, "{") != strings.Count(p, "{name}") {
					t.Errorf("%s %s: %q has a placeholder other than {name}", lang, kind, p)
				}
			}
		}
	}
}

// Chinese is read by the pinyin voice: every syllable needs a tone number.
func TestChinesePhrasesArePinyinWithTones(t *testing.T) {
	bank, err := BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range behavior.IntentKinds {
		for _, p := range bank.Phrases("zh", kind) {
			for _, w := range strings.FieldsFunc(FillName(p, ""), func(r rune) bool { return strings.ContainsRune(" ,.?!", r) }) {
				if w[len(w)-1] < '1' || w[len(w)-1] > '5' {
					t.Errorf("zh %s: %q: word %q does not end in a tone number", kind, p, w)
				}
				for _, r := range w {
					if r > 127 {
						t.Errorf("zh %s: %q: %q is not plain pinyin", kind, p, w)
					}
				}
			}
		}
	}
}

func TestFillName(t *testing.T) {
	tests := []struct{ phrase, name, want string }{
		{"Hello, {name}. It's good to see you.", "Ada", "Hello, Ada. It's good to see you."},
		{"Hello, {name}. It's good to see you.", "", "Hello. It's good to see you."},
		{"{name}, is anything bothering you?", "", "Is anything bothering you?"},
		{"{name}, ¿le molesta algo?", "", "¿Le molesta algo?"},
		{"Comment vous sentez-vous, {name} ?", "", "Comment vous sentez-vous ?"},
		{"See you soon, {name}.", "  ", "See you soon."},
		{"Rest well.", "Ada", "Rest well."},
		{"{name}, nin2 hao3.", "Li3 Ming2", "Li3 Ming2, nin2 hao3."},
	}
	for _, tt := range tests {
		if got := FillName(tt.phrase, tt.name); got != tt.want {
			t.Errorf("FillName(%q, %q) = %q, want %q", tt.phrase, tt.name, got, tt.want)
		}
	}
}

func TestPickerNeverRepeatsAndIsReproducible(t *testing.T) {
	bank, err := BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	a, b := NewPicker(bank, 7), NewPicker(bank, 7)
	other := NewPicker(bank, 8)
	var prev string
	differs := false
	counts := map[string]int{}
	for i := range 200 {
		pa, err := a.Pick("en", behavior.IntentComfort, "Ada")
		if err != nil {
			t.Fatal(err)
		}
		pb, _ := b.Pick("en", behavior.IntentComfort, "Ada")
		po, _ := other.Pick("en", behavior.IntentComfort, "Ada")
		if pa != pb {
			t.Fatalf("pick %d: same seed gave %q and %q", i, pa, pb)
		}
		if pa != po {
			differs = true
		}
		if pa == prev {
			t.Fatalf("pick %d: %q twice in a row", i, pa)
		}
		if strings.Contains(pa, "{name}") {
			t.Fatalf("pick %d: %q still has the placeholder", i, pa)
		}
		prev = pa
		counts[pa]++
	}
	if !differs {
		t.Error("seeds 7 and 8 gave the same 200 phrases")
	}
	if len(counts) != len(bank.Phrases("en", behavior.IntentComfort)) {
		t.Errorf("200 picks used %d of %d variants", len(counts), len(bank.Phrases("en", behavior.IntentComfort)))
	}
}

// TestPickDoesNotDependOnOtherIntents: with the same seed, the n-th
// phrase of an intent is the same whatever other intents were picked
// before and between, because a run on a busier machine may pick a line
// more or less (one superseded before it was said), and the alert notice
// after it must read the same in both runs.
func TestPickDoesNotDependOnOtherIntents(t *testing.T) {
	bank, err := BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	alone := NewPicker(bank, 7)
	var want []string
	for range 6 {
		s, err := alone.Pick("en", behavior.IntentAlertNotice, "Ada")
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, s)
	}
	for _, tc := range []struct {
		name  string
		other []behavior.IntentKind // picked before each alert notice
	}{
		{"one comfort before each", []behavior.IntentKind{behavior.IntentComfort}},
		{"a greeting and two comforts", []behavior.IntentKind{behavior.IntentGreet, behavior.IntentComfort, behavior.IntentComfort}},
		{"a question", []behavior.IntentKind{behavior.IntentAskRating}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPicker(bank, 7)
			for i := range want {
				for _, k := range tc.other {
					if _, err := p.Pick("en", k, "Ada"); err != nil {
						t.Fatal(err)
					}
				}
				got, err := p.Pick("en", behavior.IntentAlertNotice, "Ada")
				if err != nil {
					t.Fatal(err)
				}
				if got != want[i] {
					t.Errorf("alert notice %d: %q, with no other picks %q", i, got, want[i])
				}
			}
		})
	}
}

func TestPickErrors(t *testing.T) {
	bank, err := BuiltinBank()
	if err != nil {
		t.Fatal(err)
	}
	p := NewPicker(bank, 1)
	if _, err := p.Pick("xx", behavior.IntentGreet, ""); err == nil {
		t.Error("unknown language: no error")
	}
	if _, err := p.Pick("en", behavior.IntentSay, ""); err == nil {
		t.Error("intent without a bank: no error")
	}
}

func TestBankAddRejectsBadYAML(t *testing.T) {
	tests := map[string]string{
		"unknown field":  "language: en\nphrases: {}\nextra: 1\n",
		"unknown intent": "language: en\nphrases:\n  dance: [\"la\"]\n",
		"unknown lang":   "language: xx\nphrases: {}\n",
		"empty phrase":   "language: en\nphrases:\n  greet: [\" \"]\n",
	}
	for name, doc := range tests {
		var b Bank
		if err := b.Add(strings.NewReader(doc)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
