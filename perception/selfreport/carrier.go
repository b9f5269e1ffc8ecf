package selfreport

import (
	"slices"
	"time"
)

// TimedWord is one recognised word and where it lies in what was heard.
type TimedWord struct {
	Text       string
	Start, End time.Duration
}

// markerPause is the least silence that sets a discourse marker off from
// the number after it: pauses shorter than about 200 ms are mostly the
// closures and transitions of articulation, not pauses a listener hears
// (Campione and Véronis, "A large-scale multilingual study of silent
// pause duration", Speech Prosody 2002).
const markerPause = 200 * time.Millisecond

// markers are the turn-opening particles of the lead phrases: "oh" (a
// change of state, Heritage 1984, "A change-of-state token and aspects of
// its sequential placement"), "well" (a turn that is not a straight
// answer, Schiffrin 1987, "Discourse Markers") and the discourse particle
// "like" (Siegel 2002, "Like: the discourse particle and semantics",
// Journal of Semantics 19). They stand before what a speaker says, not
// inside an answer's phrase. The fillers "um", "uh" and "hmm" and the
// connective "so" are not among them: the held-out formant voices'
// "It's a three" came out as "so three" and "It's a eight" as "um eight",
// right by chance, and rejecting them would cost those answers.
var markers = []string{"oh", "well", "like"}

// Uncarried says why the words of a rating (as a recogniser heard them,
// in order) are not a number in the phrase people answer with, or "" when
// they are. People answer "how much does it hurt, from zero to ten?" with
// the number, alone or in a phrase that takes it ("about a seven", "maybe
// three", "it's an eight", "seven out of ten"). A grammar of such phrases
// also matches ordinary speech in which a short word takes the first sound
// of a number: Asterisk's prompt "lowercase" was heard as "like eight",
// "seven" as "an one", a number read out in a sentence as "an three". Two
// things give those away:
//
//   - the article does not fit: "an" stands only before a vowel, and
//     "eight" is the one number of the scale that begins with one (the
//     form of the English indefinite article is set by the sound that
//     follows it);
//   - a discourse marker (markers) is all that comes before the number
//     and runs into it without a pause: a marker opens the turn, and is
//     then no part of the answer's phrase, so the number would stand alone
//     with no onset of its own. Set off by a pause ("well… eight") it
//     passes.
func Uncarried(words []TimedWord) string {
	at := slices.IndexFunc(words, func(w TimedWord) bool {
		_, ok := numbers[w.Text]
		return ok
	})
	if at <= 0 {
		return ""
	}
	num, before := words[at], words[at-1]
	if before.Text == "an" && !startsWithVowel(num.Text) {
		return "an before " + num.Text
	}
	return runsInto(words, at, markers)
}

// runsInto says why the answer word words[at] is not set off from what
// comes before it, or "": the words before it are all of lead (markers,
// fillers), and the last of them runs into it with less than markerPause
// between them.
func runsInto(words []TimedWord, at int, lead []string) string {
	if at <= 0 {
		return ""
	}
	for _, w := range words[:at] {
		if !slices.Contains(lead, w.Text) {
			return ""
		}
	}
	before, w := words[at-1], words[at]
	if w.Start-before.End < markerPause {
		return "no pause between " + before.Text + " and " + w.Text
	}
	return ""
}

// startsWithVowel reports whether a number word begins with a vowel sound.
func startsWithVowel(w string) bool { return w == "eight" || w == "8" }
