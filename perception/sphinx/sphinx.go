package sphinx

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/cmd_ln.h>
#include <sphinxbase/logmath.h>
#include <sphinxbase/fsg_model.h>

static cmd_ln_t *kindred_ps_parse(int argc, char **argv) {
	return cmd_ln_parse_r(NULL, ps_args(), argc, argv, TRUE);
}
static void kindred_ps_quiet(void) { err_set_logfp(NULL); }

// kindred_ps_set_fsg loads a grammar in Sphinx's FSG text format as the
// search called name, with the decoder's language weight; 0 on success.
static int kindred_ps_set_fsg(ps_decoder_t *ps, const char *name, const char *path) {
	float32 lw = cmd_ln_float32_r(ps_get_config(ps), "-lw");
	fsg_model_t *fsg = fsg_model_readfile(path, ps_get_logmath(ps), lw);
	if (fsg == NULL) return -1;
	int rc = ps_set_fsg(ps, name, fsg);
	fsg_model_free(fsg);
	return rc;
}

// kindred_ps_ln converts a score in the decoder's log base to natural log.
static double kindred_ps_ln(ps_decoder_t *ps, int score) {
	return logmath_log_to_ln(ps_get_logmath(ps), score);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// Rate is the sample rate a Decoder takes.
const Rate = 16000

// FrameRate is the decoder's frames a second (10 ms frames).
const FrameRate = 100

// senscrShift is pocketsphinx's SENSCR_SHIFT (hmm.h, not installed).
const senscrShift = 10

// Decoder is one pocketsphinx decoder.
type Decoder struct {
	ps      *C.ps_decoder_t
	started bool
	buf     []int16
}

// New starts a decoder on the acoustic model in hmm with a dictionary made
// of dict's lines ("word PH ON ES"), written to a temporary file that is
// gone when New returns, and with further pocketsphinx arguments in pairs
// ("-wip", "0.65"). Logging goes nowhere.
func New(hmm string, dict []string, args ...string) (*Decoder, error) {
	f, err := os.CreateTemp("", "kindred-sphinx-*.dict")
	if err != nil {
		return nil, fmt.Errorf("sphinx: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.WriteString(strings.Join(dict, "\n") + "\n")
	if err = errors.Join(err, f.Close()); err != nil {
		return nil, fmt.Errorf("sphinx: %w", err)
	}
	return NewWithDictFile(hmm, f.Name(), args...)
}

// NewWithDictFile is New with a dictionary file that is already on disk
// (such as a whole CMUdict).
func NewWithDictFile(hmm, dictPath string, args ...string) (*Decoder, error) {
	if len(args)%2 != 0 {
		return nil, fmt.Errorf("sphinx: arguments %q: want name and value pairs", args)
	}
	// No -logfn: pocketsphinx 0.8 opens and closes that file through
	// sphinxbase's one global log stream (err_set_logfile), so two decoders
	// started at once close each other's stream and corrupt the heap.
	// Logging is turned off once, globally, instead.
	all := append([]string{"kindred", "-hmm", hmm, "-dict", dictPath}, args...)
	argv := make([]*C.char, len(all))
	for i, a := range all {
		argv[i] = C.CString(a)
	}
	defer func() {
		for _, p := range argv {
			C.free(unsafe.Pointer(p))
		}
	}()
	lifecycle.Lock()
	defer lifecycle.Unlock()
	quiet.Do(func() { C.kindred_ps_quiet() })
	cfg := C.kindred_ps_parse(C.int(len(argv)), &argv[0])
	if cfg == nil {
		return nil, fmt.Errorf("sphinx: pocketsphinx rejected its configuration %q", args)
	}
	ps := C.ps_init(cfg)
	C.cmd_ln_free_r(cfg)
	if ps == nil {
		return nil, fmt.Errorf("sphinx: loading %s: pocketsphinx failed", hmm)
	}
	return &Decoder{ps: ps}, nil
}

var errClosed = errors.New("sphinx: decoder closed")

// lifecycle serialises starting and freeing decoders: sphinxbase keeps
// process-wide state (its log stream, its error handlers) that ps_init and
// ps_free touch without a lock. Decoding on separate decoders needs none.
var lifecycle sync.Mutex

// quiet turns sphinxbase's logging off for the process, once.
var quiet sync.Once

// SetFSG installs a grammar in Sphinx's FSG text format as the search
// called name.
func (d *Decoder) SetFSG(name, fsg string) error {
	return d.setSearch("grammar", name, "kindred-sphinx-*.fsg", fsg,
		func(cname, cpath *C.char) C.int { return C.kindred_ps_set_fsg(d.ps, cname, cpath) })
}

// SetKeywords installs a keyword search called name: one phrase a line,
// each with its threshold ("it hurts /1e-20/"). pocketsphinx only warns
// about a word missing from the dictionary and never spots its phrase, so
// the caller checks its words first.
func (d *Decoder) SetKeywords(name string, lines []string) error {
	return d.setSearch("keyword search", name, "kindred-sphinx-*.kws", strings.Join(lines, "\n")+"\n",
		func(cname, cpath *C.char) C.int { return C.ps_set_kws(d.ps, cname, cpath) })
}

// setSearch writes text to a temporary file, which pocketsphinx reads a
// search from, and installs it with set as the search called name.
func (d *Decoder) setSearch(what, name, pattern, text string, set func(cname, cpath *C.char) C.int) error {
	if d.ps == nil {
		return errClosed
	}
	path, done, err := tempFile(pattern, text)
	if err != nil {
		return err
	}
	defer done()
	cname, cpath := C.CString(name), C.CString(path)
	defer C.free(unsafe.Pointer(cname))
	defer C.free(unsafe.Pointer(cpath))
	if set(cname, cpath) != 0 {
		return fmt.Errorf("sphinx: pocketsphinx rejected the %s %s", what, name)
	}
	return nil
}

func tempFile(pattern, text string) (string, func(), error) {
	f, err := os.CreateTemp("", pattern)
	if err != nil {
		return "", nil, fmt.Errorf("sphinx: %w", err)
	}
	_, err = f.WriteString(text)
	if err = errors.Join(err, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", nil, fmt.Errorf("sphinx: %w", err)
	}
	return f.Name(), func() { os.Remove(f.Name()) }, nil
}

// Use makes the search called name the one that decodes; it ends an
// utterance in progress.
func (d *Decoder) Use(name string) error {
	if d.ps == nil {
		return errClosed
	}
	d.abandon()
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	if C.ps_set_search(d.ps, cname) != 0 {
		return fmt.Errorf("sphinx: no search %s", name)
	}
	return nil
}

// NewStream forgets what the decoder learnt of the channel from earlier
// utterances (the noise level its spectral subtraction removes, kept from
// one utterance to the next): the next utterance is decoded as if it were
// the first, whatever came before. It ends an utterance in progress.
func (d *Decoder) NewStream() error {
	if d.ps == nil {
		return errClosed
	}
	d.abandon()
	if C.ps_start_stream(d.ps) < 0 {
		return errors.New("sphinx: starting a stream failed")
	}
	return nil
}

// Start begins an utterance, ending one in progress.
func (d *Decoder) Start() error {
	if d.ps == nil {
		return errClosed
	}
	d.abandon()
	if C.ps_start_utt(d.ps) < 0 {
		return errors.New("sphinx: starting an utterance failed")
	}
	d.started = true
	return nil
}

func (d *Decoder) abandon() {
	if d.started {
		C.ps_end_utt(d.ps)
		d.started = false
	}
}

// Process decodes samples (16 kHz mono, −1…1) as the next part of the
// utterance. With whole, they are the whole utterance: cepstral mean
// normalisation then uses their own mean (batch CMN) instead of a running
// estimate that starts from the model's stored mean and takes seconds to
// move.
func (d *Decoder) Process(samples []float32, whole bool) error {
	if d.ps == nil {
		return errClosed
	}
	if !d.started {
		return errors.New("sphinx: no utterance started")
	}
	if len(samples) == 0 {
		return nil
	}
	d.buf = d.buf[:0]
	for _, v := range samples {
		d.buf = append(d.buf, ToInt16(v))
	}
	full := C.int(0)
	if whole {
		full = 1
	}
	if C.ps_process_raw(d.ps, (*C.int16)(unsafe.Pointer(&d.buf[0])), C.size_t(len(d.buf)), 0, full) < 0 {
		return errors.New("sphinx: decoding failed")
	}
	return nil
}

// End ends the utterance; its hypothesis stays readable until the next
// Start.
func (d *Decoder) End() error {
	if d.ps == nil {
		return errClosed
	}
	if !d.started {
		return errors.New("sphinx: no utterance started")
	}
	d.started = false
	if C.ps_end_utt(d.ps) < 0 {
		return errors.New("sphinx: ending an utterance failed")
	}
	return nil
}

// Hyp is a decoder's best hypothesis so far.
type Hyp struct {
	Text string
	// Score is the path score in natural log: acoustic log likelihood plus
	// the grammar's weighted log probabilities and insertion penalties.
	// It is relative (pocketsphinx subtracts each frame's best senone
	// score) and at most 0. (pocketsphinx keeps scores in its log base
	// shifted right by SENSCR_SHIFT, 10 bits; Hyp undoes both.)
	Score float64
}

// Hyp returns the best hypothesis; ok is false when there is none.
func (d *Decoder) Hyp() (h Hyp, ok bool) {
	if d.ps == nil {
		return h, false
	}
	var score C.int32
	hyp := C.ps_get_hyp(d.ps, &score)
	if hyp == nil {
		return h, false
	}
	return Hyp{Text: C.GoString(hyp), Score: d.ln(score)}, true
}

// ln converts a search score (the decoder's log base, shifted right by
// SENSCR_SHIFT) to natural log.
func (d *Decoder) ln(score C.int32) float64 {
	return float64(C.kindred_ps_ln(d.ps, C.int(score))) * (1 << senscrShift)
}

// Segment is one word of the best hypothesis, in frames of the utterance.
// Acoustic is its acoustic log likelihood (natural log, relative as
// Hyp.Score is: each frame's best computed senone score is subtracted, so
// two searches' scores over the same frames compare only when every
// senone is computed, pocketsphinx's -compallsen yes); Language is the
// grammar's weighted log probability of the word.
type Segment struct {
	Word               string
	Start, End         int
	Acoustic, Language float64
}

// Segments returns the words of the best hypothesis, fillers included.
func (d *Decoder) Segments() []Segment {
	if d.ps == nil {
		return nil
	}
	var out []Segment
	for seg := C.ps_seg_iter(d.ps); seg != nil; seg = C.ps_seg_next(seg) {
		var sf, ef C.int
		var ascr, lscr, lback C.int32
		C.ps_seg_frames(seg, &sf, &ef)
		C.ps_seg_prob(seg, &ascr, &lscr, &lback)
		out = append(out, Segment{Word: strings.TrimSpace(C.GoString(C.ps_seg_word(seg))), Start: int(sf), End: int(ef),
			Acoustic: d.ln(ascr), Language: d.ln(lscr)})
	}
	return out
}

// Close frees the decoder; later calls fail. It may be called twice.
func (d *Decoder) Close() error {
	if d.ps == nil {
		return nil
	}
	d.abandon()
	lifecycle.Lock()
	defer lifecycle.Unlock()
	C.ps_free(d.ps)
	d.ps = nil
	return nil
}

// ToInt16 converts a sample in −1…1 to 16 bits, clipping beyond and
// reading NaN as silence.
func ToInt16(v float32) int16 {
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
