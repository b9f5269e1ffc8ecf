package selfreport

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxLead and maxTail bound the phrases around an answer: a closed, short
// frame keeps ordinary speech from being read as an answer. One phrase
// after it, and not "really": with two, Asterisk's prompt "to re-record
// it" passed as "two really I think", with one as "two really"; people
// seldom close an answer twice, or with "really".
const (
	maxLead = 2
	maxTail = 1
)

// leadPhrases may come before an answer ("I'd say | about a | seven"),
// tailPhrases after it. They are the set phrases people frame an answer
// with, not free words: with any of leadWords in any order, short words
// ("i", "in", "really") took the first sound of a number and left a wrong
// one ("really eight" for "three", "i in eight" for "five").
var (
	leadPhrases = []string{"oh", "well", "um", "uh", "hmm", "i think", "i guess", "i'd say", "i would say",
		"i'd say it's", "it's", "it is", "it's about", "it'd be", "about", "around", "maybe", "perhaps", "probably",
		"roughly", "like", "a", "an", "about a", "maybe a", "like a", "it's a", "just a", "only a", "my",
		"the pain is", "my pain is", "the pain is a", "my pain is a", "in my", "it's my", "my right", "so", "it's in my"}
	tailPhrases = []string{"i think", "i guess", "maybe", "or so", "please", "thanks", "thank you", "now", "right now",
		"today", "it hurts", "at the moment"}
)

// Garbage is the out-of-grammar alternative of a grammar: a loop over
// Words (for pocketsphinx, one pseudo-word per phone). Entry is its
// probability against 1 for an answer, Step the probability of each word
// of the loop. Speech that is no answer is explained better by the loop
// than by any answer, and the reply is unclear; lower Entry and Step
// reject less.
//
// Frame is the probability of each word around an answer ("about", "I
// think"), against 1 for leaving it out, so that the recogniser does not
// explain other speech as framing words; 0 means 0.1.
//
// Decoys are real words that answer nothing (Decoys()), a loop of them
// entered with probability 1 like an answer, each word priced Frame like a
// framing word: ordinary speech is then explained as ordinary words, and
// an answer wins only where its number, yes or place fits the sound better
// than any decoy does. None means no decoy loop.
//
// DecoyProb is the probability of each decoy word; 0 means Frame.
type Garbage struct {
	Words              []string
	Decoys             []string
	Entry, Step, Frame float64
	DecoyProb          float64
}

// FSG is the finite-state grammar of answers to a question of kind k, with
// g as the rejection alternative (none when g has no words), in the text
// format of CMU Sphinx ("FSG_BEGIN … FSG_END": TRANSITION from to
// probability [word], no word for an empty move). It is written out
// rather than compiled from JSGF because the garbage loop needs a price
// per phone, which JSGF's weights on alternatives cannot give.
func FSG(k Kind, g Garbage) string {
	b := &fsgBuilder{n: 2} // 0 start, 1 final
	frameProb := g.frame()
	// Lead phrases, each optional.
	at := b.state()
	b.null(0, at, 1)
	for range maxLead {
		next := b.state()
		b.null(at, next, 1)
		for _, p := range leadPhrases {
			b.phrase(at, next, frameProb, p)
		}
		at = next
	}
	core := b.state()
	if k == Any || k == RatingQuestion {
		// One number: "six or seven" is heard as unclear and asked again,
		// as a join let ordinary speech pass as "eight or eight".
		one := b.state()
		for _, w := range numberWords() {
			b.word(at, one, 1, w)
		}
		b.null(one, core, 1)
		b.phrase(one, core, 1, "out of ten")
		b.phrase(at, core, 1, "no pain")
		b.phrase(at, core, 1, "no pain at all")
	}
	if k == Any || k == YesNoQuestion {
		var answers []string
		answers = append(answers, yesWords...)
		answers = append(answers, noWords...)
		for _, p := range phrases {
			if p.to == "yes" || p.to == "no" || p.to == "alright" {
				answers = append(answers, p.from)
			}
		}
		slices.Sort(answers)
		for _, a := range slices.Compact(answers) {
			b.phrase(at, core, 1, a)
		}
	}
	if k == Any || k == WhereQuestion {
		var ps []string
		for w := range places {
			ps = append(ps, w)
		}
		slices.Sort(ps)
		for _, w := range ps {
			b.word(at, core, 1, w)
		}
	}
	at = core
	for range maxTail {
		next := b.state()
		b.null(at, next, 1)
		for _, p := range tailPhrases {
			b.phrase(at, next, frameProb, p)
		}
		at = next
	}
	b.null(at, 1, 1)
	return b.fsg(g, k.String())
}

