package voices

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kindred-hri/kindred/internal/inputfile"
)

// Persona is a character's voice: which language it speaks by default,
// which voice variant, and its base rate, pitch, range and volume. Tones
// bend these; personas set where they start.
type Persona struct {
	Name     string `yaml:"name"`
	Language string `yaml:"language"` // en, de, fr, es, zh
	Variant  string `yaml:"variant"`  // espeak-ng variant (f1..f5, m1..m7, ...); empty for the language's default
	Rate     int    `yaml:"rate"`     // words per minute, 80..450
	Pitch    int    `yaml:"pitch"`    // 0..100, 50 is the voice's normal
	Range    int    `yaml:"range"`    // 0..100 intonation range, 50 is normal
	Volume   int    `yaml:"volume"`   // 0..200, 100 is normal
}

// Validate checks every field and names the first bad one.
func (p Persona) Validate() error {
	switch {
	case p.Name == "":
		return errors.New("persona: name: empty")
	case p.Rate < 80 || p.Rate > 450:
		return fmt.Errorf("persona %s: rate: %d outside 80..450 words per minute", p.Name, p.Rate)
	case p.Pitch < 0 || p.Pitch > 100:
		return fmt.Errorf("persona %s: pitch: %d outside 0..100", p.Name, p.Pitch)
	case p.Range < 0 || p.Range > 100:
		return fmt.Errorf("persona %s: range: %d outside 0..100", p.Name, p.Range)
	case p.Volume < 1 || p.Volume > 200:
		return fmt.Errorf("persona %s: volume: %d outside 1..200", p.Name, p.Volume)
	}
	if _, err := LookupLanguage(p.Language); err != nil {
		return fmt.Errorf("persona %s: language: %w", p.Name, err)
	}
	for _, r := range p.Variant {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("persona %s: variant: %q has characters a voice name cannot have", p.Name, p.Variant)
		}
	}
	return nil
}

// ParsePersona reads one persona from YAML; unknown fields are errors.
func ParsePersona(r io.Reader) (Persona, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	var p Persona
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) { // the decoder's word for no document
			return Persona{}, errors.New("persona: empty file")
		}
		return Persona{}, fmt.Errorf("persona: %w", oneLine(err))
	}
	if err := p.Validate(); err != nil {
		return Persona{}, err
	}
	return p, nil
}

// LoadPersona reads a persona file.
func LoadPersona(file string) (Persona, error) {
	data, err := inputfile.ReadFile(file, inputfile.MaxConfig)
	if err != nil {
		return Persona{}, fmt.Errorf("persona: %w", err)
	}
	p, err := ParsePersona(bytes.NewReader(data))
	if err != nil {
		return Persona{}, fmt.Errorf("%s: %w", file, err)
	}
	return p, nil
}

//go:embed personas/*.yaml
var personaFiles embed.FS

// BuiltinPersonas returns the embedded personas by name.
func BuiltinPersonas() (map[string]Persona, error) {
	entries, err := personaFiles.ReadDir("personas")
	if err != nil {
		return nil, fmt.Errorf("voices: built-in personas: %w", err)
	}
	out := make(map[string]Persona, len(entries))
	for _, e := range entries {
		data, err := personaFiles.ReadFile(path.Join("personas", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("voices: built-in persona %s: %w", e.Name(), err)
		}
		p, err := ParsePersona(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("voices: built-in persona %s: %w", e.Name(), err)
		}
		out[p.Name] = p
	}
	return out, nil
}

// DefaultPersona is the built-in persona for a language: "companion" for
// English and the one persona written for each other language.
func DefaultPersona(lang string) (Persona, error) {
	l, err := LookupLanguage(lang)
	if err != nil {
		return Persona{}, err
	}
	all, err := BuiltinPersonas()
	if err != nil {
		return Persona{}, err
	}
	if p, ok := all["companion"]; ok && l.Code == "en" {
		return p, nil
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if all[n].Language == l.Code {
			return all[n], nil
		}
	}
	return Persona{}, fmt.Errorf("voices: no built-in persona speaks %s", l.Code)
}

// PersonaFor is the persona a run speaks with: the one named (a built-in
// name or a YAML file) when name is given, else lang's default ("en" when
// lang is empty). The error names the setting that chose it.
func PersonaFor(name, lang string) (Persona, error) {
	if name != "" {
		p, err := FindPersona(name)
		if err != nil {
			return p, fmt.Errorf("persona %q: %w", name, err)
		}
		return p, nil
	}
	if lang == "" {
		lang = "en"
	}
	p, err := DefaultPersona(lang)
	if err != nil {
		return p, fmt.Errorf("lang %q: %w", lang, err)
	}
	return p, nil
}

// FindPersona resolves a persona by built-in name or, when the value names
// a YAML file, by loading it.
func FindPersona(nameOrFile string) (Persona, error) {
	if strings.HasSuffix(nameOrFile, ".yaml") || strings.HasSuffix(nameOrFile, ".yml") || strings.ContainsRune(nameOrFile, os.PathSeparator) {
		return LoadPersona(nameOrFile)
	}
	all, err := BuiltinPersonas()
	if err != nil {
		return Persona{}, err
	}
	if p, ok := all[nameOrFile]; ok {
		return p, nil
	}
	names := make([]string, 0, len(all))
	for n := range all {
		names = append(names, n)
	}
	sort.Strings(names)
	return Persona{}, fmt.Errorf("voices: unknown persona %q (built-in: %s, or a .yaml file)", nameOrFile, strings.Join(names, ", "))
}

// oneLine flattens a multi-line YAML error ("unmarshal errors:\n  line 7:
// ...") so a user-facing message stays one line; errors.Is still sees the
// original.
func oneLine(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "\n") {
		return err
	}
	return &flatError{msg: strings.Join(strings.Fields(strings.ReplaceAll(msg, ":\n", ": ")), " "), err: err}
}

type flatError struct {
	msg string
	err error
}

func (f *flatError) Error() string { return f.msg }
func (f *flatError) Unwrap() error { return f.err }
