package keywords

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/internal/cmudict"
	answers "github.com/kindred-hri/kindred/perception/selfreport/sphinx"
	"github.com/kindred-hri/kindred/perception/sphinx"
	"github.com/kindred-hri/kindred/perception/voice"
)

// ErrNoModel means the acoustic model or dictionary is not installed.
var ErrNoModel = errors.New("keyword model not installed")

// Phrase is one phrase to listen for and its detection threshold.
type Phrase struct {
	Text string
	// Threshold is pocketsphinx's kws threshold, a likelihood ratio of the
	// phrase against its phone loop: 1e-50 hears much, 1e-5 little, and
	// values above 1 less still, up to about 1e25: 9e29 heard the same
	// synthetic takes of "help" as 1e25.
	Threshold float64
	// Verify holds each spot of the phrase until Opts.VerifyAfter more
	// audio has come and reports it only if the Opts.Verifier accepts the
	// audio around it: a loose threshold finds the phrase, the verifier
	// keeps it from crying wolf (a two-stage keyword spotter).
	Verify bool
}

// Verifier judges a spotted phrase on the audio around it: x holds
// Opts.VerifyBefore before the spot and Opts.VerifyAfter after it (silence
// where they reach before the stream's start or, at Flush, after its end),
// and at is the spot's sample in x. x is reused after the call.
type Verifier interface {
	Verify(x []float32, at int) (bool, error)
	Close() error
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
	// NewVerifier makes the Verifier of the phrases marked Verify; the
	// Spotter closes it.
	NewVerifier func() (Verifier, error)
	// VerifyBefore and VerifyAfter are the audio the verifier is given
	// either side of a spot.
	VerifyBefore, VerifyAfter time.Duration
}

// DefaultOpts listens for the English pain and opt-out phrases. The
// thresholds were first measured with all five phrases searched together,
// as they run (each detection restarts the decoder), on 98 s of real read
// speech (LibriVox and the dev set's English and Korean speech, none of it
// saying a phrase) and on 24 takes of each phrase by espeak-ng voices the
// robot never uses (TestKeywordSweep gives the figures). "go away" moved
// from 1e-30 (9 false alarms in 98 s) to 1e-20 (1); stop, ouch and it hurts
// keep the thresholds they had.
//
// "help" pages a carer, so it may raise at most one false alarm an hour of
// ordinary speech. It was then measured on an hour (speechcorpus.Hour:
// 1809 s of real speech, the Asterisk prompts and codec2's samples added,
// and 2021 s of fortunes-min said by eleven synthetic voices; TestHourSweep
// and `kindred eval --only words`), with 99 synthetic takes of "help"
// (speechcorpus.Takes: flite, festival and espeak-ng voices, three rates,
// three carriers). 1e3, the threshold that had been silent on the 98 s,
// raised 18 false "help" in the real half hour and 20 in the synthetic one
// (36 an hour) and heard 27 takes; 1e20 raised 2 in the hour and heard 12;
// 1e25 raised 1 (in Asterisk's demo-nogo prompt) and heard 9 of 99, and
// was shipped. A threshold alone cannot do better, so "help" is now
// spotted in two stages: at 1e-20, where it is heard in 82 of the 99
// takes but falsely some 600 times an hour of real speech (295 in 1766 s,
// 199 in 2072 s synthetic), and each spot verified as a call for help
// (Phrase.Verify; the answer recogniser's CallVerifier: a short utterance
// of its own that its call grammar explains better than its garbage loop
// and decoys). On the hour as it now is (1766 s real, 2072 s synthetic;
// TestHourSweep) that heard 52 of 99 takes and raised no false "help" in
// either half. The verifier costs about 130 ms of CPU per spot
// (BenchmarkCallVerify), some 80 s an hour of ordinary speech, and delays
// a call by VerifyAfter (1.2 s, the pause that shows it ended: 0.8 s left
// "help, please" said slowly too little of it: 46 takes heard instead of
// 52, with no false "help" either way). It hears the takes of flite's and
// Festival's voices, made from recordings of people, far better than
// espeak-ng's formant voices, as the answer recogniser does. Across a
// room it is heard less (TestKeywordsInRoom: 24 of the 99 takes in sox's
// reverb 50, 5 before a room's ringing could end a call and the hold was
// 0.8 s, 0 at 1e25; 23 at 4x the distance, 12 and 6), and raised no
// false alarm there, nor clean, in 929 s of real speech per condition
// (TestHelpStagesInRoom counts where the rest are lost). The evaluate
// slice (TestWordsSliceDoesNotCryWolf)
// raised 75 false "help" in its 454 s with the verifier off, none with it.
//
// Other ways of calling for help were swept on the 110 s
// (TestHelpPhrasingSweep, 24 espeak-ng takes each): "help me" raised no
// false alarm from 1e-10 up but was heard in 1 take of 24 there (3 at
// 1e-20, with 1 false alarm); "help help" none from 1e-20 up, heard once;
// "please help" and "somebody help" were never heard at all.
func DefaultOpts() Opts {
	return Opts{
		HMM:  "/usr/share/pocketsphinx/model/en-us/en-us",
		Dict: "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
		Phrases: []Phrase{
			{Text: "stop", Threshold: 1e-10},
			{Text: "go away", Threshold: 1e-20},
			{Text: "ouch", Threshold: 1e-5},
			{Text: "it hurts", Threshold: 1e-20},
			{Text: "help", Threshold: 1e-20, Verify: true},
		},
		Restart:      30 * time.Second,
		Downsample:   1,
		NewVerifier:  newCallVerifier,
		VerifyBefore: 4 * time.Second,
		VerifyAfter:  1200 * time.Millisecond,
	}
}