// frame is the probability of a phrase that only frames the answer
// (Garbage.Frame, 0.1 when unset).
func (g Garbage) frame() float64 {
	if g.Frame == 0 {
		return 0.1
	}
	return g.Frame
}

// fsg adds g's rejection paths from the start state 0 to the final state 1
// (the garbage phone loop and the decoy words, each entered alongside the
// grammar's own paths) and writes the finite-state grammar named
// kindred_name in pocketsphinx's FSG format.
func (b *fsgBuilder) fsg(g Garbage, name string) string {
	if len(g.Words) > 0 {
		loop, step := b.state(), b.state()
		b.null(0, loop, g.Entry)
		for _, w := range g.Words {
			b.word(loop, step, g.Step, w)
		}
		b.null(step, loop, 1)
		b.null(step, 1, 1)
	}
	if len(g.Decoys) > 0 {
		loop, step := b.state(), b.state()
		b.null(0, loop, 1)
		p := g.DecoyProb
		if p == 0 {
			p = g.frame()
		}
		for _, w := range g.Decoys {
			b.word(loop, step, p, w)
		}
		b.null(step, loop, 1)
		b.null(step, 1, 1)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "FSG_BEGIN kindred_%s\nNUM_STATES %d\nSTART_STATE 0\nFINAL_STATE 1\n", name, b.n)
	for _, l := range b.lines {
		s.WriteString(l)
		s.WriteByte('\n')
	}
	s.WriteString("FSG_END\n")
	return s.String()
}

type fsgBuilder struct {
	n     int
	lines []string
}

func (b *fsgBuilder) state() int { b.n++; return b.n - 1 }

func prob(p float64) string { return strconv.FormatFloat(p, 'g', -1, 64) }

func (b *fsgBuilder) null(from, to int, p float64) {
	b.lines = append(b.lines, fmt.Sprintf("TRANSITION %d %d %s", from, to, prob(p)))
}

func (b *fsgBuilder) word(from, to int, p float64, w string) {
	b.lines = append(b.lines, fmt.Sprintf("TRANSITION %d %d %s %s", from, to, prob(p), w))
}

// phrase moves from one state to another through the words of text, the
// first word carrying p.
func (b *fsgBuilder) phrase(from, to int, p float64, text string) {
	ws := strings.Fields(text)
	for i, w := range ws {
		next := to
		if i < len(ws)-1 {
			next = b.state()
		}
		b.word(from, next, p, w)
		from, p = next, 1
	}
}

// Words lists every word a grammar of kind k can contain, garbage aside,
// for the recogniser's pronunciation dictionary.
func Words(k Kind) []string {
	var ws []string
	add := func(s string) { ws = append(ws, strings.Fields(s)...) }
	for _, w := range numberWords() {
		add(w)
	}
	for _, w := range append(append(append(append([]string(nil), yesWords...), noWords...), leadPhrases...), tailPhrases...) {
		add(w)
	}
	for w := range places {
		add(w)
	}
	for _, p := range phrases {
		add(p.from)
	}
	add("thank you out of ten no pain at all")
	slices.Sort(ws)
	return slices.Compact(ws)
}

// numberWords are the ratings the grammar offers: the parser's number
// words without "none", which took the end of "one" and "seven" ("well
// none", "in none") and is rare as an answer to "how much".
func numberWords() []string {
	var ws []string
	for w := range numbers {
		if (w[0] < '0' || w[0] > '9') && w != "none" {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	return ws
}
