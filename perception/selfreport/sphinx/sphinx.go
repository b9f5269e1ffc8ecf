package sphinx

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/internal/cmudict"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// Rate is the sample rate the recogniser takes.
const Rate = sphinx.Rate

// ErrNoModel means the acoustic model or dictionary is not installed.
var ErrNoModel = errors.New("answer model not installed")

// Opts configure a Recogniser.
type Opts struct {
	HMM  string // acoustic model directory
	Dict string // pronunciation dictionary with every grammar word (and every LM word)
	// LM is a large-vocabulary language model whose free transcript of an
	// answer must confirm it (selfreport.Confirms); empty skips that check.
	// It costs about 1 s to load and held back most answers of synthetic
	// voices, so the default is none: Decoys do its work.
	LM string
	// Decoys are common words that answer nothing (selfreport.Decoys), a
	// third way, besides an answer and the garbage loop, to explain the
	// sound: ordinary speech is then heard as ordinary words instead of a
	// forced answer. Nil leaves them out.
	Decoys []string
	// Phones are the acoustic model's phones, one garbage pseudo-word each.
	Phones []string
	// GarbageEntry and GarbageStep price the garbage loop against an
	// answer: the probability of entering it (an answer's is 1) and of each
	// phone in it. Together they are the threshold of a likelihood-ratio
	// test between "an answer" and "some other speech": higher rejects
	// more.
	GarbageEntry, GarbageStep float64
	// FrameProb is the probability of each word around an answer (see
	// selfreport.Garbage.Frame).
	FrameProb float64
	// DecoyProb is the probability of each decoy word; 0 means FrameProb
	// (see selfreport.Garbage.DecoyProb).
	DecoyProb float64
	// MaxAnswer is the longest one answer may last: End decodes at most
	// this much from the start of speech, Feed keeps twice as much (room
	// for the quiet before the person speaks) and ignores the rest, and
	// RecogniseRecording skips longer stretches of speech.
	MaxAnswer time.Duration
	// WordPenalty is pocketsphinx's word insertion penalty (-wip), paid by
	// every word, so by every phone of the garbage loop: lower makes the
	// loop dearer against an answer's few words.
	WordPenalty float64
	// args are further pocketsphinx arguments in pairs, for measurements.
	args []string
	// wholeWindow decodes all that was fed, silence before and after the
	// answer included, as before speechOf: for measurements.
	wholeWindow bool
	// anyUtterance takes words the grammar matched even when they are not
	// an utterance of their own (notOwnUtterance): for measurements.
	anyUtterance bool
	// anyCarrier takes a rating whatever words carry its number, as
	// before selfreport.Uncarried: for measurements.
	anyCarrier bool
	// anyPhrase takes a yes/no or a place whatever fillers run into it
	// (selfreport.RunIn) and any answer whatever pauses break the phrase
	// after it (selfreport.BrokenTail), as before those rules: for
	// measurements.
	anyPhrase bool
	// warps are frequency warps (inverse linear: the mel filters moved
	// up by the factor, as in vocal tract length normalisation, Lee and
	// Rose, ICASSP 1996, "Speaker normalization using efficient frequency
	// warping procedures") tried in turn, each by a decoder of its own, on
	// an answer the unwarped decoder rejected; the first that hears an
	// answer gives it: for measurements (TestAnswerSweep's
	// KINDRED_ANSWER_WARPS), as they helped espeak-ng's formant voices
	// too little to pay for (README, self-report section).
	warps []float64
	// dither is the peak of triangular noise added to every answer before
	// it is decoded, in steps of 16-bit audio (0, the default, adds none):
	// for measurements (TestAnswerSweep's KINDRED_ANSWER_DITHER). It
	// stands for a microphone's noise floor where the sound has none:
	// espeak-ng's formant voices write exact zeros in the closures of
	// stops and between words, where the filter bank's log energies fall
	// to pocketsphinx's floor. It is seeded the same for every answer,
	// unlike pocketsphinx's own -dither, which draws from one generator
	// for the whole process, so that an answer's reply would depend on
	// what was decoded before it. Neither helped enough to ship (README,
	// self-report section).
	dither float64
}

