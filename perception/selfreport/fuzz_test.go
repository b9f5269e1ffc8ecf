package selfreport

import "testing"

// FuzzParse: whatever a recogniser hears (the answers to the robot's
// questions come from outside, through speech), Parse never panics, gives
// a rating only on the 0–10 scale and answers the question it was asked;
// a clear reply is borne out by its own text (Confirms), so a clear
// answer is never lost for want of a second hearing that says the same.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"seven", "about a seven", "six or seven", "yes please", "no", "my knee and back",
		"it's an eight", "ten out of ten", "", "\xff", "one two three four five", "please"} {
		f.Add(uint8(RatingQuestion), s)
		f.Add(uint8(YesNoQuestion), s)
	}
	f.Fuzz(func(t *testing.T, kind uint8, text string) {
		k := Kind(kind % 4)
		r := Parse(k, text)
		if r.Kind != k {
			t.Fatalf("Parse(%v, %q) answers %v", k, text, r.Kind)
		}
		if r.Rating != NoRating && !r.Rating.Valid() {
			t.Fatalf("Parse(%v, %q) rating %d", k, text, r.Rating)
		}
		if r.Clear() && !Confirms(r, text) {
			t.Fatalf("Parse(%v, %q) = %+v, clear, but its own text does not confirm it", k, text, r)
		}
	})
}