// newCallVerifier is the answer recogniser's check of a call for help,
// priced as its answers are.
func newCallVerifier() (Verifier, error) {
	v, err := answers.NewCallVerifier(answers.DefaultOpts())
	if errors.Is(err, answers.ErrNoModel) {
		return nil, fmt.Errorf("keywords: %w: %v", ErrNoModel, err)
	}
	if err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	return v, nil
}

// Validate reports the first bad field.
func (o Opts) Validate() error {
	if err := o.validateFields(); err != nil {
		return err
	}
	_, err := o.phraseDictionary()
	return err
}

// validateFields is Validate short of reading the dictionary, which New
// reads once for both.
func (o Opts) validateFields() error {
	if len(o.Phrases) == 0 {
		return errors.New("keywords: no phrases")
	}
	for _, p := range o.Phrases {
		if p.Verify && o.NewVerifier == nil {
			return fmt.Errorf("keywords: phrase %q: to be verified, but no verifier", p.Text)
		}
		if p.Verify && (o.VerifyBefore < time.Second || o.VerifyAfter <= 0) {
			return fmt.Errorf("keywords: phrase %q: verified on %v before and %v after it: want at least 1 s before, some after", p.Text, o.VerifyBefore, o.VerifyAfter)
		}
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
	return nil
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
	dec      *sphinx.Decoder
	restart  int64 // samples per utterance
	pending  []float32
	uttStart time.Duration // media time of the utterance's first sample
	uttLen   int64         // samples fed in this utterance
	started  bool
	seen     map[seenKey]bool
	out      []voice.Keyword

	// Verification of the phrases marked Verify.
	verify        map[string]bool
	ver           Verifier
	before, after int64     // samples the verifier is given either side of a spot
	hist          []float32 // the latest audio, hist[0] being sample histStart
	histStart     int64
	fed           int64     // samples fed so far
	held          []held    // spots awaiting their verdict
	window        []float32 // the audio handed to the verifier
}

type seenKey struct {
	word  string
	start int
}

// held is a spot of a verified phrase: kw, heard when sample at had been
// fed.
type held struct {
	kw voice.Keyword
	at int64
}

var _ voice.KeywordSpotter = (*Spotter)(nil)

// New loads the model (about 75 ms), and the verifier when a phrase is to
// be verified, and starts listening.
func New(o Opts) (*Spotter, error) {
	if err := o.validateFields(); err != nil {
		return nil, err
	}
	words, err := o.phraseDictionary()
	if err != nil {
		return nil, err
	}
	dec, err := sphinx.New(o.HMM, words, "-ds", strconv.Itoa(o.Downsample))
	if err != nil {
		return nil, fmt.Errorf("keywords: %w", err)
	}
	s := &Spotter{dec: dec, restart: int64(o.Restart.Seconds() * voice.Rate), seen: map[seenKey]bool{}, verify: map[string]bool{}}
	if err := s.setPhrases(o.Phrases); err != nil {
		dec.Close()
		return nil, err
	}
	for _, p := range o.Phrases {
		if p.Verify {
			s.verify[strings.ToLower(strings.TrimSpace(p.Text))] = true
		}
	}
	if len(s.verify) > 0 {
		if s.ver, err = o.NewVerifier(); err != nil {
			dec.Close()
			return nil, err
		}
		s.before, s.after = int64(o.VerifyBefore.Seconds()*voice.Rate), int64(o.VerifyAfter.Seconds()*voice.Rate)
	}
	return s, nil
}

func (s *Spotter) setPhrases(phrases []Phrase) error {
	var lines []string
	for _, p := range phrases {
		lines = append(lines, fmt.Sprintf("%s /%g/", strings.ToLower(strings.TrimSpace(p.Text)), p.Threshold))
	}
	if err := s.dec.SetKeywords("kindred", lines); err != nil {
		return fmt.Errorf("keywords: %w (%v)", err, phrases)
	}
	if err := s.dec.Use("kindred"); err != nil {
		return fmt.Errorf("keywords: %w", err)
	}
	return nil
}

// Spot feeds samples (16 kHz mono, media time at for samples[0]) and
// returns the phrases that ended in them, or, for a phrase to be verified,
// that ended Opts.VerifyAfter before their end and passed the verifier
// (stamped with the time they were spotted). The slice is reused.
func (s *Spotter) Spot(samples []float32, at time.Duration) ([]voice.Keyword, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return nil, errors.New("keywords: spotter closed")
	}
	s.out = s.out[:0]
	if !s.started {
		if err := s.startUtt(at); err != nil {
			return nil, err
		}
	}
	spotted := false
	for _, v := range samples {
		s.pending = append(s.pending, v)
		if s.ver != nil {
			s.hist = append(s.hist, v)
		}
		s.fed++
		if len(s.pending) == chunk {
			n := len(s.out)
			if err := s.feed(); err != nil {
				return nil, err
			}
			spotted = spotted || len(s.out) > n
			s.out = s.hold(s.out, n)
		}
	}
	// After a detection, or after a long stretch, start a fresh utterance:
	// pocketsphinx's keyword hypothesis only grows within one, and its
	// segments can move, which would report the same phrase twice.
	if spotted || s.uttLen >= s.restart {
		if err := s.dec.End(); err != nil {
			return nil, fmt.Errorf("keywords: %w", err)
		}
		s.started = false
		s.pending = s.pending[:0]
		clear(s.seen)
	}
	if err := s.judge(false); err != nil {
		return nil, err
	}
	return s.out, nil
}

