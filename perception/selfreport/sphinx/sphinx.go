package sphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/fsg_model.h>

static cmd_ln_t *kindred_sr_parse(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}
static void kindred_sr_quiet(void) { err_set_logfp(NULL); }

// kindred_sr_set_fsg loads a grammar in Sphinx's FSG text format as the
// search called name; 0 on success.
static int kindred_sr_set_fsg(ps_decoder_t *ps, const char *name, const char *path) {
	float32 lw = cmd_ln_float32_r(ps_get_config(ps), "-lw");
	fsg_model_t *fsg = fsg_model_readfile(path, ps_get_logmath(ps), lw);
	if (fsg == NULL) return -1;
	int rc = ps_set_fsg(ps, name, fsg);
	fsg_model_free(fsg);
	return rc;
}

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
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// Rate is the sample rate the recogniser takes.
const Rate = 16000

// ErrNoModel means the acoustic model or dictionary is not installed.
var ErrNoModel = errors.New("answer model not installed")

// Opts configure a Recogniser.
type Opts struct {
	HMM  string // acoustic model directory
	Dict string // pronunciation dictionary with every grammar word (and every LM word)
	// LM is a large-vocabulary language model whose free transcript of an
	// answer must confirm it (selfreport.Confirms); empty skips that check.
	LM string
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
	// MaxAnswer is the longest one answer may last: Feed ignores what
	// comes after it, and RecogniseRecording skips longer stretches of
	// speech.
	MaxAnswer time.Duration
	// WordPenalty is pocketsphinx's word insertion penalty (-wip), paid by
	// every word, so by every phone of the garbage loop: lower makes the
	// loop dearer against an answer's few words.
	WordPenalty float64
}

// englishPhones are the 39 phones of CMUdict, as in the en-us model.
var englishPhones = strings.Fields("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH")

