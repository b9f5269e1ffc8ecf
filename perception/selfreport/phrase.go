package selfreport

import (
	"slices"
	"strings"
)

// fillers are the filled pauses of the lead phrases. A filler announces a
// delay in speaking ("uh" a minor one, "um" a major one: Clark and Fox
// Tree, "Using uh and um in spontaneous speaking", Cognition 84, 2002),
// so in an answer it is followed by that delay before the answer word.
var fillers = []string{"um", "uh", "hmm"}

// RunIn says why a yes/no or place answer (its words as a recogniser heard
// them, in order) opens with a filler that is no hesitation, or "" when it
// does not: fillers are all that comes before the answer, and the last of
// them runs into it without a pause (markerPause). A filler that announces
// no delay is the tail of other speech the recogniser explained as one:
// the end of a word before the window ("…message" heard as "um tummy") or
// a tone ("um don't"). Set off by a pause ("um… no") it passes. Ratings
// are held to Uncarried instead, which leaves fillers out (see markers).
func RunIn(words []TimedWord) string {
	at := slices.IndexFunc(words, func(w TimedWord) bool { return !slices.Contains(fillers, w.Text) })
	return runsInto(words, at, fillers)
}

// BrokenTail says why the phrase that closes an answer ("at the moment",
// "thank you", "I think") is not one, or "" when it is or there is none:
// a pause of markerPause or more falls between its words. A set phrase is
// said as one unit, its words run together, and speakers pause around it
// rather than inside it (Pawley and Syder, "Two puzzles for linguistic
// theory: nativelike selection and nativelike fluency", 1983; Lin, "The
// Prosody of Formulaic Sequences", 2018), so words that match one only
// across pauses are other speech ("So you're back… about time…" heard as
// "so uh arm at… the… moment").
func BrokenTail(words []TimedWord) string {
	best := 0
	for _, p := range tailPhrases {
		ws := strings.Fields(p)
		n := len(ws)
		if n < 2 || n > len(words) || n <= best {
			continue
		}
		if slices.EqualFunc(words[len(words)-n:], ws, func(w TimedWord, s string) bool { return w.Text == s }) {
			best = n
		}
	}
	tail := words[len(words)-best:]
	for i := 1; i < len(tail); i++ {
		if tail[i].Start-tail[i-1].End >= markerPause {
			return "a pause inside " + tail[i-1].Text + " " + tail[i].Text
		}
	}
	return ""
}
