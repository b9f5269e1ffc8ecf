package keywords

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <stdio.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>

static cmd_ln_t *kindred_parse(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}
static void kindred_quiet(void) { err_set_logfp(NULL); }
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/kindred-hri/kindred/internal/cmudict"
	"github.com/kindred-hri/kindred/perception/voice"
)

// ErrNoModel means the acoustic model or dictionary is not installed.
var ErrNoModel = errors.New("keyword model not installed")

// Phrase is one phrase to listen for and its detection threshold.
type Phrase struct {
	Text string
	// Threshold is pocketsphinx's kws threshold, a likelihood ratio of the
	// phrase against its phone loop: 1e-50 hears much, 1e-5 little, and
	// values above 1 less still.
	Threshold float64
}

// Opts configure a Spotter.
type Opts struct {
	HMM     string // acoustic model directory
	Dict    string // pronunciation dictionary; every phrase's words must be in it
	Phrases []Phrase
	// Restart is how much audio one decoding utterance spans before the
	// decoder starts afresh, bounding its memory on endless streams.
	Restart time.Duration
	// Downsample scores every Nth 10 ms frame (pocketsphinx -ds; 1 scores
	// all), for a slower robot: 2 cut the decoding time by about a third
	// but heard "stop" in 13 of 24 synthetic takes instead of 18 and raised
	// more false alarms, so the default scores every frame.
	Downsample int
}

// DefaultOpts listens for the English pain and opt-out phrases. The
// thresholds were measured with all five phrases searched together, as they
// run (each detection restarts the decoder), on 98 s of real read speech
// (LibriVox and the dev set's English and Korean speech, none of it saying a
// phrase) and on 24 takes of each phrase by espeak-ng voices the robot never
// uses (TestKeywordSweep gives the figures). "help" pages a carer, so it may
// raise at most one false alarm an hour of speech: pocketsphinx hears it in
// "himself" at any threshold up to 10, and the first one that stays silent
// on the real speech (1e3) hears none of the synthetic takes either, so a
// spoken "help" is left to the person's voice and face for now (1e-20
// would hear 18 of 24 takes, but raised 4 false alarms in 14 s of three of
// the recordings). "go away" moved from 1e-30 (9 false alarms in 98 s) to
// 1e-20 (1); stop, ouch and it hurts keep the thresholds they had.
//
// Other ways of calling for help were swept the same way
// (TestHelpPhrasingSweep, 110 s of real speech with alsa-utils' voice added, 24 synthetic
// takes each): "help me" raised no false alarm from 1e-10 up but was heard
// in 1 take of 24 there (3 at 1e-20, with 1 false alarm); "help help" none
// from 1e-20 up, heard once; "please help" and "somebody help" were never
// heard at all. No phrasing is both heard and quiet enough to page a carer
// on, so "help" stays deaf and a call for help rests on the voice and face
// (and, through the behaviour engine, on a second cue).
func DefaultOpts() Opts {
	return Opts{
		HMM:  "/usr/share/pocketsphinx/model/en-us/en-us",
		Dict: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
		Phrases: []Phrase{
			{"stop", 1e-10},
			{"go away", 1e-20},
			{"ouch", 1e-5},
			{"it hurts", 1e-20},
			{"help", 1e3},
		},
		Restart:    30 * time.Second,
		Downsample: 1,
	}
}

// Validate reports the first bad field.
func (o Opts) Validate() error {
	if len(o.Phrases) == 0 {
		return errors.New("keywords: no phrases")
	}
	for _, p := range o.Phrases {
		t := strings.TrimSpace(p.Text)
		if t == "" || strings.ContainsAny(t, "/\n") {
			return fmt.Errorf("keywords: phrase %q", p.Text)
		}
		if !(p.Threshold > 0 && p.Threshold < 1e30) {
			return fmt.Errorf("keywords: phrase %q: threshold %g: want above 0 and below 1e30 (e.g. 1e-15)", p.Text, p.Threshold)
		}
	}
	if o.Downsample < 1 || o.Downsample > 3 {
		return fmt.Errorf("keywords: downsample %d: want 1, 2 or 3", o.Downsample)
	}
	if o.Restart < time.Second {
		return fmt.Errorf("keywords: restart %v: want at least 1 s", o.Restart)
	}
	for _, p := range []string{o.HMM, o.Dict} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("keywords: %w: %v", ErrNoModel, err)
		}
	}
	_, err := o.phraseDictionary()
	return err
}

// phraseDictionary returns the dictionary's entries for the words of the
// phrases (alternative pronunciations, "word(2)", included), and fails
// naming a word it lacks: pocketsphinx would only log a warning and never
// spot it. The keyword search needs no other word, and handing pocketsphinx
// these few lines instead of the whole 130 000-word dictionary saves most
// of its start-up (about 0.2 s of a 10 s file's analysis).
func (o Opts) phraseDictionary() ([]string, error) {
	var words []string
	for _, p := range o.Phrases {
		words = append(words, strings.Fields(strings.ToLower(p.Text))...)
	}
	f, err := os.Open(o.Dict)
	if err != nil {
		return nil, fmt.Errorf("keywords: %w: %v", ErrNoModel, err)
	}
	defer f.Close()
	lines, err := cmudict.Entries(f, words)
	if err != nil {
		return nil, fmt.Errorf("keywords: %s: %w", o.Dict, err)
	}
	return lines, nil
}

// chunk is 20 ms at 16 kHz, the decoder's feeding size.
const chunk = voice.Rate / 50

// Spotter wraps one pocketsphinx decoder in keyword-search mode.
type Spotter struct {
	mu       sync.Mutex
	ps       *C.ps_decoder_t
	restart  int64 // samples per utterance
	pending  []int16
	uttStart time.Duration // media time of the utterance's first sample
	uttLen   int64         // samples fed in this utterance
	started  bool
	seen     map[seenKey]bool
	out      []voice.Keyword
}

