package selfreport

import "testing"

// TestUncarried reads hypotheses as the answer recogniser gave them, with
// their word times, among them those it heard in ordinary speech and in
// answers it got wrong (`kindred eval --only words`, TestAnswerSweep):
// each rejected row fails with its rule switched off.
func TestUncarried(t *testing.T) {
	for _, tc := range []struct {
		name, words string
		want        string
	}{
		{"a bare number", "seven:200-700", ""},
		{"a hedge", "maybe:100-400 three:400-800", ""},
		{"about a", "about:100-380 a:380-440 seven:440-830", ""},
		{"an eight", "about:100-430 an:430-570 eight:570-990", ""},
		{"an eight alone (flite kal's \"eight\")", "an:0-410 eight:410-630", ""},
		{"a eight, as the sweep's carriers say it", "it's:0-200 a:200-300 eight:300-600", ""},
		{"out of ten", "i'd:0-100 say:100-400 seven:400-800 out:800-900 of:900-1000 ten:1000-1300", ""},
		{"a marker inside the phrase", "about:0-350 oh:350-460 one:460-800", ""},
		{"a marker, then a carrier", "well:0-300 it's:300-480 a:480-520 six:520-900", ""},
		{"a filler is no marker (\"It's a eight\" heard as \"um eight\")", "um:0-130 eight:130-420", ""},
		{"so is no marker (\"It's a three\" heard as \"so three\")", "so:0-160 three:160-560", ""},
		{"a marker set off by a pause", "well:0-300 eight:520-800", ""},
		{"no number", "my:0-200 knee:200-500", ""},
		// Asterisk's prompt "lowercase"
		{"like eight", "like:130-610 eight:610-910", "no pause between like and eight"},
		// en-us+f2 and en-gb-scotland+m2 saying "one."
		{"well eight", "well:0-270 eight:270-440", "no pause between well and eight"},
		{"two markers", "oh:0-100 well:100-300 eight:300-600", "no pause between well and eight"},
		{"a pause too short to hear", "like:0-300 eight:450-700", "no pause between like and eight"},
		// a number read out in a fortune
		{"an three", "an:0-150 three:150-500", "an before three"},
		// en-gb+m1 saying "seven."
		{"an one", "an:0-170 one:170-330", "an before one"},
		{"an before a digit", "about:0-300 an:300-400 3:400-700", "an before 3"},
	} {
		if got := Uncarried(timed(t, tc.words)); got != tc.want {
			t.Errorf("%s: Uncarried(%s) = %q, want %q", tc.name, tc.words, got, tc.want)
		}
	}
}
