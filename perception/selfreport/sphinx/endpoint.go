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

// A background talker (a television, a radio, people across the room) is
// speech too, and a window's quiet, its 10th-percentile frame, is the
// talker's pauses: by Stretches' rule (15 dB above that quiet) the
// talker's words before and after the answer were speech, the answer's
// span took them in, and the decoder, which has no word for them but the
// garbage loop and the decoys, explained the whole span as other talk
// (beside a LibriVox talker 20 dB below the answer, 137 of 165 held-out
// ratings; of a third of the takes, the answer alone with the talker in
// the 200 ms around it was understood in 13 of 55, with the talker only
// under it in 28). Endpoint detectors judge speech against the
// utterance's own level as well as the background's: Rabiner and Sambur
// ("An algorithm for determining the endpoints of isolated utterances",
// Bell Syst. Tech. J. 54, 1975) set the threshold that finds the word
// between the silence's energy and the utterance's peak, then move out
// from there only while the energy stays above a lower one; Lamel,
// Rabiner, Rosenberg and Wilpon ("An improved endpoint detector for
// isolated word recognition", IEEE Trans. ASSP 29, 1981) likewise find
// the word's energy pulses first and extend them a bounded way into
// weaker sound. So the answer's span is found from its strong frames
// (backgroundBelow), then reaches out through the weaker sound that runs
// on from them, so long as it runs on:
const (
	// softOnset is the furthest the span reaches back from the answer's
	// first strong frame, through weaker sound with dips shorter than
	// onsetGap: a fricative or a breath before the first vowel
	// (consonants last some 50 to 200 ms: Klatt, "Linguistic uses of
	// segmental duration in English", JASA 59, 1976), or an unstressed
	// "a" of "about a".
	softOnset = 300 * time.Millisecond
	// onsetGap is the longest dip inside that onset: a stop's closure
	// lasts about 100 ms at most (Klatt 1976).
	onsetGap = 100 * time.Millisecond
	// softCoda is the furthest the span reaches on from the answer's last
	// strong frame, through weaker sound without a dip longer than
	// codaGap: a nasal or a voice fading out (Festival's ked draws out the
	// "n" of "one" for half a second some 25 dB below the vowel), a final
	// stop's release or a breath after a short closure. A background
	// talker's next syllable comes after a longer dip, or further on, so
	// the span stops short of it. With dips of up to 20 ms followed, a
	// short stretch of Asterisk's prompts lost a weak sound 60 ms after its
	// coda and was heard as "leg today", a place (80 ms keeps the old
	// span there); with 80 ms, as with 100, one held-out rating beside the
	// talker is heard wrong ("maybe a it's two" for "Maybe eight.").
	softCoda = 600 * time.Millisecond
	codaGap  = 80 * time.Millisecond
)

// backgroundBelow is how far below the window's loudest speech (its
// 99th-percentile frame, robust to a click) sound is background: a
// stretch none of whose frames comes this close is not the answer, and
// the answer's span reaches into weaker sound only by softOnset and
// softCoda. A person answering a robot speaks up over a television or is
// not understood at all: a talker 20 dB below the answer (RMS) peaks 19
// to 29 dB (median 23) below it (the held-out takes in tv20), while the
// answer's stressed syllables, which bound its strong frames, lie within
// a few dB of its peak (unstressed vowels are some 10 dB weaker than
// stressed ones: Lehiste, Suprasegmentals, 1970). 15 dB keeps a margin
// on both sides (codas followed through dips of 100 ms, 20 dB: 32
// held-out ratings beside the talker, 1 wrong; 15 dB: 36, 1 wrong). A variable for measurements (TestRatingsInRoom's
// KINDRED_ANSWER_BACKGROUND_DB).
var backgroundBelow = 15.0 // dB

// judgeBackground says whether speechSpan tells background talk from the
// answer (backgroundBelow, softOnset, softCoda): off, it takes the first
// stretch of speech and all that follows within the answer's longest
// length, as before: for measurements (TestRatingsInRoom's and
// TestAnswerSweep's KINDRED_ANSWER_ANY_LEVEL).
var judgeBackground = true

// speechSpan is where speechOf finds the answer in a listening window x:
// x[start:end]. It is the first stretch of speech (selfreport.Stretches)
// that comes within backgroundBelow of the window's loudest, joined with
// the stretches that begin within longest of it, at most longest in all,
// and narrowed to the strong frames in it, widened by the weak sound that
// runs on from them (softOnset, softCoda) and by answerPad.
func speechSpan(x []float32, longest time.Duration) (start, end int) {
	ss := selfreport.Stretches(x, Rate, answerGap, answerPad, time.Duration(1<<62))
	if len(ss) == 0 {
		return 0, len(x)
	}
	var strong []bool // frames within backgroundBelow of the loudest
	if judgeBackground {
		strong = strongFrames(selfreport.FrameLevels(x, Rate))
		for len(ss) > 1 && !slices.Contains(strong[ss[0].Start/frameLen:min(ss[0].End/frameLen, len(strong))], true) {
			ss = ss[1:]
		}
	}
	n := int(longest.Seconds() * Rate)
	start, end = ss[0].Start, ss[0].End
	for _, s := range ss[1:] {
		if s.Start-start < n {
			end = s.End
		}
	}
	end = min(end, start+n)
	if !judgeBackground {
		return start, end
	}
	first, last := -1, -1
	for f := start / frameLen; f < min(end/frameLen, len(strong)); f++ {
		if strong[f] {
			if first < 0 {
				first = f
			}
			last = f
		}
	}
	if first < 0 {
		return start, end
	}
	loud := selfreport.LoudLevels(selfreport.FrameLevels(x, Rate))
	pad := int(answerPad.Seconds() * Rate)
	from := softFrom(loud, first, -1, softOnset, onsetGap) * frameLen
	to := (softFrom(loud, last, 1, softCoda, codaGap) + 1) * frameLen
	return max(start, from-pad), min(end, to+pad)
}

// softFrom is how far the weaker sound that runs on from frame f of loud
// goes in direction dir (-1 back, 1 on): through loud frames with dips
// of at most dip between them, at most reach from f.
func softFrom(loud []bool, f, dir int, reach, dip time.Duration) int {
	gap, most := int(dip.Seconds()*frameRate), int(reach.Seconds()*frameRate)
	at := f
	for g := f + dir; g >= 0 && g < len(loud) && (g-f)*dir <= most && (g-at)*dir <= gap; g += dir {
		if loud[g] {
			at = g
		}
	}
	return at
}

// frameLen is the samples in a 10 ms frame of selfreport.FrameLevels.
const frameLen = Rate / frameRate

// strongFrames marks the frames of levels db that are speech by
// selfreport.LoudLevels' rule and within backgroundBelow of the levels'
// 99th percentile.
func strongFrames(db []float64) []bool {
	if len(db) == 0 {
		return nil
	}
	loud := selfreport.LoudLevels(db)
	sorted := slices.Clone(db)
	slices.Sort(sorted)
	peak := sorted[len(sorted)*99/100]
	out := make([]bool, len(db))
	for i, v := range db {
		out[i] = loud[i] && v >= peak-backgroundBelow
	}
	return out
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
