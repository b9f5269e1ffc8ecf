package sphinx

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// An answer is an utterance of its own: it ends in a pause, as every
// spoken dialogue system takes a turn to end (endpointing: Raux and
// Eskenazi, "Optimizing endpointing thresholds using dialogue features in
// a spoken dialogue system", SIGdial 2008). Words the grammar matched in
// speech that runs on after them, or that the end of listening cut off,
// are not an answer but part of other talk. (Speech already under way when
// listening began is not rejected: a recorded answer, trimmed to its
// first sound and played from the window's start, looks the same.) These
// bounds say how much of that is tolerated.
const (
	// runOnSpeech is the most speech the decoder may leave unexplained
	// after the answer's last word (put into silence or a filler): more
	// is talk running on past the answer. Word ends are not exact: of the
	// 182 development takes heard as a rating (TestAnswerSweep's voices,
	// three carriers), the median left 40 ms, 95 % at most 180 ms, and
	// the most 320 ms (Festival's kal_diphone drawing out "three", whose
	// last vowel the decoder put into silence); half a second leaves room
	// for that and a breath, and a phrase that runs on is longer.
	runOnSpeech = 500 * time.Millisecond
	// cutEdge is how close to the end of what was decoded the answer's
	// last word may come when speech is heard there: closer, the end of
	// listening (or of the answer's longest length) cut it off.
	cutEdge = 30 * time.Millisecond
	// onsetRise is how far a frame must rise above the quietest since the
	// answer's last word to start new speech. A room rings on after the
	// word: its reverberant tail only decays, exponentially (Schroeder,
	// "New method of measuring reverberation time", JASA 37, 1965), its
	// 10 ms frames wavering by a few dB, and in a quiet room it stays 15 dB
	// above the quiet for as long as the room's reverberation time takes
	// to fall that far (sox's reverb 50 on the held-out takes: over half a
	// second, so 96 of 165 ratings were rejected as talk running on).
	// Speech that runs on starts a syllable, whose onset rises tens of dB
	// above the pause or dip before it.
	onsetRise = 10.0 // dB
	// slowestDecay is the slowest a room's tail falls: 60 dB in a
	// reverberation time of 2 s, a large hall's (living rooms take 0.3 to
	// 0.8 s). Sound after the answer that stays louder than that, however
	// steady, is not the room ringing.
	slowestDecay = 60.0 / 2 / frameRate // dB a frame
)

// countRinging counts a room's ringing after the answer as speech running
// on, as before onsetRise: for measurements (TestAnswerSweep's
// KINDRED_ANSWER_RINGING).
var countRinging = false

// frameRate is the decoder's frames a second (pocketsphinx's -frate).
const frameRate = 100

// speechSpan is where speechOf finds the answer in a listening window x:
// x[start:end].
func speechSpan(x []float32, longest time.Duration) (start, end int) {
	ss := selfreport.Stretches(x, Rate, answerGap, answerPad, time.Duration(1<<62))
	if len(ss) == 0 {
		return 0, len(x)
	}
	n := int(longest.Seconds() * Rate)
	start, end = ss[0].Start, ss[0].End
	for _, s := range ss[1:] {
		if s.Start-start < n {
			end = s.End
		}
	}
	return start, min(end, start+n)
}

// notOwnUtterance says why the words segs heard in heard[off:off+n]
// (segment frames counted from off) are not an answer of their own, or ""
// when they are: speech at the end of what was decoded cut them off, or
// more than runOnSpeech of speech follows them. Speech is a 10 ms frame
// 15 dB above the quiet of all that was heard, as selfreport.Stretches
// takes it, counted after the answer from the first onset (onsetRise), so
// that a room's reverberation is not taken for more talk; the decoder's
// word edges are trusted only to within cutEdge.
func notOwnUtterance(heard []float32, off, n int, segs []sphinx.Segment) string {
	last := -1
	for _, s := range segs {
		if isWord(s.Word) {
			last = s.End
		}
	}
	db := selfreport.FrameLevels(heard, Rate)
	loud := selfreport.LoudLevels(db)
	if last < 0 || len(loud) == 0 {
		return ""
	}
	perFrame := Rate / frameRate
	edge := int(cutEdge.Seconds() * frameRate)
	last += off / perFrame
	end := min((off+n)/perFrame, len(loud)) // the first frame after what was decoded
	if end-(last+1) <= edge && slices.Contains(loud[max(end-edge-1, 0):end], true) {
		return "cut off by the end of listening"
	}
	var after int
	ringing, quietest := true, math.Inf(1) // the room's tail after the word, and its lowest frame
	for f := last + 1; f < end; f++ {
		decayed := db[last] + onsetRise - slowestDecay*float64(f-last)
		if ringing && !countRinging && db[f] < quietest+onsetRise && db[f] < decayed {
			quietest = min(quietest, db[f])
			continue
		}
		ringing = false
		if loud[f] {
			after++
		}
	}
	if after > int(runOnSpeech.Seconds()*frameRate) {
		return "speech runs on after it"
	}
	return ""
}

// isWord reports whether a segment is a word of the grammar, not silence,
// a filler or an empty move.
func isWord(w string) bool {
	switch {
	case w == "" || w == "(NULL)" || w == "<sil>" || w == "<s>" || w == "</s>":
		return false
	case strings.HasPrefix(w, "[") || strings.HasPrefix(w, "++"):
		return false
	}
	return true
}

// timedWords are the words of segs (frames of 1/frameRate s), without
// silences, fillers and the numbers of alternative pronunciations
// ("a(2)").
func timedWords(segs []sphinx.Segment) []selfreport.TimedWord {
	var ws []selfreport.TimedWord
	frame := time.Second / frameRate
	for _, s := range segs {
		if !isWord(s.Word) {
			continue
		}
		w, _, _ := strings.Cut(s.Word, "(")
		ws = append(ws, selfreport.TimedWord{Text: w, Start: time.Duration(s.Start) * frame, End: time.Duration(s.End+1) * frame})
	}
	return ws
}
