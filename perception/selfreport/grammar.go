package selfreport

import (
	"fmt"
	"slices"
	"strings"
)

// maxLead and maxTail bound the words around an answer: a closed, short
// frame keeps ordinary speech from being read as an answer.
const (
	maxLead = 4
	maxTail = 2
)

// Garbage is the out-of-grammar alternative of a grammar: a loop over
// Words (for pocketsphinx, one pseudo-word per phone) with a relative
// Weight against the answers' 1. Speech that is no answer is explained
// better by the loop than by any answer, and the reply is unclear.
type Garbage struct {
	Words  []string
	Weight float64
}

// Grammar is the JSGF grammar (W3C JSGF 1.0) of answers to a question of
// kind k, with g as the rejection alternative (none when g has no words).
func Grammar(k Kind, g Garbage) string {
	var b strings.Builder
	b.WriteString("#JSGF V1.0;\ngrammar kindred;\n")
	var cores []string
	if k == Any || k == RatingQuestion {
		nums := numberWords()
		num := "(" + strings.Join(nums, " | ") + ")"
		cores = append(cores, fmt.Sprintf("%s [(%s) %s] [out of ten]", num, strings.Join(joins, " | "), num), "no pain [at all]")
	}
	if k == Any || k == YesNoQuestion {
		cores = append(cores, yesWords...)
		cores = append(cores, noWords...)
		for _, p := range phrases {
			if p.to == "yes" || p.to == "no" || p.to == "alright" {
				cores = append(cores, p.from)
			}
		}
	}
	if k == Any || k == WhereQuestion {
		for w := range places {
			cores = append(cores, w)
		}
	}
	slices.Sort(cores)
	cores = slices.Compact(cores)
	lead := "[<lead>]"
	fmt.Fprintf(&b, "<core> = %s;\n", strings.Join(cores, " | "))
	fmt.Fprintf(&b, "<lead> = %s;\n", strings.Join(leadWords, " | "))
	fmt.Fprintf(&b, "<tail> = %s | thank you;\n", strings.Join(tailWords, " | "))
	fmt.Fprintf(&b, "<reply> = %s <core> %s;\n", strings.Repeat(lead+" ", maxLead), strings.TrimSpace(strings.Repeat("[<tail>] ", maxTail)))
	if len(g.Words) == 0 {
		b.WriteString("public <answer> = <reply>;\n")
		return b.String()
	}
	fmt.Fprintf(&b, "<garbage> = %s;\n", strings.Join(g.Words, " | "))
	b.WriteString("<other> = <garbage> <garbage>*;\n")
	fmt.Fprintf(&b, "public <answer> = /1/ <reply> | /%g/ <other>;\n", g.Weight)
	return b.String()
}

// Words lists every word a grammar of kind k can contain, garbage aside,
// for the recogniser's pronunciation dictionary.
func Words(k Kind) []string {
	var ws []string
	add := func(s string) { ws = append(ws, strings.Fields(s)...) }
	for _, w := range numberWords() {
		add(w)
	}
	for _, w := range append(append(append(append([]string(nil), yesWords...), noWords...), leadWords...), tailWords...) {
		add(w)
	}
	for w := range places {
		add(w)
	}
	for _, p := range phrases {
		add(p.from)
	}
	add(strings.Join(joins, " "))
	add("thank you out of ten no pain at all")
	slices.Sort(ws)
	return slices.Compact(ws)
}

func numberWords() []string {
	var ws []string
	for w := range numbers {
		if w[0] < '0' || w[0] > '9' {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	return ws
}