// hold moves the spots of verified phrases among out[n:] to s.held: one
// at a time per phrase, as the verifier hears the whole call around the
// first ("help, help").
func (s *Spotter) hold(out []voice.Keyword, n int) []voice.Keyword {
	keep := out[:n]
	for _, k := range out[n:] {
		if !s.verify[k.Text] {
			keep = append(keep, k)
			continue
		}
		dup := false
		for _, h := range s.held {
			dup = dup || h.kw.Text == k.Text
		}
		if !dup {
			s.held = append(s.held, held{k, s.fed})
		}
	}
	return keep
}

// judge verifies the held spots that have their audio after them (all of
// them when flushing), reports those the verifier accepts and forgets the
// audio no held or future spot needs.
func (s *Spotter) judge(flush bool) error {
	if s.ver == nil {
		return nil
	}
	var rest []held
	for i, h := range s.held {
		if !flush && s.fed-h.at < s.after {
			rest = append(rest, h)
			continue
		}
		// Before the stream began, and after it ended, nobody spoke: a
		// recording that starts with a call, or ends with one, holds it
		// as an utterance of its own, and is given the quiet around it.
		from := max(h.at-s.before, s.histStart)
		to := min(h.at+s.after, s.fed)
		s.window = s.window[:0]
		if s.histStart == 0 && h.at < s.before {
			s.window = append(s.window, make([]float32, s.before-h.at)...)
		}
		at := len(s.window) + int(h.at-from)
		s.window = append(s.window, s.hist[from-s.histStart:to-s.histStart]...)
		if flush && to < h.at+s.after {
			s.window = append(s.window, make([]float32, h.at+s.after-to)...)
		}
		ok, err := s.ver.Verify(s.window, at)
		if err != nil {
			// This spot is lost; the others wait their turn.
			s.held = append(rest, s.held[i+1:]...)
			return fmt.Errorf("keywords: verifying %q: %w", h.kw.Text, err)
		}
		if ok {
			s.out = append(s.out, h.kw)
		}
	}
	s.held = rest
	// Keep what a spot made now would need before it, and what the
	// held ones need; trim in bulk, not at every call.
	need := s.fed - s.before
	for _, h := range s.held {
		need = min(need, h.at-s.before)
	}
	if drop := need - s.histStart; drop > s.before {
		s.hist = append(s.hist[:0], s.hist[drop:]...)
		s.histStart += drop
	}
	return nil
}

