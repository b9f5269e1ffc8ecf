package selfreport

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		kind   Kind
		text   string
		rating Rating
		answer Answer
		places []Place
	}{
		// ratings alone and in sentences
		{RatingQuestion, "seven", 7, NoAnswer, nil},
		{RatingQuestion, "About a seven.", 7, NoAnswer, nil},
		{RatingQuestion, "maybe three", 3, NoAnswer, nil},
		{RatingQuestion, "It's a six", 6, NoAnswer, nil},
		{RatingQuestion, "I'd say eight out of ten", 8, NoAnswer, nil},
		{RatingQuestion, "zero", 0, NoAnswer, nil},
		{RatingQuestion, "none", 0, NoAnswer, nil},
		{RatingQuestion, "no pain at all", 0, NoAnswer, nil},
		{RatingQuestion, "ten", 10, NoAnswer, nil},
		{RatingQuestion, "um, four I think", 4, NoAnswer, nil},
		{RatingQuestion, "6", 6, NoAnswer, nil},
		// two neighbouring numbers: the higher; far apart or a string: unclear
		{RatingQuestion, "six or seven", 7, NoAnswer, nil},
		{RatingQuestion, "two to three", 3, NoAnswer, nil},
		{RatingQuestion, "two or nine", NoRating, NoAnswer, nil},
		{RatingQuestion, "eight or eight", NoRating, NoAnswer, nil},
		{RatingQuestion, "one zero zero zero one", NoRating, NoAnswer, nil},
		{RatingQuestion, "three four", NoRating, NoAnswer, nil},
		// out of the vocabulary: unclear, never a guess
		{RatingQuestion, "go forward ten meters", NoRating, NoAnswer, nil},
		{RatingQuestion, "I don't know", NoRating, NoAnswer, nil},
		{RatingQuestion, "", NoRating, NoAnswer, nil},
		{RatingQuestion, "yes", NoRating, NoAnswer, nil},
		// yes and no in their common forms
		{YesNoQuestion, "yes", NoRating, Yes, nil},
		{YesNoQuestion, "Yeah.", NoRating, Yes, nil},
		{YesNoQuestion, "yep", NoRating, Yes, nil},
		{YesNoQuestion, "please", NoRating, Yes, nil},
		{YesNoQuestion, "yes please", NoRating, Yes, nil},
		{YesNoQuestion, "sure", NoRating, Yes, nil},
		{YesNoQuestion, "okay", NoRating, Yes, nil},
		{YesNoQuestion, "all right", NoRating, Yes, nil},
		{YesNoQuestion, "oh, yes please do", NoRating, Yes, nil},
		{YesNoQuestion, "no", NoRating, No, nil},
		{YesNoQuestion, "nope", NoRating, No, nil},
		{YesNoQuestion, "No thanks.", NoRating, No, nil},
		{YesNoQuestion, "no thank you", NoRating, No, nil},
		{YesNoQuestion, "not now", NoRating, No, nil},
		{YesNoQuestion, "please don't", NoRating, No, nil},
		{YesNoQuestion, "no, please", NoRating, No, nil},
		{YesNoQuestion, "yes no", NoRating, NoAnswer, nil},
		{YesNoQuestion, "yes, seven", NoRating, NoAnswer, nil},
		{YesNoQuestion, "call my daughter", NoRating, NoAnswer, nil},
		// places
		{WhereQuestion, "my knee", NoRating, NoAnswer, []Place{Knee}},
		{WhereQuestion, "it's my stomach", NoRating, NoAnswer, []Place{Belly}},
		{WhereQuestion, "here in my back", NoRating, NoAnswer, []Place{Back}},
		{WhereQuestion, "my head hurts", NoRating, NoAnswer, []Place{Head}},
		{WhereQuestion, "my shoulders", NoRating, NoAnswer, []Place{Shoulder}},
		{WhereQuestion, "hip", NoRating, NoAnswer, []Place{Hip}},
		{WhereQuestion, "tummy", NoRating, NoAnswer, []Place{Belly}},
		{WhereQuestion, "my toe", NoRating, NoAnswer, nil},
		// any question: whatever is there
		{Any, "about a five", 5, NoAnswer, nil},
		{Any, "yes", NoRating, Yes, nil},
		{Any, "no", NoRating, No, nil},
		{Any, "no pain", 0, NoAnswer, nil},
		{Any, "and so my fellow americans", NoRating, NoAnswer, nil},
	}
	for _, tc := range tests {
		r := Parse(tc.kind, tc.text)
		if r.Rating != tc.rating || r.Answer != tc.answer || !slices.Equal(r.Places, tc.places) {
			t.Errorf("Parse(%v, %q) = rating %d answer %q places %v, want %d %q %v",
				tc.kind, tc.text, r.Rating, r.Answer, r.Places, tc.rating, tc.answer, tc.places)
		}
		if r.Kind != tc.kind || r.Confidence != 1 {
			t.Errorf("Parse(%v, %q): kind %v confidence %g", tc.kind, tc.text, r.Kind, r.Confidence)
		}
		want := tc.rating.Valid() || tc.answer != NoAnswer || len(tc.places) > 0
		if r.Clear() != want {
			t.Errorf("Parse(%v, %q).Clear() = %v", tc.kind, tc.text, r.Clear())
		}
	}
}

