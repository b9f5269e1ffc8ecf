package sphinx

import (
	"errors"
	"fmt"
	"math"
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

// callTail is how long the sound at the end of the window must have rung
// on, decaying without an onset (tailFrom), for the call to count as
// ended there: a reverberant room keeps the stretch after a call "loud"
// (15 dB above the quiet) for over half a second (sox's reverb 50), which
// Stretches takes for talk running on to the window's end. Syllables come
// four to five a second in ordinary speech (about 200 to 250 ms each), so
// 400 ms without a new onset is a pause, not talk, however loud the room
// keeps it.
const callTail = 400 * time.Millisecond

// judgeTail says whether Check lets a ringing tail end a call: off, as
// before, only to check that the tests need it.
var judgeTail = true

// callEnd returns the frame of db at or after from where the sound began
// to ring out to the end (tailFrom), and whether it rang on for callTail.
func callEnd(db []float64, from int) (int, bool) {
	t := tailFrom(db, from)
	return t, len(db)-t >= int(callTail.Seconds()*frameRate)
}

// tailFrom returns the first frame of db at or after from from which the
// sound only rings out to the end: no frame after it rises onsetRise above
// the quietest since, and none stays above a decay from it at the
// slowest a room allows (slowestDecay, onsetRise above its start). It is
// len(db) when the end holds an onset.
func tailFrom(db []float64, from int) int {
	for t := max(from, 0); t < len(db); t++ {
		if ringsOut(db, t) {
			return t
		}
	}
	return len(db)
}

// ringsOut reports whether db[t:] is a room's tail after frame t.
func ringsOut(db []float64, t int) bool {
	quietest := math.Inf(1)
	for f := t + 1; f < len(db); f++ {
		if db[f] >= quietest+onsetRise || db[f] >= db[t]+onsetRise-slowestDecay*float64(f-t) {
			return false
		}
		quietest = min(quietest, db[f])
	}
	return true
}

// CallVerifier checks a word the keyword spotter heard at a loose
// threshold: it is a call for help only if the stretch of speech that
// holds it is an utterance of its own (a pause before and after it, as an
// answer's, a room's ringing after it counting as the pause: callEnd; and
// no longer than a few words) and the call grammar
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
	if !found {
		return "(no speech around it)", nil
	}
	if s.End >= len(x)-frameLen && judgeTail {
		// The room may be ringing on after the call, not the talk.
		if t, ok := callEnd(selfreport.FrameLevels(x, Rate), at/frameLen); ok {
			s.End = min(s.End, t*frameLen+int(answerPad.Seconds()*Rate))
		}
	}
	switch {
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
