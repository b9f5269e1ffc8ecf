package selfreport

import (
	"slices"
	"strings"
	"testing"
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
	g := Grammar(RatingQuestion, Garbage{})
	for _, want := range []string{" seven ", "out of ten", "no pain"} {
		if !strings.Contains(g, want) {
			t.Errorf("rating grammar lacks %q:\n%s", want, g)
		}
	}
	for _, not := range []string{"yes", "knee", "<garbage>"} {
		if strings.Contains(g, not) {
			t.Errorf("rating grammar has %q:\n%s", not, g)
		}
	}
	g = Grammar(YesNoQuestion, Garbage{Words: []string{"ph_aa", "ph_b"}, Weight: 1e-20})
	for _, want := range []string{"yes", "no thanks", "<garbage> = ph_aa | ph_b;", "/1e-20/ <other>"} {
		if !strings.Contains(g, want) {
			t.Errorf("yes/no grammar lacks %q:\n%s", want, g)
		}
	}
	if strings.Contains(g, "seven") {
		t.Errorf("yes/no grammar has numbers:\n%s", g)
	}
}