// TestGrammarCoversParser checks that every word the grammar can produce
// is one the parser knows, and that each question's grammar offers its
// answers and only them.
func TestGrammarCoversParser(t *testing.T) {
	for _, w := range Words(Any) {
		if r := Parse(Any, w); r.Heard != w {
			t.Errorf("word %q heard as %q", w, r.Heard)
		}
	}
	g := FSG(RatingQuestion, Garbage{})
	for _, want := range []string{" seven\n", " out\n", " pain\n", "FSG_BEGIN kindred_rating\n", "FSG_END\n"} {
		if !strings.Contains(g, want) {
			t.Errorf("rating grammar lacks %q:\n%s", want, g)
		}
	}
	for _, not := range []string{" yes\n", " knee\n", "ph_"} {
		if strings.Contains(g, not) {
			t.Errorf("rating grammar has %q:\n%s", not, g)
		}
	}
	g = FSG(YesNoQuestion, Garbage{Words: []string{"ph_aa", "ph_b"}, Entry: 0.5, Step: 1e-3})
	for _, want := range []string{" yes\n", " thanks\n", " 0.001 ph_aa\n", " 0.001 ph_b\n", "TRANSITION 0 "} {
		if !strings.Contains(g, want) {
			t.Errorf("yes/no grammar lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(g, " seven\n") {
		t.Errorf("yes/no grammar has numbers:\n%s", g)
	}
}

// TestDecoys checks that no decoy is a word an answer is made of (a decoy
// "seven" would reject every seven), that homophones of answers are left
// out, and that the grammar offers the decoys as a loop of their own,
// priced Frame unless DecoyProb says otherwise.
func TestDecoys(t *testing.T) {
	ds := Decoys()
	if len(ds) < 100 {
		t.Fatalf("%d decoys, want a few hundred", len(ds))
	}
	answer := map[string]bool{}
	for _, w := range Words(Any) {
		answer[w] = true
	}
	for _, w := range append(slices.Clone(ds), "won", "to", "too", "for", "ate", "know") {
		if answer[w] {
			t.Errorf("decoy %q is an answer word", w)
		}
	}
	for _, w := range []string{"won", "to", "too", "for", "ate", "know"} {
		if slices.Contains(ds, w) {
			t.Errorf("decoy %q sounds like an answer", w)
		}
	}
	g := FSG(RatingQuestion, Garbage{Decoys: []string{"table", "water"}, Frame: 0.2})
	for _, want := range []string{" 0.2 table\n", " 0.2 water\n", " seven\n"} {
		if !strings.Contains(g, want) {
			t.Errorf("grammar lacks %q:\n%s", want, g)
		}
	}
	g = FSG(RatingQuestion, Garbage{Decoys: []string{"table"}, Frame: 0.2, DecoyProb: 0.01})
	if !strings.Contains(g, " 0.01 table\n") {
		t.Errorf("decoy not priced 0.01:\n%s", g)
	}
	if g := FSG(RatingQuestion, Garbage{}); strings.Contains(g, "table") {
		t.Errorf("grammar without decoys has one:\n%s", g)
	}
}

// accepts reports whether the FSG text g has a path that says words,
// empty moves included.
func accepts(g string, words []string) bool {
	type arc struct {
		to   int
		word string
	}
	arcs := map[int][]arc{}
	for _, l := range strings.Split(g, "\n") {
		f := strings.Fields(l)
		if len(f) < 4 || f[0] != "TRANSITION" {
			continue
		}
		var from, to int
		fmt.Sscan(f[1], &from)
		fmt.Sscan(f[2], &to)
		a := arc{to: to}
		if len(f) == 5 {
			a.word = f[4]
		}
		arcs[from] = append(arcs[from], a)
	}
	// closure adds the states reached from at by empty moves.
	closure := func(at map[int]bool) map[int]bool {
		stack := slices.Collect(maps.Keys(at))
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, a := range arcs[s] {
				if a.word == "" && !at[a.to] {
					at[a.to] = true
					stack = append(stack, a.to)
				}
			}
		}
		return at
	}
	at := closure(map[int]bool{0: true})
	for _, w := range words {
		next := map[int]bool{}
		for s := range at {
			for _, a := range arcs[s] {
				if a.word == w {
					next[a.to] = true
				}
			}
		}
		at = closure(next)
	}
	return at[1]
}

// TestGrammarFrame checks the frame around a rating: set phrases, at most
// two before it and one after it, so that ordinary speech ("to re-record
// it", heard as "two really i think", then "two really") is not an answer.
func TestGrammarFrame(t *testing.T) {
	g := FSG(RatingQuestion, Garbage{})
	tests := []struct {
		text string
		want bool
	}{
		{"seven", true},
		{"about a seven", true},
		{"i'd say about a seven", true},
		{"seven i think", true},
		{"two really", false},
		{"two today", true},
		{"eight out of ten", true},
		{"eight out of ten i think", true},
		{"two really i think", false},
		{"seven i think really", false},
		{"well i think about a seven", false},
		{"seven seven", false},
		{"yes", false},
	}
	for _, tc := range tests {
		if got := accepts(g, strings.Fields(tc.text)); got != tc.want {
			t.Errorf("rating grammar says %q: %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestStretches(t *testing.T) {
	const rate = 1000 // 10 samples a frame
	tone := func(ms int) []float32 {
		x := make([]float32, ms)
		for i := range x {
			x[i] = 0.3 * float32(math.Sin(float64(i)))
		}
		return x
	}
	quiet := func(ms int) []float32 {
		x := make([]float32, ms)
		for i := range x {
			x[i] = 0.001 * float32(math.Sin(float64(i)))
		}
		return x
	}
	cat := func(parts ...[]float32) []float32 { return slices.Concat(parts...) }
	tests := []struct {
		name string
		x    []float32
		want []Stretch
	}{
		{"silence", quiet(2000), nil},
		{"one word", cat(quiet(1000), tone(500), quiet(1000)), []Stretch{{900, 1600}}},
		{"short pause joins", cat(quiet(1000), tone(300), quiet(200), tone(300), quiet(1000)), []Stretch{{900, 1900}}},
		{"long pause splits", cat(quiet(1000), tone(300), quiet(1000), tone(300), quiet(1000)), []Stretch{{900, 1400}, {2200, 2700}}},
		{"too long is left out", cat(quiet(1000), tone(5000), quiet(1000), tone(300), quiet(1000)), []Stretch{{6900, 7400}}},
	}
	for _, tc := range tests {
		got := Stretches(tc.x, rate, 500*time.Millisecond, 100*time.Millisecond, 3*time.Second)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestConfirms(t *testing.T) {
	seven := Parse(RatingQuestion, "about a seven")
	yes := Parse(YesNoQuestion, "yes please")
	knee := Parse(WhereQuestion, "my knee")
	tests := []struct {
		reply      Reply
		transcript string
		want       bool
	}{
		{seven, "about a seven", true},
		{seven, "seven", true},
		{seven, "it's like a seven you know", true},
		{seven, "about eleven", false},
		{seven, "about a six", false},
		{seven, "he was not an ill disposed young man", false},
		{seven, "seven years ago the council met", false},
		{seven, "", false},
		{seven, "sadly", false}, // one word, but the answer had three
		{Parse(RatingQuestion, "two"), "true", true},
		{Parse(RatingQuestion, "two"), "", false},
		{Parse(RatingQuestion, "two"), "true love", false},
		{Parse(RatingQuestion, "two"), "three", false},
		{yes, "yes", true},
		{yes, "yeah sure", true},
		{yes, "no", false},
		{yes, "yes and no", false},
		{knee, "my knee", true},
		{knee, "my knee and my hip", false},
		{Parse(RatingQuestion, "pardon"), "pardon", false},
	}
	for _, tc := range tests {
		if got := Confirms(tc.reply, tc.transcript); got != tc.want {
			t.Errorf("Confirms(%q, %q) = %v", tc.reply.Heard, tc.transcript, got)
		}
	}
}

// A plain yes is a yes-word alone, or "yes please": any lead-in, tail or
// acknowledgement makes it an ordinary yes only, and a no or an unclear
// reply is never one.
func TestPlainYes(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"yes", true},
		{"Yeah.", true},
		{"yep", true},
		{"yes please", true},
		{"oh so alright", false},
		{"alright", false},
		{"okay", false},
		{"sure", false},
		{"oh yes", false},
		{"yes I think", false},
		{"well yeah", false},
		{"no", false},
		{"hmm", false},
		{"", false},
	} {
		if got := Parse(YesNoQuestion, tc.text).PlainYes(); got != tc.want {
			t.Errorf("PlainYes(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
	if (Reply{Kind: YesNoQuestion, Heard: "yes", Answer: No}).PlainYes() {
		t.Error("a reply whose answer is no was taken for a plain yes")
	}
}