// DefaultOpts recognise US English answers with the model Debian's
// pocketsphinx-en-us installs. The garbage prices were chosen on two
// development espeak-ng voices (TestAnswerSweep): without the confirming
// transcript, the grammar heard 6 false answers in 94 s of real ordinary
// speech; with it, none, at the price of many answers left unclear:
// 11 of 110 ratings said by five held-out espeak-ng voices were understood,
// none wrongly (synthetic voices match the en-us model poorly).
func DefaultOpts() Opts {
	return Opts{
		HMM:          "/usr/share/pocketsphinx/model/en-us/en-us",
		Dict:         "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
		LM:           "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin",
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
	ps      *C.ps_decoder_t // the grammar
	lv      *C.ps_decoder_t // the free transcript, nil without Opts.LM
	o       Opts
	kind    selfreport.Kind
	started bool
	pending []int16
	fed     int64
	maxLen  int64
}

// New loads the model, the four grammars and, with Opts.LM, a second
// decoder for the confirming transcript (about 1 s with it).
func New(o Opts) (*Recogniser, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	lines, err := o.dictionary(selfreport.Words(selfreport.Any))
	if err != nil {
		return nil, err
	}
	dict, err := os.CreateTemp("", "kindred-answers-*.dict")
	if err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	defer os.Remove(dict.Name())
	_, err = dict.WriteString(strings.Join(lines, "\n") + "\n")
	if err = errors.Join(err, dict.Close()); err != nil {
		return nil, fmt.Errorf("answers: %w", err)
	}
	C.kindred_sr_quiet()
	ps, err := initDecoder("-hmm", o.HMM, "-dict", dict.Name(), "-wip", strconv.FormatFloat(o.WordPenalty, 'g', -1, 64))
	if err != nil {
		return nil, err
	}
	r := &Recogniser{ps: ps, o: o, kind: -1, maxLen: int64(o.MaxAnswer.Seconds() * Rate)}
	g := selfreport.Garbage{Entry: o.GarbageEntry, Step: o.GarbageStep, Frame: o.FrameProb}
	for _, p := range o.Phones {
		g.Words = append(g.Words, garbageWord(p))
	}
	for _, k := range []selfreport.Kind{selfreport.Any, selfreport.RatingQuestion, selfreport.YesNoQuestion, selfreport.WhereQuestion} {
		if err := r.setGrammar(k, selfreport.FSG(k, g)); err != nil {
			C.ps_free(ps)
			return nil, err
		}
	}
	if o.LM != "" {
		// The free transcript runs alongside the grammar on a decoder of
		// its own, so that it is nearly done when the answer ends. Its
		// second passes (fwdflat, bestpath) are off: they would all run
		// after the answer ended.
		r.lv, err = initDecoder("-hmm", o.HMM, "-dict", o.Dict, "-lm", o.LM, "-fwdflat", "no", "-bestpath", "no")
		if err != nil {
			C.ps_free(ps)
			return nil, err
		}
	}
	return r, nil
}

// initDecoder starts a pocketsphinx decoder with args, logging nowhere.
func initDecoder(args ...string) (*C.ps_decoder_t, error) {
	args = append([]string{"kindred", "-logfn", "/dev/null"}, args...)
	argv := make([]*C.char, len(args))
	for i, a := range args {
		argv[i] = C.CString(a)
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	cfg := C.kindred_sr_parse(C.int(len(argv)), &argv[0])
	if cfg == nil {
		return nil, errors.New("answers: pocketsphinx rejected its configuration")
	}
	ps := C.ps_init(cfg)
	C.cmd_ln_free_r(cfg)
	if ps == nil {
		return nil, errors.New("answers: loading the model: pocketsphinx failed")
	}
	return ps, nil
}

func (r *Recogniser) setGrammar(k selfreport.Kind, fsg string) error {
	f, err := os.CreateTemp("", "kindred-answers-*.fsg")
	if err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(fsg)
	if err = errors.Join(err, f.Close()); err != nil {
		return fmt.Errorf("answers: %w", err)
	}
	name := C.CString(k.String())
	defer C.free(unsafe.Pointer(name))
	path := C.CString(f.Name())
	defer C.free(unsafe.Pointer(path))
	if C.kindred_sr_set_fsg(r.ps, name, path) != 0 {
		return fmt.Errorf("answers: pocketsphinx rejected the %s grammar", k)
	}
	return nil
}

// Listen starts a new answer to a question of kind k, discarding any
// answer in progress.
func (r *Recogniser) Listen(k selfreport.Kind) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil {
		return errors.New("answers: recogniser closed")
	}
	if r.started {
		C.ps_end_utt(r.ps)
		if r.lv != nil {
			C.ps_end_utt(r.lv)
		}
		r.started = false
	}
	if k != r.kind {
		name := C.CString(k.String())
		defer C.free(unsafe.Pointer(name))
		if C.ps_set_search(r.ps, name) != 0 {
			return fmt.Errorf("answers: no grammar for %s", k)
		}
		r.kind = k
	}
	if C.ps_start_utt(r.ps) < 0 {
		return errors.New("answers: starting an utterance failed")
	}
	if r.lv != nil && C.ps_start_utt(r.lv) < 0 {
		return errors.New("answers: starting an utterance failed")
	}
	r.started, r.fed, r.pending = true, 0, r.pending[:0]
	return nil
}

// chunk is 20 ms, the decoder's feeding size.
const chunk = Rate / 50

// Feed adds samples (16 kHz mono, −1…1) of the answer.
func (r *Recogniser) Feed(samples []float32) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil || !r.started {
		return errors.New("answers: not listening")
	}
	for _, v := range samples {
		if r.fed >= r.maxLen {
			return nil // the rest is no short answer; End decides on what came
		}
		r.pending = append(r.pending, toInt16(v))
		if len(r.pending) == chunk {
			if err := r.feed(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Recogniser) feed() error {
	if len(r.pending) == 0 {
		return nil
	}
	if C.ps_process_raw(r.ps, (*C.int16)(unsafe.Pointer(&r.pending[0])), C.size_t(len(r.pending)), 0, 0) < 0 {
		return errors.New("answers: decoding failed")
	}
	if r.lv != nil && C.ps_process_raw(r.lv, (*C.int16)(unsafe.Pointer(&r.pending[0])), C.size_t(len(r.pending)), 0, 0) < 0 {
		return errors.New("answers: decoding failed")
	}
	r.fed += int64(len(r.pending))
	r.pending = r.pending[:0]
	return nil
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
	if err := r.feed(); err != nil {
		return none, err
	}
	r.started = false
	if C.ps_end_utt(r.ps) < 0 {
		return none, errors.New("answers: ending an utterance failed")
	}
	if r.lv != nil && C.ps_end_utt(r.lv) < 0 {
		return none, errors.New("answers: ending an utterance failed")
	}
	var score C.int32
	hyp := C.ps_get_hyp(r.ps, &score)
	if hyp == nil {
		return none, nil
	}
	text := C.GoString(hyp)
	words := strings.Fields(text)
	for _, w := range words {
		if strings.HasPrefix(w, "ph_") {
			// The garbage loop won: no answer the grammar knows.
			none.Heard = "(" + text + ")"
			return none, nil
		}
	}
	reply := selfreport.Parse(r.kind, text)
	reply.Confidence = selfreport.Unestimated
	if reply.Clear() && r.o.LM != "" {
		transcript, err := r.transcribe()
		if err != nil {
			return none, err
		}
		if !selfreport.Confirms(reply, transcript) {
			none.Heard = text + " (free transcript: " + transcript + ")"
			return none, nil
		}
	}
	return reply, nil
}

// transcribe returns the free transcript of the last answer.
func (r *Recogniser) transcribe() (string, error) {
	if r.lv == nil {
		return "", errors.New("answers: no language model")
	}
	var score C.int32
	hyp := C.ps_get_hyp(r.lv, &score)
	if hyp == nil {
		return "", nil
	}
	return C.GoString(hyp), nil
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

func toInt16(v float32) int16 {
	x := math.Round(float64(v) * 32767)
	switch {
	case x != x:
		return 0
	case x > 32767:
		return 32767
	case x < -32768:
		return -32768
	}
	return int16(x)
}

// Close frees the decoder; later calls fail.
func (r *Recogniser) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ps == nil {
		return nil
	}
	if r.started {
		C.ps_end_utt(r.ps)
		if r.lv != nil {
			C.ps_end_utt(r.lv)
		}
	}
	C.ps_free(r.ps)
	if r.lv != nil {
		C.ps_free(r.lv)
	}
	r.ps, r.lv = nil, nil
	return nil
}

// Stretch bounds used to find answers in a recording: pauses shorter than
// answerGap belong to one answer ("about… a seven"), answerPad keeps the
// soft edges of words.
const (
	answerGap = 600 * time.Millisecond
	answerPad = 200 * time.Millisecond
)

// RecogniseRecording looks for an answer to a question of kind k in a
// recording that may hold more than one stretch of speech: each short
// stretch (selfreport.Stretches, at most Opts.MaxAnswer) is decoded on its
// own, and the last clear reply is the answer, as people correct
// themselves ("five… no, six"). Without a clear one the reply is unclear,
// with the last words heard.
func (r *Recogniser) RecogniseRecording(k selfreport.Kind, samples []float32) (selfreport.Reply, error) {
	last := selfreport.Reply{Kind: k, Rating: selfreport.NoRating}
	var clear *selfreport.Reply
	for _, s := range selfreport.Stretches(samples, Rate, answerGap, answerPad, r.o.MaxAnswer) {
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