// englishPhones are the 39 phones of CMUdict, as in the en-us model.
var englishPhones = strings.Fields("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH")

// DefaultOpts recognise US English answers with the model Debian's
// pocketsphinx-en-us installs, with the decoys and without the full
// language model. What they understand, measured with TestAnswerSweep, is
// in the README's self-report section: of ratings said by held-out voices
// made from recordings of people (flite's awb and rms, Festival's ked),
// 93 %, none wrong; of espeak-ng's formant voices, which match the en-us
// model badly, 15 %. With the full-LM transcript check instead of the
// decoys it was 11 of 110 takes of the espeak-ng voices; without either
// check, ordinary speech gave false reports in 13 of 31 windows.
// Frequency warping does not close the gap with the formant voices (a
// warp of 1.2, the best on the development voices, heard 16 % of their
// held-out takes and 88 % of the others'; tried only on rejected
// answers, 19 % and 95 %, but 6 wrong ratings instead of 2), so the
// front end is the model's own.
func DefaultOpts() Opts {
	return Opts{
		HMM:          "/usr/share/pocketsphinx/model/en-us/en-us",
		Dict:         "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
		Decoys:       selfreport.Decoys(),
		Phones:       englishPhones,
		GarbageEntry: 1,
		GarbageStep:  0.1,
		FrameProb:    0.1,
		MaxAnswer:    5 * time.Second,
		WordPenalty:  0.65,
	}
}

// Validate reports the first bad field.
func (o Opts) Validate() error {
	if len(o.Phones) == 0 {
		return errors.New("answers: no phones for the garbage model")
	}
	if !(o.GarbageEntry > 0 && o.GarbageEntry <= 1 && o.GarbageStep > 0 && o.GarbageStep <= 1) {
		return fmt.Errorf("answers: garbage entry %g, step %g: want each above 0, at most 1", o.GarbageEntry, o.GarbageStep)
	}
	if !(o.WordPenalty > 0 && o.WordPenalty <= 1) {
		return fmt.Errorf("answers: word penalty %g: want above 0, at most 1", o.WordPenalty)
	}
	if !(o.FrameProb > 0 && o.FrameProb <= 1) {
		return fmt.Errorf("answers: frame probability %g: want above 0, at most 1", o.FrameProb)
	}
	if !(o.DecoyProb >= 0 && o.DecoyProb <= 1) {
		return fmt.Errorf("answers: decoy probability %g: want 0 (the frame probability) to 1", o.DecoyProb)
	}
	for _, w := range o.warps {
		if !(w >= 0.5 && w <= 2) || w == 1 {
			return fmt.Errorf("answers: warp %g: want 0.5 to 2, not 1", w)
		}
	}
	if !(o.dither >= 0 && o.dither <= 64) {
		return fmt.Errorf("answers: dither %g: want 0 to 64 steps", o.dither)
	}
	if o.MaxAnswer < time.Second {
		return fmt.Errorf("answers: max answer %v: want at least 1 s", o.MaxAnswer)
	}
	for _, p := range []string{o.HMM, o.Dict, o.LM} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("answers: %w: %v", ErrNoModel, err)
		}
	}
	return nil
}

// noNewStream keeps the decoder's noise estimate from one answer to the
// next, as before each answer was decoded on its own: for measurements.
var noNewStream = false

func garbageWord(phone string) string { return "ph_" + strings.ToLower(phone) }

// dictionary returns the entries of Dict for words (alternative
// pronunciations included) and one entry per garbage phone, and fails
// naming a word the dictionary lacks.
func (o Opts) dictionary(words []string) ([]string, error) {
	f, err := os.Open(o.Dict)
	if err != nil {
		return nil, fmt.Errorf("answers: %w: %v", ErrNoModel, err)
	}
	defer f.Close()
	lines, err := cmudict.Entries(f, words)
	if err != nil {
		return nil, fmt.Errorf("answers: %s: %w", o.Dict, err)
	}
	for _, p := range o.Phones {
		lines = append(lines, garbageWord(p)+" "+p)
	}
	return lines, nil
}

