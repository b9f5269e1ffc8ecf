package sphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>

static cmd_ln_t *kindred_sr_parse(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}
static void kindred_sr_quiet(void) { err_set_logfp(NULL); }

*/
import "C"

import (
	"bufio"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/kindred-hri/kindred/perception/selfreport"
)

// Rate is the sample rate the recogniser takes.
const Rate = 16000

// ErrNoModel means the acoustic model or dictionary is not installed.
var ErrNoModel = errors.New("answer model not installed")

// Opts configure a Recogniser.
type Opts struct {
	HMM  string // acoustic model directory
	Dict string // pronunciation dictionary with every grammar word
	// Phones are the acoustic model's phones, one garbage pseudo-word each.
	Phones []string
	// GarbageWeight is the garbage loop's weight against an answer's 1, the
	// threshold of the likelihood-ratio test between "an answer" and "some
	// other speech": higher rejects more.
	GarbageWeight float64
	// MaxAnswer is the longest stretch one answer may span; longer input
	// is cut and only its last MaxAnswer is decoded.
	MaxAnswer time.Duration
}

// englishPhones are the 39 phones of CMUdict, as in the en-us model.
var englishPhones = strings.Fields("AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH")

// DefaultOpts recognise US English answers with the model Debian's
// pocketsphinx-en-us installs.
func DefaultOpts() Opts {
	return Opts{
		HMM:           "/usr/share/pocketsphinx/model/en-us/en-us",
		Dict:          "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
		Phones:        englishPhones,
		GarbageWeight: 1e-3,
		MaxAnswer:     8 * time.Second,
	}
}

// Validate reports the first bad field.
func (o Opts) Validate() error {
	if len(o.Phones) == 0 {
		return errors.New("answers: no phones for the garbage model")
	}
	if !(o.GarbageWeight >= 0 && o.GarbageWeight < 1e6) {
		return fmt.Errorf("answers: garbage weight %g: want 0 or more, below 1e6", o.GarbageWeight)
	}
	if o.MaxAnswer < time.Second {
		return fmt.Errorf("answers: max answer %v: want at least 1 s", o.MaxAnswer)
	}
	for _, p := range []string{o.HMM, o.Dict} {
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
	need := map[string]bool{}
	for _, w := range words {
		need[w] = false
	}
	f, err := os.Open(o.Dict)
	if err != nil {
		return nil, fmt.Errorf("answers: %w: %v", ErrNoModel, err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		i := strings.IndexAny(line, " \t")
		if i <= 0 {
			continue
		}
		word, _, _ := strings.Cut(line[:i], "(")
		if _, ok := need[word]; ok {
			need[word] = true
			lines = append(lines, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("answers: reading %s: %w", o.Dict, err)
	}
	for w, found := range need {
		if !found {
			return nil, fmt.Errorf("answers: %q is not in the dictionary %s", w, o.Dict)
		}
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
	ps      *C.ps_decoder_t
	o       Opts
	kind    selfreport.Kind
	started bool
	pending []int16
	fed     int64
	maxLen  int64
}

// New loads the model and the four grammars (about 0.1 s).
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
	args := []string{"kindred", "-hmm", o.HMM, "-dict", dict.Name(), "-logfn", "/dev/null", "-bestpath", "yes"}
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
		return nil, fmt.Errorf("answers: loading %s: pocketsphinx failed", o.HMM)
	}
	r := &Recogniser{ps: ps, o: o, kind: -1, maxLen: int64(o.MaxAnswer.Seconds() * Rate)}
	g := selfreport.Garbage{Weight: o.GarbageWeight}
	for _, p := range o.Phones {
		g.Words = append(g.Words, garbageWord(p))
	}
	for _, k := range []selfreport.Kind{selfreport.Any, selfreport.RatingQuestion, selfreport.YesNoQuestion, selfreport.WhereQuestion} {
		name := C.CString(k.String())
		text := C.CString(selfreport.Grammar(k, g))
		rc := C.ps_set_jsgf_string(ps, name, text)
		C.free(unsafe.Pointer(name))
		C.free(unsafe.Pointer(text))
		if rc != 0 {
			C.ps_free(ps)
			return nil, fmt.Errorf("answers: pocketsphinx rejected the %s grammar", k)
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
	if r.started {
		C.ps_end_utt(r.ps)
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
	return reply, nil
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
	}
	C.ps_free(r.ps)
	r.ps = nil
	return nil
}
