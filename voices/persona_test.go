package voices

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kindred-hri/kindred/behavior"
)

func TestBuiltinPersonasCoverEveryLanguage(t *testing.T) {
	all, err := BuiltinPersonas()
	if err != nil {
		t.Fatal(err)
	}
	if all["companion"].Language != "en" {
		t.Errorf("companion speaks %q, want en", all["companion"].Language)
	}
	for _, lang := range LanguageCodes() {
		p, err := DefaultPersona(lang)
		if err != nil {
			t.Errorf("%s: %v", lang, err)
			continue
		}
		if p.Language != lang {
			t.Errorf("default persona for %s speaks %s", lang, p.Language)
		}
	}
	if p, _ := DefaultPersona("en"); p.Name != "companion" {
		t.Errorf("default English persona is %q, want companion", p.Name)
	}
}

func TestParsePersona(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"good", "name: x\nlanguage: de\nvariant: m3\nrate: 150\npitch: 40\nrange: 50\nvolume: 90\n", ""},
		{"unknown field", "name: x\nlanguage: de\nrate: 150\npitch: 40\nrange: 50\nvolume: 90\nmood: happy\n", "mood"},
		{"bad rate", "name: x\nlanguage: de\nrate: 50\npitch: 40\nrange: 50\nvolume: 90\n", "rate"},
		{"bad pitch", "name: x\nlanguage: de\nrate: 150\npitch: 140\nrange: 50\nvolume: 90\n", "pitch"},
		{"bad volume", "name: x\nlanguage: de\nrate: 150\npitch: 40\nrange: 50\nvolume: 0\n", "volume"},
		{"bad language", "name: x\nlanguage: kl\nrate: 150\npitch: 40\nrange: 50\nvolume: 90\n", "language"},
		{"bad variant", "name: x\nlanguage: de\nvariant: \"f3; rm\"\nrate: 150\npitch: 40\nrange: 50\nvolume: 90\n", "variant"},
		{"no name", "language: de\nrate: 150\npitch: 40\nrange: 50\nvolume: 90\n", "name"},
		{"not yaml", "{{{", "persona"},
		{"empty", "", "persona: empty file"}, // before: "persona: EOF"
		{"only a comment", "# nothing yet\n", "persona: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePersona(strings.NewReader(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one naming %q", err, tt.wantErr)
			}
		})
	}
}

func TestFindPersona(t *testing.T) {
	if p, err := FindPersona("huoban"); err != nil || p.Language != "zh" {
		t.Errorf("huoban: %+v, %v", p, err)
	}
	if _, err := FindPersona("nobody"); err == nil || !strings.Contains(err.Error(), "companion") {
		t.Errorf("unknown persona: err %v should list the built-ins", err)
	}
	file := filepath.Join(t.TempDir(), "nurse.yaml")
	if err := os.WriteFile(file, []byte("name: nurse\nlanguage: fr\nrate: 140\npitch: 45\nrange: 40\nvolume: 100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err := FindPersona(file); err != nil || p.Name != "nurse" {
		t.Errorf("file persona: %+v, %v", p, err)
	}
	if _, err := FindPersona(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}

func TestLookupLanguage(t *testing.T) {
	tests := []struct{ tag, code, voice string }{
		{"en", "en", "en-us"}, {"en-GB", "en", "en"}, {"de_DE", "de", "de"},
		{"fr", "fr", "fr"}, {"es", "es", "es"}, {"zh", "zh", "cmn-latn-pinyin"},
		{"zh-CN", "zh", "cmn-latn-pinyin"}, {"cmn", "zh", "cmn-latn-pinyin"},
	}
	for _, tt := range tests {
		l, err := LookupLanguage(tt.tag)
		if err != nil || l.Code != tt.code || l.Voice != tt.voice {
			t.Errorf("LookupLanguage(%q) = %+v, %v; want %s/%s", tt.tag, l, err, tt.code, tt.voice)
		}
	}
	if _, err := LookupLanguage("klingon"); err == nil {
		t.Error("klingon: no error")
	}
}

func TestTonesShapeTheVoice(t *testing.T) {
	p, err := DefaultPersona("en")
	if err != nil {
		t.Fatal(err)
	}
	gentle, err := NewVoice(p, "", behavior.ToneGentle)
	if err != nil {
		t.Fatal(err)
	}
	neutral, _ := NewVoice(p, "", "")
	cheerful, _ := NewVoice(p, "", behavior.ToneCheerful)
	if !(gentle.Params.Rate < neutral.Params.Rate && neutral.Params.Rate < cheerful.Params.Rate) {
		t.Errorf("rates gentle %d, neutral %d, cheerful %d: want increasing", gentle.Params.Rate, neutral.Params.Rate, cheerful.Params.Rate)
	}
	if !(gentle.Params.Pitch < neutral.Params.Pitch && neutral.Params.Pitch < cheerful.Params.Pitch) {
		t.Errorf("pitches gentle %d, neutral %d, cheerful %d: want increasing", gentle.Params.Pitch, neutral.Params.Pitch, cheerful.Params.Pitch)
	}
	if !(gentle.Params.Volume < cheerful.Params.Volume && gentle.Params.Range < cheerful.Params.Range) {
		t.Errorf("gentle %+v should be softer and flatter than cheerful %+v", gentle.Params, cheerful.Params)
	}
	if neutral.Params.Voice != "en-us+f3" {
		t.Errorf("voice %q, want en-us+f3", neutral.Params.Voice)
	}
	if v, _ := NewVoice(p, "zh", ""); v.Params.Voice != "cmn-latn-pinyin+f3" {
		t.Errorf("companion speaking zh: voice %q", v.Params.Voice)
	}
	if _, err := NewVoice(p, "", "grumpy"); err == nil {
		t.Error("unknown tone: no error")
	}
}

// The run's persona: the one named, else the language's default, and an
// error that names the setting at fault.
func TestPersonaFor(t *testing.T) {
	tests := []struct {
		name, lang string
		want       string // persona name, or "" for an error
		errHas     string
	}{
		{"", "", "companion", ""},
		{"", "en", "companion", ""},
		{"huoban", "en", "huoban", ""},
		{"", "zh", "huoban", ""},
		{"nobody", "", "", `persona "nobody"`},
		{"", "xx", "", `lang "xx"`},
	}
	for _, tt := range tests {
		p, err := PersonaFor(tt.name, tt.lang)
		switch {
		case tt.want == "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)):
			t.Errorf("PersonaFor(%q, %q) = %v, want an error naming %s", tt.name, tt.lang, err, tt.errHas)
		case tt.want != "" && (err != nil || p.Name != tt.want):
			t.Errorf("PersonaFor(%q, %q) = %q, %v; want %q", tt.name, tt.lang, p.Name, err, tt.want)
		}
	}
}