// Recogniser wraps one pocketsphinx decoder with a grammar per question
// kind. It is used from one goroutine at a time; Close frees it.
type Recogniser struct {
	mu      sync.Mutex
	ps      *sphinx.Decoder   // the grammar
	warped  []*sphinx.Decoder // the grammar, one per Opts.warps
	lv      *sphinx.Decoder   // the free transcript, nil without Opts.LM
	o       Opts
	kind    selfreport.Kind
	started bool
	pending []float32 // the answer so far, decoded at End
	maxLen  int64
	decoy   map[string]bool
	garbage selfreport.Garbage
	loaded  map[selfreport.Kind]bool // grammars installed, each on its first Listen
}

// New loads the model and, with Opts.LM, a second decoder for the
// confirming transcript (about 1 s more). Each question's grammar is built
// when it is first listened for.
func New(o Opts) (*Recogniser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	lines, err := o.dictionary(append(selfreport.Words(selfreport.Any), o.Decoys...))
	if err != nil {
		return nil, err
	}
	args := append([]string{"-wip", strconv.FormatFloat(o.WordPenalty, 'g', -1, 64)}, o.args...)
	ps, err := sphinx.New(o.HMM, lines, args...)
	if err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	var warped []*sphinx.Decoder
	for _, w := range o.warps {
		d, err := sphinx.New(o.HMM, lines, append(args, "-warp_type", "inverse_linear", "-warp_params", strconv.FormatFloat(w, 'g', -1, 64))...)
		if err != nil {
			ps.Close()
			for _, d := range warped {
				d.Close()
			}
			return nil, fmt.Errorf("answers: warp %g: %w", w, err)
		}
		warped = append(warped, d)
	}
	r := &Recogniser{ps: ps, warped: warped, o: o, kind: -1, maxLen: 2 * int64(o.MaxAnswer.Seconds()*Rate), decoy: map[string]bool{}, loaded: map[selfreport.Kind]bool{}}
	for _, w := range o.Decoys {
		r.decoy[w] = true
	}
	r.garbage = selfreport.Garbage{Entry: o.GarbageEntry, Step: o.GarbageStep, Frame: o.FrameProb, Decoys: o.Decoys, DecoyProb: o.DecoyProb}
	for _, p := range o.Phones {
		r.garbage.Words = append(r.garbage.Words, garbageWord(p))
	}
	if o.LM != "" {
		// The free transcript has a decoder of its own. Its second passes
		// (fwdflat, bestpath) are off: they only slow it.
		r.lv, err = sphinx.NewWithDictFile(o.HMM, o.Dict, "-lm", o.LM, "-fwdflat", "no", "-bestpath", "no")
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("answers: %w", err)
		}
	}
	return r, nil
}

// Listen starts a new answer to a question of kind k, discarding any
// answer in progress.
func (r *Recogniser) Listen(k selfreport.Kind) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil {
		return errors.New("answers: recogniser closed")
	}
	if !r.loaded[k] {
		// A grammar is built on first use: `kindred analyze` needs only Any.
		fsg := selfreport.FSG(k, r.garbage)
		for _, d := range r.decoders() {
			if err := d.SetFSG(k.String(), fsg); err != nil {
				return fmt.Errorf("answers: %s: %w", k, err)
			}
		}
		r.loaded[k] = true
	}
	if k != r.kind {
		for _, d := range r.decoders() {
			if err := d.Use(k.String()); err != nil {
				return fmt.Errorf("answers: no grammar for %s: %w", k, err)
			}
		}
		r.kind = k
	}
	r.started, r.pending = true, r.pending[:0]
	return nil
}

// decoders are the grammar's decoders, the unwarped one first.
func (r *Recogniser) decoders() []*sphinx.Decoder {
	return append([]*sphinx.Decoder{r.ps}, r.warped...)
}

// Feed adds samples (16 kHz mono, −1…1) of the answer. They are kept
// until End, which decodes the whole answer at once.
//
// Measured both ways (TestAnswerSweep, held-out voices): decoded whole,
// with the answer's own cepstral mean, flite's awb and rms were understood
// in 39 of 44 takes and ordinary speech gave no false report; decoded live,
// with a running mean carried over from earlier answers, 33 of 44 and 2
// false reports (espeak-ng voices did a little better live, 19 of 110
// against 14, but they match the model badly either way).
func (r *Recogniser) Feed(samples []float32) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil || !r.started {
		return errors.New("answers: not listening")
	}
	for _, v := range samples {
		if int64(len(r.pending)) >= r.maxLen {
			return nil // the rest is no short answer; End decides on what came
		}
		r.pending = append(r.pending, v)
	}
	return nil
}

