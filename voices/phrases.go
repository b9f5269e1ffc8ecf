package voices

import (
	"bytes"
	"embed"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/behavior"
)

// Bank holds phrases per language and intent. Phrases may contain {name},
// the person's name.
type Bank struct {
	phrases map[string]map[behavior.IntentKind][]string
}

// bankFile is the YAML form of one language's phrases.
type bankFile struct {
	Language string                           `yaml:"language"`
	Phrases  map[behavior.IntentKind][]string `yaml:"phrases"`
}

//go:embed phrases/*.yaml
var phraseFiles embed.FS

// BuiltinBank returns the embedded phrase banks (en, de, fr, es, zh).
func BuiltinBank() (*Bank, error) {
	entries, err := phraseFiles.ReadDir("phrases")
	if err != nil {
		return nil, fmt.Errorf("voices: phrase banks: %w", err)
	}
	b := &Bank{phrases: map[string]map[behavior.IntentKind][]string{}}
	for _, e := range entries {
		data, err := phraseFiles.ReadFile(path.Join("phrases", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("voices: phrase bank %s: %w", e.Name(), err)
		}
		if err := b.Add(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("voices: phrase bank %s: %w", e.Name(), err)
		}
	}
	return b, nil
}

// Add reads one language's phrases from YAML (unknown fields and unknown
// intents are errors) and adds them to the bank, replacing that language's
// phrases for the intents it names.
func (b *Bank) Add(r io.Reader) error {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var f bankFile
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("phrases: %w", oneLine(err))
	}
	l, err := LookupLanguage(f.Language)
	if err != nil {
		return fmt.Errorf("phrases: language: %w", err)
	}
	known := map[behavior.IntentKind]bool{}
	for _, k := range behavior.IntentKinds {
		known[k] = true
	}
	if b.phrases == nil {
		b.phrases = map[string]map[behavior.IntentKind][]string{}
	}
	if b.phrases[l.Code] == nil {
		b.phrases[l.Code] = map[behavior.IntentKind][]string{}
	}
	for kind, list := range f.Phrases {
		if !known[kind] {
			return fmt.Errorf("phrases %s: intent %q has no phrase bank (want one of %v)", l.Code, kind, behavior.IntentKinds)
		}
		for i, p := range list {
			if strings.TrimSpace(p) == "" {
				return fmt.Errorf("phrases %s: %s[%d]: empty", l.Code, kind, i)
			}
		}
		b.phrases[l.Code][kind] = append([]string(nil), list...)
	}
	return nil
}

// Phrases returns the variants for a language and intent (a copy).
func (b *Bank) Phrases(lang string, kind behavior.IntentKind) []string {
	l, err := LookupLanguage(lang)
	if err != nil {
		return nil
	}
	return append([]string(nil), b.phrases[l.Code][kind]...)
}

// Picker chooses phrases from a bank: at random with a seeded generator
// (the same seed gives the same conversation), never the same variant twice
// in a row for one language and intent. Each language and intent draws
// from a generator of its own, so the n-th alert notice of a run is the
// same phrase whatever else was said before it: with one generator for
// all, a line picked once more or less earlier (a comfort superseded
// before it was said, in a run where the machine was busier) changed every
// phrase after it. A Picker belongs to one goroutine.
type Picker struct {
	bank *Bank
	seed uint64
	rngs map[string]*rand.Rand
	last map[string]int
}

// NewPicker returns a picker over bank seeded with seed.
func NewPicker(bank *Bank, seed uint64) *Picker {
	return &Picker{bank: bank, seed: seed, rngs: map[string]*rand.Rand{}, last: map[string]int{}}
}

// rng is the generator of one language and intent (key).
func (p *Picker) rng(key string) *rand.Rand {
	r, ok := p.rngs[key]
	if !ok {
		h := fnv.New64a()
		h.Write([]byte(key))
		r = rand.New(rand.NewPCG(p.seed, h.Sum64()^0x9e3779b97f4a7c15))
		p.rngs[key] = r
	}
	return r
}

// Pick returns a phrase for the intent in the language with the person's
// name filled in (left out gracefully when name is empty).
func (p *Picker) Pick(lang string, kind behavior.IntentKind, name string) (string, error) {
	l, err := LookupLanguage(lang)
	if err != nil {
		return "", err
	}
	list := p.bank.phrases[l.Code][kind]
	if len(list) == 0 {
		return "", fmt.Errorf("voices: no %s phrases for intent %q", l.Code, kind)
	}
	key := l.Code + "/" + string(kind)
	rng := p.rng(key)
	i := rng.IntN(len(list))
	if last, ok := p.last[key]; ok && len(list) > 1 {
		// Draw from the others so the previous variant is excluded without
		// biasing the rest.
		i = rng.IntN(len(list) - 1)
		if i >= last {
			i++
		}
	}
	p.last[key] = i
	return FillName(list[i], name), nil
}

// FillName puts name in place of {name}. With no name, the placeholder goes
// together with the comma that set it off ("Hello, {name}." → "Hello.",
// "{name}, I'm here." → "I'm here.") and the sentence start is capitalised.
func FillName(phrase, name string) string {
	name = strings.TrimSpace(name)
	if name != "" {
		return strings.ReplaceAll(phrase, "{name}", name)
	}
	// Removal can join "{na" and "me}" into a new placeholder; repeat
	// until none is left (each pass shortens the phrase).
	for strings.Contains(phrase, "{name}") {
		for _, pat := range []string{", {name}", " ,{name}", "{name}, ", "{name},", " {name}", "{name}"} {
			phrase = strings.ReplaceAll(phrase, pat, "")
		}
	}
	phrase = strings.Join(strings.Fields(phrase), " ")
	return capitaliseSentences(phrase)
}

// capitaliseSentences upper-cases the first letter of the text and of each
// sentence, which removing a leading name can leave in lower case.
func capitaliseSentences(s string) string {
	var out strings.Builder
	start := true
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		if start && unicode.IsLetter(r) {
			r = unicode.ToUpper(r)
			start = false
		} else if r == '.' || r == '!' || r == '?' {
			start = true
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) {
			start = false
		}
		out.WriteRune(r)
	}
	return out.String()
}
