package sphinx

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// An answer is an utterance of its own: the person starts it after the
// robot has asked and ends it in a pause, as every spoken dialogue system
// takes a turn to end (endpointing: Raux and Eskenazi, "Optimizing
// endpointing thresholds using dialogue features in a spoken dialogue
// system", SIGdial 2008). Words the grammar matched inside speech that
// was under way when listening began, that runs on after them, or that
// the listening window cut off are not an answer but part of other talk.
// These bounds say how much of that is tolerated.
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
	// cutEdge is how close to either edge of what was heard the answer's
	// words may come: a word that starts within it began before listening
	// did (the person was already talking), one that ends within it was
	// cut off by the end of the window.
	cutEdge = 30 * time.Millisecond
	// minPause is the shortest quiet that ends one utterance before the
	// next: speech at the start of listening followed by a pause (the
	// robot's own voice dying away, a cough) is not the answer's start.
	minPause = 100 * time.Millisecond
)

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
// when they are: speech was under way when listening began and ran into
// them without a pause, speech at the end of what was decoded cut them
// off, or more than runOnSpeech of speech follows them. Speech is a 10 ms
// frame 15 dB above the quiet of all that was heard, as
// selfreport.Stretches takes it; the decoder's word edges are trusted only
// to within cutEdge.
func notOwnUtterance(heard []float32, off, n int, segs []sphinx.Segment) string {
	first, last := -1, -1
	for _, s := range segs {
		if !isWord(s.Word) {
			continue
		}
		if first < 0 {
			first = s.Start
		}
		last = s.End
	}
	loud := loudFrames(heard)
	if first < 0 || len(loud) == 0 {
		return ""
	}
	perFrame := Rate / frameRate
	edge := int(cutEdge.Seconds() * frameRate)
	first += off / perFrame
	last += off / perFrame
	end := min((off+n)/perFrame, len(loud)) // the first frame after what was decoded
	if slices.Contains(loud[:min(edge+1, len(loud))], true) && !hasPause(loud[:min(first+edge, len(loud))]) {
		return "speech under way when listening began"
	}
	if end-(last+1) <= edge && slices.Contains(loud[max(end-edge-1, 0):end], true) {
		return "cut off by the end of listening"
	}
	var after int
	for f := last + 1; f < end; f++ {
		if loud[f] {
			after++
		}
	}
	if after > int(runOnSpeech.Seconds()*frameRate) {
		return "speech runs on after it"
	}
	return ""
}

// hasPause reports whether frames hold a pause between utterances: at
// least minPause of frames that are not speech in a row.
func hasPause(loud []bool) bool {
	run := 0
	for _, l := range loud {
		if l {
			run = 0
			continue
		}
		if run++; run >= int(minPause.Seconds()*frameRate) {
			return true
		}
	}
	return false
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

// loudFrames marks the 10 ms frames of x that are speech: 15 dB above its
// 10th-percentile frame energy, as selfreport.Stretches decides.
func loudFrames(x []float32) []bool {
	frame := Rate / frameRate
	n := len(x) / frame
	if n == 0 {
		return nil
	}
	db := make([]float64, n)
	for i := range n {
		var e float64
		for _, v := range x[i*frame : (i+1)*frame] {
			e += float64(v) * float64(v)
		}
		db[i] = 10 * math.Log10(e/float64(frame)+1e-12)
	}
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	floor := max(sorted[n/10], -75)
	out := make([]bool, n)
	for i, v := range db {
		out[i] = v >= floor+15
	}
	return out
}