// decode runs the whole answer through d as one utterance. Whole, so that
// cepstral mean normalisation uses this answer's own mean (batch CMN):
// decoded live, pocketsphinx starts from the model's stored mean and moves
// from it over about 5 s, far longer than an answer.
func decode(d *sphinx.Decoder, x []float32) (sphinx.Hyp, bool, error) {
	if !noNewStream {
		if err := d.NewStream(); err != nil {
			return sphinx.Hyp{}, false, fmt.Errorf("answers: %w", err)
		}
	}
	if err := d.Start(); err != nil {
		return sphinx.Hyp{}, false, fmt.Errorf("answers: %w", err)
	}
	if err := d.Process(x, true); err != nil {
		d.End()
		return sphinx.Hyp{}, false, fmt.Errorf("answers: %w", err)
	}
	if err := d.End(); err != nil {
		return sphinx.Hyp{}, false, fmt.Errorf("answers: %w", err)
	}
	h, ok := d.Hyp()
	return h, ok, nil
}

// speechOf returns the part of a listening window x that holds the
// answer: from the start of its first stretch of speech
// (selfreport.Stretches, with answerPad of room) to the end of the last
// that begins within longest of it, at most longest in all. The quiet
// before a person starts to speak, however long, then neither dilutes the
// answer's own cepstral mean nor uses up the answer's length. Without a
// stretch of speech (no frame 15 dB above the window's quiet, as when
// speech fills all of it) x is returned whole.
func speechOf(x []float32, longest time.Duration) []float32 {
	start, end := speechSpan(x, longest)
	return x[start:end]
}

// End closes the answer and returns what was understood of it. An answer
// the grammar does not cover, or one heard with too little confidence, is
// an unclear Reply (Reply.Clear is false) with what was heard in it. The
// decoder gives no calibrated confidence (its lattice posteriors over the
// phone loop took seconds and were near zero for clear answers), so
// Reply.Confidence is selfreport.Unestimated: the garbage model's
// likelihood-ratio test is the rejection.
func (r *Recogniser) End() (selfreport.Reply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	none := selfreport.Reply{Kind: r.kind, Rating: selfreport.NoRating}
	if r.ps == nil || !r.started {
		return none, errors.New("answers: not listening")
	}
	r.started = false
	x, off := r.pending, 0
	if !r.o.wholeWindow {
		var end int
		off, end = speechSpan(x, r.o.MaxAnswer)
		x = denoised(x, off, end)
	}
	var reply selfreport.Reply
	found := false
	x = dithered(x, r.o.dither)
	for i, d := range r.decoders() {
		h, ok, err := decode(d, x)
		if err != nil {
			return none, err
		}
		text, answer := r.answerIn(h, ok)
		if i == 0 {
			none.Heard = text
		}
		if answer && !r.o.anyUtterance {
			if why := notOwnUtterance(r.pending, off, len(x), d.Segments()); why != "" {
				none.Heard = text + " (" + why + ")"
				break
			}
		}
		if answer {
			reply, found = selfreport.Parse(r.kind, text), true
			if why := r.unframed(reply, d.Segments()); why != "" {
				none.Heard = text + " (" + why + ")"
				found = false
			}
			break
		}
	}
	if !found {
		return none, nil
	}
	reply.Confidence = selfreport.Unestimated
	if reply.Clear() && r.lv != nil {
		lh, _, err := decode(r.lv, x)
		if err != nil {
			return none, err
		}
		if !selfreport.Confirms(reply, lh.Text) {
			none.Heard = reply.Heard + " (free transcript: " + lh.Text + ")"
			return none, nil
		}
	}
	return reply, nil
}

