package eval

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseLabels(t *testing.T) {
	const head = "file,class,speaker,sex\n"
	want := []string{"file", "class", "speaker"}
	for _, tc := range []struct {
		name, in, err string
		n             int
	}{
		{"ok", head + "vocalisations/moaning/a.wav,moaning,A1,Female\nvocalisations/crying/b.wav,crying,B2,Male\n", "", 2},
		{"columns in any order", "speaker,class,file\nA1,moaning,vocalisations/a.wav\n", "", 1},
		{"missing column", "file,class\nx.wav,moaning\n", `no "speaker" column`, 0},
		{"empty class", head + "a.wav,,A1,F\n", "line 2: class: empty", 0},
		{"empty speaker", head + "a.wav,moaning,,F\n", "line 2: speaker: empty", 0},
		{"absolute path", head + "/etc/passwd,moaning,A1,F\n", "want a path relative", 0},
		{"climbs out", head + "../x.wav,moaning,A1,F\n", "inside the dev set", 0},
		{"climbs out midway", head + "a/../../x.wav,moaning,A1,F\n", "inside the dev set", 0},
		{"backslash", head + `a\x.wav,moaning,A1,F` + "\n", "want a path relative", 0},
		{"twice", head + "a.wav,moaning,A1,F\na.wav,crying,A1,F\n", "listed twice", 0},
		{"ragged row", head + "a.wav,moaning\n", "wrong number of fields", 0},
		{"no rows", head, "no clips", 0},
		{"empty", "", "header", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clips, err := parseLabels(strings.NewReader(tc.in), want, parseVocalisation)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil || len(clips) != tc.n {
				t.Fatalf("got %d clips, %v; want %d", len(clips), err, tc.n)
			}
		})
	}
}

func TestReadDevset(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadDevset(dir); !errors.Is(err, ErrNoDevset) {
		t.Fatalf("empty folder: err = %v, want ErrNoDevset", err)
	}
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(VocalisationLabels, "file,class,speaker\nvocalisations/moaning/a.wav,moaning,A1\n")
	clips, err := ReadDevset(dir)
	if err != nil || len(clips) != 1 {
		t.Fatalf("vocalisations only: %v, %v", clips, err)
	}
	write(SpeechLabels, "file,source,licence\nspeech/x.wav,github:o/r@abc:x.wav,MIT\nspeech/y.wav,github:o/r@abc:y.wav,MIT\n")
	clips, err = ReadDevset(dir)
	if err != nil || len(clips) != 3 {
		t.Fatalf("with speech: %v, %v", clips, err)
	}
	if c := clips[1]; c.Class != SpeechClass || c.Speaker != "speech:github:o/r" || c.Speaker != clips[2].Speaker {
		t.Errorf("speech clip = %+v; want class speech and one speaker per source corpus", c)
	}
	write(SpeechLabels, "file,source\nspeech/x.wav,\n")
	if _, err := ReadDevset(dir); err == nil || !strings.Contains(err.Error(), "source: empty") {
		t.Errorf("bad speech row: err = %v", err)
	}
}
