package sphinx

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// maxCall is the longest stretch of speech a call for help may fill: a
// call is a few words ("Oh, somebody help me, please" lasts under 2 s at
// an ordinary rate); a longer stretch is talk that holds the word, not a
// call (its stretch is widened by answerPad either side).
const maxCall = 3 * time.Second

// callNear is how far after the end of its stretch of speech a spotted
// word may be reported: the keyword search reports a word a few frames
// after it ends, and the stretch's end is padded by answerPad.
const callNear = 300 * time.Millisecond

// CallVerifier checks a word the keyword spotter heard at a loose
// threshold: it is a call for help only if the stretch of speech that
// holds it is an utterance of its own (a pause before and after it, as an
// answer's, and no longer than a few words) and the call grammar
// (selfreport.CallFSG: "help" framed by a few set phrases, against a
// garbage loop and decoys) explains that stretch, decoded whole with its
// own cepstral mean, better than any other words. It is used from one
// goroutine at a time; Close frees it.
type CallVerifier struct {
	mu sync.Mutex
	ps *sphinx.Decoder
}

// NewCallVerifier loads the model with the call grammar, priced as o's
// answer grammars are (GarbageEntry, GarbageStep, FrameProb, DecoyProb,
// WordPenalty; o.Decoys less the call words). o.LM and the measurement
// options are not used.
func NewCallVerifier(o Opts) (*CallVerifier, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var decoys []string
	if len(o.Decoys) > 0 {
		call := map[string]bool{}
		for _, w := range selfreport.CallWords() {
			call[w] = true
		}
		for _, w := range o.Decoys {
			if !call[w] {
				decoys = append(decoys, w)
			}
		}
	}
	lines, err := o.dictionary(append(selfreport.CallWords(), decoys...))
	if err != nil {
		return nil, err
	}
	ps, err := sphinx.New(o.HMM, lines, "-wip", strconv.FormatFloat(o.WordPenalty, 'g', -1, 64))
	if err != nil {
		return nil, fmt.Errorf("calls: %w", err)
	}
	g := selfreport.Garbage{Entry: o.GarbageEntry, Step: o.GarbageStep, Frame: o.FrameProb, Decoys: decoys, DecoyProb: o.DecoyProb}
	for _, p := range o.Phones {
		g.Words = append(g.Words, garbageWord(p))
	}
	if err := ps.SetFSG("call", selfreport.CallFSG(g)); err != nil {
		ps.Close()
		return nil, fmt.Errorf("calls: %w", err)
	}
	if err := ps.Use("call"); err != nil {
		ps.Close()
		return nil, fmt.Errorf("calls: %w", err)
	}
	return &CallVerifier{ps: ps}, nil
}

// Verify reports whether x (Rate samples a second) holds a call for help
// of its own around sample at, where the spotter heard the word: x should
// reach a few seconds before at and, so that a pause can show the call
// ended, answerGap and answerPad after it.
func (v *CallVerifier) Verify(x []float32, at int) (bool, error) {
	heard, err := v.Check(x, at)
	return heard != "" && !strings.HasPrefix(heard, "("), err
}

// Check is Verify with what was heard: the call's words, or in brackets
// why there was none.
func (v *CallVerifier) Check(x []float32, at int) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ps == nil {
		return "", errors.New("calls: verifier closed")
	}
	near := int(callNear.Seconds() * Rate)
	var s selfreport.Stretch
	found := false
	for _, c := range selfreport.Stretches(x, Rate, answerGap, answerPad, time.Duration(1<<62)) {
		if c.Start <= at && at <= c.End+near {
			s, found = c, true
		}
	}
	switch {
	case !found:
		return "(no speech around it)", nil
	case s.Start == 0:
		return "(talk running on from before)", nil
	case s.End >= len(x)-frameLen:
		return "(talk running on after it)", nil
	case s.End-s.Start > int(maxCall.Seconds()*Rate):
		return "(too long for a call)", nil
	}
	h, ok, err := decode(v.ps, x[s.Start:s.End])
	if err != nil {
		return "", fmt.Errorf("calls: %w", err)
	}
	if !ok {
		return "(nothing)", nil
	}
	var ws []string
	for _, w := range strings.Fields(h.Text) {
		w, _, _ = strings.Cut(w, "(")
		ws = append(ws, w)
	}
	if !selfreport.IsCall(ws) {
		return "(" + h.Text + ")", nil
	}
	return h.Text, nil
}

// Close frees the decoder; later calls fail.
func (v *CallVerifier) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.ps == nil {
		return nil
	}
	err := v.ps.Close()
	v.ps = nil
	return err
}