// unframed says why the words heard with an answer are no phrase it is
// said in, or "": a rating's number must be carried by its phrase
// (selfreport.Uncarried), a yes/no or a place must not open with fillers
// run into it (selfreport.RunIn), and the phrase that closes any answer
// must not be broken by a pause (selfreport.BrokenTail).
func (r *Recogniser) unframed(reply selfreport.Reply, segs []sphinx.Segment) string {
	ws := timedWords(segs)
	if reply.Rating.Valid() && !r.o.anyCarrier {
		if why := selfreport.Uncarried(ws); why != "" {
			return why
		}
	}
	if r.o.anyPhrase {
		return ""
	}
	if !reply.Rating.Valid() {
		if why := selfreport.RunIn(ws); why != "" {
			return why
		}
	}
	return selfreport.BrokenTail(ws)
}

// answerIn says what a hypothesis heard and whether it is an answer: not
// when the garbage loop or the decoys won, which is shown in brackets.
func (r *Recogniser) answerIn(h sphinx.Hyp, ok bool) (heard string, answer bool) {
	if !ok {
		return "", false
	}
	for _, w := range strings.Fields(h.Text) {
		if strings.HasPrefix(w, "ph_") || r.decoy[w] {
			return "(" + h.Text + ")", false
		}
	}
	return h.Text, true
}

// Recognise decodes one recorded answer to a question of kind k.
func (r *Recogniser) Recognise(k selfreport.Kind, samples []float32) (selfreport.Reply, error) {
	if err := r.Listen(k); err != nil {
		return selfreport.Reply{Kind: k, Rating: selfreport.NoRating}, err
	}
	if err := r.Feed(samples); err != nil {
		return selfreport.Reply{Kind: k, Rating: selfreport.NoRating}, err
	}
	return r.End()
}

// Close frees the decoders; later calls fail.
func (r *Recogniser) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil {
		return nil
	}
	var err error
	for _, d := range r.decoders() {
		err = errors.Join(err, d.Close())
	}
	if r.lv != nil {
		err = errors.Join(err, r.lv.Close())
	}
	r.ps, r.warped, r.lv = nil, nil, nil
	return err
}

// Stretch bounds used to find answers in a recording: pauses shorter than
// answerGap belong to one answer ("about… a seven"), answerPad keeps the
// soft edges of words.
const (
	answerGap = 600 * time.Millisecond
	answerPad = 200 * time.Millisecond
)

// AnswerStretches are the stretches of a recording (Rate samples a second)
// that RecogniseRecording decodes: utterances of speech, joined across
// pauses shorter than answerGap, that last at most MaxAnswer. A recording
// without one holds no answer, so a caller need not load the model for
// it: RecogniseRecording would give it an unclear reply with nothing
// heard.
func (o Opts) AnswerStretches(samples []float32) []selfreport.Stretch {
	return selfreport.Stretches(samples, Rate, answerGap, answerPad, o.MaxAnswer)
}

// RecogniseRecording looks for an answer to a question of kind k in a
// recording that may hold more than one stretch of speech: each short
// stretch (Opts.AnswerStretches) is decoded on its own, and the last clear
// reply is the answer, as people correct themselves ("five… no, six").
// Without a clear one the reply is unclear, with the last words heard.
func (r *Recogniser) RecogniseRecording(k selfreport.Kind, samples []float32) (selfreport.Reply, error) {
	last := selfreport.Reply{Kind: k, Rating: selfreport.NoRating}
	var clear *selfreport.Reply
	for _, s := range r.o.AnswerStretches(samples) {
		rep, err := r.Recognise(k, samples[s.Start:s.End])
		if err != nil {
			return last, err
		}
		last = rep
		if rep.Clear() {
			clear = &rep
		}
	}
	if clear != nil {
		return *clear, nil
	}
	return last, nil
}

// Describe names the answer model, for `kindred doctor`: the acoustic
// model and what each grammar holds besides the answers.
func (o Opts) Describe() string {
	s := fmt.Sprintf("acoustic model %s, answer grammars with a %d-phone garbage loop (entry %g, step %g)", o.HMM, len(o.Phones), o.GarbageEntry, o.GarbageStep)
	if len(o.Decoys) > 0 {
		s += fmt.Sprintf(" and %d decoy words", len(o.Decoys))
	}
	if o.LM != "" {
		s += ", confirmed by a transcript with " + o.LM
	}
	return s
}