// Flush verifies the spots still held for want of audio after them, on
// what there is (the end of a recording ends any call in it), and returns
// those accepted. The slice is reused.
func (s *Spotter) Flush() ([]voice.Keyword, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return nil, errors.New("keywords: spotter closed")
	}
	s.out = s.out[:0]
	if err := s.judge(true); err != nil {
		return nil, err
	}
	return s.out, nil
}

func (s *Spotter) startUtt(at time.Duration) error {
	if err := s.dec.Start(); err != nil {
		return fmt.Errorf("keywords: %w", err)
	}
	s.started, s.uttStart, s.uttLen = true, at, 0
	return nil
}

func (s *Spotter) feed() error {
	if err := s.dec.Process(s.pending, false); err != nil {
		return fmt.Errorf("keywords: %w", err)
	}
	s.uttLen += int64(len(s.pending))
	s.pending = s.pending[:0]
	if _, ok := s.dec.Hyp(); !ok {
		return nil
	}
	for _, seg := range s.dec.Segments() {
		k := seenKey{seg.Word, seg.Start}
		if s.seen[k] {
			continue
		}
		s.seen[k] = true
		// The phrase is reported as soon as the decoder is sure of it, a few
		// tens of milliseconds after it ended: stamp it with the end of the
		// audio fed so far (the decoder's frame numbers do not restart with
		// each utterance, so they cannot be trusted as times).
		s.out = append(s.out, voice.Keyword{Text: seg.Word, At: s.uttStart + time.Duration(s.uttLen)*time.Second/voice.Rate})
	}
	return nil
}

// Close frees the decoder and the verifier; later Spot calls fail.
func (s *Spotter) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dec == nil {
		return nil
	}
	err := s.dec.Close()
	if s.ver != nil {
		err = errors.Join(err, s.ver.Close())
	}
	s.dec, s.ver = nil, nil
	return err
}

// Describe names the model and the phrases, for `kindred doctor`.
func (o Opts) Describe() string {
	var ps []string
	for _, p := range o.Phrases {
		v := ""
		if p.Verify {
			v = " verified as a call"
		}
		ps = append(ps, fmt.Sprintf("%q %g%s", p.Text, p.Threshold, v))
	}
	return fmt.Sprintf("acoustic model %s, keyword search for %s", o.HMM, strings.Join(ps, ", "))
}