type seenKey struct {
	word  string
	start int
}

var _ voice.KeywordSpotter = (*Spotter)(nil)

// New loads the model (about 75 ms) and starts listening.
func New(o Opts) (*Spotter, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	words, err := o.phraseDictionary()
	if err != nil {
		return nil, err
	}
	dict, err := os.CreateTemp("", "kindred-kws-*.dict")
	if err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	defer os.Remove(dict.Name())
	_, err = dict.WriteString(strings.Join(words, "\n") + "\n")
	if err = errors.Join(err, dict.Close()); err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	C.kindred_quiet()
	args := []string{"kindred", "-hmm", o.HMM, "-dict", dict.Name(), "-logfn", "/dev/null", "-ds", strconv.Itoa(o.Downsample)}
	argv := make([]*C.char, len(args))
	for i, a := range args {
		argv[i] = C.CString(a)
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	cfg := C.kindred_parse(C.int(len(argv)), &argv[0])
	if cfg == nil {
		return nil, errors.New("keywords: pocketsphinx rejected its configuration")
	}
	ps := C.ps_init(cfg)
	C.cmd_ln_free_r(cfg)
	if ps == nil {
		return nil, fmt.Errorf("keywords: loading %s: pocketsphinx failed", o.HMM)
	}
	s := &Spotter{ps: ps, restart: int64(o.Restart.Seconds() * voice.Rate), seen: map[seenKey]bool{}}
	if err := s.setPhrases(o.Phrases); err != nil {
		C.ps_free(ps)
		return nil, err
	}
	return s, nil
}

func (s *Spotter) setPhrases(phrases []Phrase) error {
	f, err := os.CreateTemp("", "kindred-kws-*.txt")
	if err != nil {
		return fmt.Errorf("keywords: %w", err)
	}
	defer os.Remove(f.Name())
	for _, p := range phrases {
		fmt.Fprintf(f, "%s /%g/\n", strings.ToLower(strings.TrimSpace(p.Text)), p.Threshold)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("keywords: %w", err)
	}
	name := C.CString("kindred")
	defer C.free(unsafe.Pointer(name))
	file := C.CString(f.Name())
	defer C.free(unsafe.Pointer(file))
	if C.ps_set_kws(s.ps, name, file) != 0 {
		return fmt.Errorf("keywords: a phrase has a word missing from the dictionary (%v)", phrases)
	}
	if C.ps_set_search(s.ps, name) != 0 {
		return errors.New("keywords: cannot select the keyword search")
	}
	return nil
}

// Spot feeds samples (16 kHz mono, media time at for samples[0]) and
// returns the phrases that ended in them. The slice is reused.
func (s *Spotter) Spot(samples []float32, at time.Duration) ([]voice.Keyword, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ps == nil {
		return nil, errors.New("keywords: spotter closed")
	}
	s.out = s.out[:0]
	if !s.started {
		if err := s.startUtt(at); err != nil {
			return nil, err
		}
	}
	for _, v := range samples {
		s.pending = append(s.pending, toInt16(v))
		if len(s.pending) == chunk {
			if err := s.feed(); err != nil {
				return nil, err
			}
		}
	}
	// After a detection, or after a long stretch, start a fresh utterance:
	// pocketsphinx's keyword hypothesis only grows within one, and its
	// segments can move, which would report the same phrase twice.
	if len(s.out) > 0 || s.uttLen >= s.restart {
		if C.ps_end_utt(s.ps) < 0 {
			return nil, errors.New("keywords: ending an utterance failed")
		}
		s.started = false
		s.pending = s.pending[:0]
		clear(s.seen)
	}
	return s.out, nil
}

func (s *Spotter) startUtt(at time.Duration) error {
	if C.ps_start_utt(s.ps) < 0 {
		return errors.New("keywords: starting an utterance failed")
	}
	s.started, s.uttStart, s.uttLen = true, at, 0
	return nil
}

func (s *Spotter) feed() error {
	n := C.ps_process_raw(s.ps, (*C.int16)(unsafe.Pointer(&s.pending[0])), C.size_t(len(s.pending)), 0, 0)
	if n < 0 {
		return errors.New("keywords: decoding failed")
	}
	s.uttLen += int64(len(s.pending))
	s.pending = s.pending[:0]
	var score C.int32
	if C.ps_get_hyp(s.ps, &score) == nil {
		return nil
	}
	for seg := C.ps_seg_iter(s.ps); seg != nil; seg = C.ps_seg_next(seg) {
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		_ = ef
		word := strings.TrimSpace(C.GoString(C.ps_seg_word(seg)))
		k := seenKey{word, int(sf)}
		if s.seen[k] {
			continue
		}
		s.seen[k] = true
		// The phrase is reported as soon as the decoder is sure of it, a few
		// tens of milliseconds after it ended: stamp it with the end of the
		// audio fed so far (the decoder's frame numbers do not restart with
		// each utterance, so they cannot be trusted as times).
		s.out = append(s.out, voice.Keyword{Text: word, At: s.uttStart + time.Duration(s.uttLen)*time.Second/voice.Rate})
	}
	return nil
}

func toInt16(v float32) int16 {
	x := math.Round(float64(v) * 32767)
	switch {
	case x > 32767:
		return 32767
	case x < -32768 || x != x:
		if x != x {
			return 0
		}
		return -32768
	}
	return int16(x)
}

// Close frees the decoder; later Spot calls fail.
func (s *Spotter) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ps == nil {
		return nil
	}
	if s.started {
		C.ps_end_utt(s.ps)
	}
	C.ps_free(s.ps)
	s.ps = nil
	return nil
}
