package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Clip is one labelled recording of a dev set.
type Clip struct {
	File    string // relative to the dev set folder, slash-separated
	Class   string // the dev set's class ("moaning", "speech", …)
	Speaker string // who produced it; folds keep one speaker on one side
}

// VocalisationLabels and SpeechLabels are the two label files of a dev
// set, relative to its folder.
const (
	VocalisationLabels = "vocalisations/labels.csv"
	SpeechLabels       = "speech/labels.csv"
)

// SpeechClass is the class given to every clip of the speech labels.
const SpeechClass = "speech"

// ErrNoDevset reports a dev set folder without its label files.
var ErrNoDevset = errors.New("no dev set")

// ReadDevset reads both label files of the dev set in dir. The speech file
// is optional (a user's own folder may hold vocalisations only); the
// vocalisation file is not.
func ReadDevset(dir string) ([]Clip, error) {
	voc, err := readLabels(dir, VocalisationLabels, parseVocalisation)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("eval: %s: %w", filepath.Join(dir, VocalisationLabels), ErrNoDevset)
	}
	if err != nil {
		return nil, err
	}
	sp, err := readLabels(dir, SpeechLabels, parseSpeech)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	return append(voc, sp...), nil
}

type rowParser func(col map[string]int, rec []string) (Clip, error)

// parseVocalisation reads file,class,speaker,… rows.
func parseVocalisation(col map[string]int, rec []string) (Clip, error) {
	c := Clip{File: rec[col["file"]], Class: rec[col["class"]], Speaker: rec[col["speaker"]]}
	if c.Class == "" {
		return c, errors.New("class: empty")
	}
	if c.Speaker == "" {
		return c, errors.New("speaker: empty")
	}
	return c, nil
}

// parseSpeech reads file,source,… rows. The speech file names no speaker;
// the source corpus stands in for one, which can only merge speakers into
// one group and so keeps folds speaker-disjoint.
func parseSpeech(col map[string]int, rec []string) (Clip, error) {
	src := rec[col["source"]]
	if i := strings.IndexByte(src, '@'); i >= 0 {
		src = src[:i]
	}
	if src == "" {
		return Clip{}, errors.New("source: empty")
	}
	return Clip{File: rec[col["file"]], Class: SpeechClass, Speaker: "speech:" + src}, nil
}

var required = map[string][]string{
	VocalisationLabels: {"file", "class", "speaker"},
	SpeechLabels:       {"file", "source"},
}

func readLabels(dir, name string, parse rowParser) ([]Clip, error) {
	full := filepath.Join(dir, filepath.FromSlash(name))
	f, err := os.Open(full)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	clips, err := parseLabels(f, required[name], parse)
	if err != nil {
		return nil, fmt.Errorf("eval: %s: %w", full, err)
	}
	return clips, nil
}

// parseLabels reads a header naming at least the wanted columns, then one
// clip per row. File paths must stay inside the dev set folder.
func parseLabels(r io.Reader, want []string, parse rowParser) ([]Clip, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("header: no %q column", w)
		}
	}
	var clips []Clip
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		c, err := parse(col, rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if err := checkPath(c.File); err != nil {
			return nil, fmt.Errorf("line %d: file: %w", line, err)
		}
		if seen[c.File] {
			return nil, fmt.Errorf("line %d: file: %q listed twice", line, c.File)
		}
		seen[c.File] = true
		clips = append(clips, c)
	}
	if len(clips) == 0 {
		return nil, errors.New("no clips")
	}
	return clips, nil
}

// checkPath refuses paths that are empty, absolute or climb out of the
// dev set folder: a label file must not make us read elsewhere.
func checkPath(p string) error {
	switch {
	case p == "":
		return errors.New("empty")
	case path.IsAbs(p) || filepath.IsAbs(p) || strings.Contains(p, `\`):
		return fmt.Errorf("%q: want a path relative to the dev set", p)
	case path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("%q: want a clean path inside the dev set", p)
	}
	return nil
}
