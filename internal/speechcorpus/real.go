package speechcorpus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/kindred-hri/kindred/perception/voice/wav"
)

// Rate is the sample rate of every clip.
const Rate = wav.AnalysisRate

// Part is one recording or utterance inside a clip that joins several.
type Part struct {
	Start int    // first sample in the clip
	Name  string // the file or utterance
	Text  string // what is said, where known
}

// PartAt returns the part that holds sample i ({} when the clip joins none).
func (c Clip) PartAt(i int) Part {
	var p Part
	for _, q := range c.Parts {
		if q.Start > i {
			break
		}
		p = q
	}
	return p
}

// Seconds is how long the clip lasts.
func (c Clip) Seconds() float64 { return float64(len(c.X)) / Rate }

// Debian's packages of real recorded speech beyond pocketsphinx-testdata
// and alsa-utils:
//
//   - asterisk-core-sounds-en-wav: the prompts of the Asterisk PBX read by
//     one professional speaker, Allison Smith (CC-BY-SA-3.0), 8 kHz;
//   - codec2-examples: the speech samples David Rowe's codec is tested on,
//     several speakers, some over HF radio (LGPL-2.1), mostly 8 kHz.
const (
	asteriskDir = "/usr/share/asterisk/sounds/en_US_f_Allison"
	codec2Dir   = "/usr/share/codec2"
)

// asteriskSkip are the Asterisk folders and prompts that are not ordinary
// speech: single digits, letters and spelling-alphabet words (each one
// token, and digits are answers), silences, tones, monkeys screeching
// (tt-monkeys.wav, where the spotter heard "ouch" six times in 10 s), the
// prompt that says "no" alone (an answer), and the prompts whose names say
// they speak of help (forhelp, play_help, vm-helpexit: a "help" heard there
// may be said).
var asteriskSkip = []string{
	"digits/", "letters/", "phonetic/", "silence/",
	"beep.wav", "beeperr.wav", "ascending-2tone.wav", "descending-2tone.wav",
	"tt-monkeys.wav", "vm-no.wav",
}

// codec2Speech are the codec2 samples that are recordings of speech as
// spoken, not a codec's output nor a modem's or a test tone's (all.wav is
// left out: it may repeat the others; cross.wav is μ-law, which the
// decoder does not read).
var codec2Speech = []string{
	"wav/hts1a.wav", "wav/hts2a.wav", "wav/morig.wav", "wav/forig.wav", "wav/mmt1.wav",
	"wav/big_dog.wav", "wav/david4.wav", "wav/vk2tpm_004.wav",
	"wav/vk5qi.wav", "wav/ve9qrp.wav", "raw/speech_orig_16k.wav",
}

// joinSeconds is how long a clip that joins short prompts grows before
// the next one starts, and joinGap the silence between its parts.
const (
	joinSeconds = 60
	joinGap     = Rate / 2
)

// Real loads every real recording of ordinary speech on this machine: the
// LibriVox recordings, alsa-utils' voice, the dev set's speech clips
// (devset/speech/labels.csv; "" for none), the Asterisk prompts joined into
// clips of about a minute, and codec2's speech samples, less the files
// whose base name leaveOut reports (nil leaves none out). A source not
// installed is skipped; none at all is not an error (the result is empty).
func Real(devset string, leaveOut func(name string) bool) ([]Clip, error) {
	keep := func(f string) bool { return leaveOut == nil || !leaveOut(filepath.Base(f)) }
	var files []string
	for _, g := range []string{librivoxGlob, alsaGlob} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if devset != "" {
		rows, err := readSpeechLabels(devset)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			files = append(files, filepath.Join(devset, r))
		}
	}
	for _, f := range codec2Speech {
		if _, err := os.Stat(filepath.Join(codec2Dir, f)); err == nil {
			files = append(files, filepath.Join(codec2Dir, f))
		}
	}
	var clips []Clip
	for _, f := range files {
		if !keep(f) {
			continue
		}
		x, err := load(f)
		if err != nil {
			return nil, err
		}
		clips = append(clips, Clip{Name: filepath.Base(f), X: x})
	}
	prompts, err := asteriskPrompts()
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, p := range prompts {
		if keep(p) {
			kept = append(kept, p)
		}
	}
	joined, err := join("asterisk", kept, nil)
	if err != nil {
		return nil, err
	}
	return append(clips, joined...), nil
}

// readSpeechLabels lists the files of devset/speech/labels.csv (none when
// the dev set is absent).
func readSpeechLabels(devset string) ([]string, error) {
	f, err := os.Open(filepath.Join(devset, "speech", "labels.csv"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("speechcorpus: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("speechcorpus: dev set speech labels: %w", err)
	}
	var out []string
	for _, r := range rows[min(1, len(rows)):] {
		out = append(out, r[0])
	}
	return out, nil
}

// asteriskPrompts lists the English prompts in name order, less asteriskSkip.
func asteriskPrompts() ([]string, error) {
	var out []string
	err := filepath.WalkDir(asteriskDir, func(p string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) && p == asteriskDir {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".wav") {
			return err
		}
		rel, _ := filepath.Rel(asteriskDir, p)
		for _, s := range asteriskSkip {
			if rel == s || strings.HasPrefix(rel, s) {
				return nil
			}
		}
		if strings.Contains(rel, "help") {
			return nil
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("speechcorpus: %w", err)
	}
	slices.Sort(out)
	return out, nil
}

// load decodes one file to mono 16 kHz.
func load(path string) ([]float32, error) {
	a, err := wav.DecodeFile(path)
	if err != nil {
		return nil, fmt.Errorf("speechcorpus: %s: %w", path, err)
	}
	return a.Mono16k(), nil
}

// join loads files and joins them, joinGap apart, into clips of about
// joinSeconds named prefix-1, prefix-2…; texts, when given, are what each
// file says.
func join(prefix string, files []string, texts []string) ([]Clip, error) {
	var clips []Clip
	var cur *Clip
	for i, f := range files {
		x, err := load(f)
		if err != nil {
			return nil, err
		}
		if cur == nil || len(cur.X) >= joinSeconds*Rate {
			clips = append(clips, Clip{Name: fmt.Sprintf("%s-%d", prefix, len(clips)+1)})
			cur = &clips[len(clips)-1]
		} else {
			cur.X = append(cur.X, make([]float32, joinGap)...)
		}
		p := Part{Start: len(cur.X), Name: filepath.Base(f)}
		if texts != nil {
			p.Text = texts[i]
		}
		cur.Parts = append(cur.Parts, p)
		cur.X = append(cur.X, x...)
	}
	return clips, nil
}
