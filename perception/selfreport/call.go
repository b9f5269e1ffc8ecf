package selfreport

import (
	"slices"
	"strings"
)

// A call for help is said as a short utterance of its own ("Help!",
// "Somebody help me", "Help, please"): the grammar that verifies one
// (CallFSG) holds the word "help" with a few set phrases before and after
// it, and offers the same two alternatives as the answer grammars, a
// garbage loop and a loop of decoys, so that ordinary speech in which the
// keyword spotter heard "help" is explained as other words (keyword
// verification by a likelihood ratio against a garbage model: Rose and
// Paul, ICASSP 1990; Rahim, Lee and Juang, "Discriminative utterance
// verification for connected digits recognition", IEEE Trans. Speech and
// Audio Processing 5, 1997).
var (
	callLead = []string{"oh", "please", "somebody", "someone", "oh please", "please somebody", "somebody please",
		"nurse", "i need", "i need some", "can somebody", "can someone", "can you"}
	callCore = []string{"help", "help me", "help help", "help us", "help me help", "help help help"}
	callTail = []string{"please", "me please", "now", "quick"}
)

// CallWords are the words a call for help's grammar can contain, garbage
// aside.
func CallWords() []string {
	var ws []string
	for _, p := range slices.Concat(callLead, callCore, callTail) {
		ws = append(ws, strings.Fields(p)...)
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// CallDecoys are Decoys without the words of a call for help.
func CallDecoys() []string {
	call := CallWords()
	var ws []string
	for _, w := range Decoys() {
		if !slices.Contains(call, w) {
			ws = append(ws, w)
		}
	}
	return ws
}

// CallFSG is the finite-state grammar of a call for help, with g as the
// rejection alternative, in the format FSG writes: at most one set phrase
// before the call and one after, each priced g.Frame (0 means 0.1) like an
// answer's framing words. g.Decoys must not hold a call word (CallDecoys).
func CallFSG(g Garbage) string {
	b := &fsgBuilder{n: 2} // 0 start, 1 final
	frameProb := g.frame()
	lead, core, tail := b.state(), b.state(), b.state()
	b.null(0, lead, 1)
	for _, p := range callLead {
		b.phrase(0, lead, frameProb, p)
	}
	for _, p := range callCore {
		b.phrase(lead, core, 1, p)
	}
	b.null(core, tail, 1)
	for _, p := range callTail {
		b.phrase(core, tail, frameProb, p)
	}
	b.null(tail, 1, 1)
	return b.fsg(g, "call")
}

// IsCall reports whether words, a hypothesis of the call grammar, are a
// call for help: they hold "help" and no other word than the grammar's.
func IsCall(words []string) bool {
	call := CallWords()
	help := false
	for _, w := range words {
		if !slices.Contains(call, w) {
			return false
		}
		help = help || w == "help"
	}
	return help
}
