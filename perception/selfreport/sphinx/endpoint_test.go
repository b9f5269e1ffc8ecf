package sphinx

import (
	"math"
	"os/exec"
	"slices"
	"testing"

	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/sphinx"
)

// TestNotOwnUtterance checks each bound of an answer's own utterance on a
// made-up window: quiet room noise with loud noise where someone speaks,
// and the words a decoder could have put on it (frames of 10 ms, counted
// from the start of what was decoded). Each bound's rows fail with that
// bound switched off.
func TestNotOwnUtterance(t *testing.T) {
	const frame = Rate / frameRate
	// window is n frames of quiet with speech in the frames [from, to).
	window := func(n int, spans ...[2]int) []float32 {
		x := roomNoise(n*frame, 0.001)
		loud := roomNoise(n*frame, 0.2)
		for _, s := range spans {
			copy(x[s[0]*frame:s[1]*frame], loud[s[0]*frame:s[1]*frame])
		}
		return x
	}
	// ringing adds a room's reverberant tail to x from frame from: the
	// speech's level falling dbPerFrame each frame.
	ringing := func(x []float32, from int, dbPerFrame float64) []float32 {
		tail := roomNoise(len(x)-from*frame, 0.2)
		for i := range tail {
			x[from*frame+i] += tail[i] * float32(math.Pow(10, -dbPerFrame*float64(i/frame)/20))
		}
		return x
	}
	seven := func(from, to int) []sphinx.Segment {
		return []sphinx.Segment{{Word: "<sil>", Start: 0, End: from - 1}, {Word: "seven", Start: from, End: to - 1},
			{Word: "<sil>", Start: to, End: 1000}}
	}
	for _, tc := range []struct {
		name      string
		heard     []float32
		off, n    int // what was decoded, in samples
		segs      []sphinx.Segment
		want      string
		wantClear bool
	}{
		{name: "answer between pauses", heard: window(300, [2]int{100, 160}), n: 300 * frame,
			segs: seven(100, 160), wantClear: true},
		{name: "a breath after it", heard: window(300, [2]int{100, 160}, [2]int{180, 200}), n: 300 * frame,
			segs: seven(100, 160), wantClear: true},
		{name: "answer decoded from the middle of the window", heard: window(300, [2]int{100, 160}), off: 80 * frame, n: 120 * frame,
			segs: seven(20, 80), wantClear: true},
		{name: "a sound at the start, a pause, then the answer", heard: window(300, [2]int{0, 5}, [2]int{40, 100}), n: 300 * frame,
			segs: seven(40, 100), wantClear: true},
		{name: "an answer that ends the window in quiet", heard: window(300, [2]int{200, 280}), n: 300 * frame,
			segs: seven(200, 300)[:2], wantClear: true},
		{name: "speech from the first frame (a trimmed recording)", heard: window(300, [2]int{0, 60}), n: 300 * frame,
			segs:      []sphinx.Segment{{Word: "seven", Start: 0, End: 59}, {Word: "<sil>", Start: 60, End: 299}},
			wantClear: true},
		{name: "cut off at the end of the window", heard: window(300, [2]int{240, 300}), n: 300 * frame,
			segs: seven(240, 300)[:2], want: "cut off by the end of listening"},
		{name: "cut off where the decoded part ends", heard: window(300, [2]int{100, 300}), n: 200 * frame,
			segs: seven(100, 200)[:2], want: "cut off by the end of listening"},
		{name: "speech runs on, put into silence", heard: window(300, [2]int{100, 260}), n: 300 * frame,
			segs: seven(100, 160), want: "speech runs on after it"},
		// A strong room (a reverberation time of 1.2 s) keeps the tail 15
		// dB above the quiet for 62 frames, more than runOnSpeech.
		{name: "a room rings on after it", heard: ringing(window(300, [2]int{100, 160}), 160, 0.5), n: 300 * frame,
			segs: seven(100, 160), wantClear: true},
		{name: "speech runs on after the room's ringing", heard: ringing(window(300, [2]int{100, 160}, [2]int{200, 260}), 160, 0.5), n: 300 * frame,
			segs: seven(100, 160), want: "speech runs on after it"},
		{name: "a steady sound runs on", heard: window(300, [2]int{100, 300}), n: 300 * frame,
			segs: seven(100, 160), want: "speech runs on after it"},
	} {
		got := notOwnUtterance(tc.heard, tc.off, tc.n, tc.segs)
		if got != tc.want || (got == "") != tc.wantClear {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestAnswerUnderWay hears an answer that fills the window from its first
// frame, as a recorded answer trimmed to its first sound and played from
// the window's start does (a scenario's, or a file kindred analyze
// reads): it is an answer, as it is after a short pause. Speech under way
// when listening began cannot be told from it, so it is not rejected.
func TestAnswerUnderWay(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	r := newRecogniser(t, DefaultOpts())
	answer := say(t, t.TempDir(), "flite:slt", 175, "About a five.")
	// The onset is the first of 5 frames of speech in a row (flite's
	// takes may click before the words).
	loud := selfreport.LoudFrames(answer, Rate)
	onset := 0
	for onset+5 < len(loud) && slices.Contains(loud[onset:onset+5], false) {
		onset++
	}
	cut := answer[onset*(Rate/frameRate):]
	paused := append(roomNoise(Rate/4, 0.001), cut...)
	for _, tc := range []struct {
		name string
		x    []float32
		want selfreport.Rating
	}{
		{"after a pause", paused, 5},
		{"from the first sound", cut, 5},
	} {
		rep, err := r.Recognise(selfreport.RatingQuestion, tc.x)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rating != tc.want {
			t.Errorf("%s: %+v, want rating %v", tc.name, rep, tc.want)
		}
	}
}

// BenchmarkNotOwnUtterance is what the bounds add to the end of an answer
// (BenchmarkEndOfAnswer): one pass over the longest window Feed keeps.
func BenchmarkNotOwnUtterance(b *testing.B) {
	const frame = Rate / frameRate
	x := roomNoise(2*int(DefaultOpts().MaxAnswer.Seconds())*Rate, 0.001)
	copy(x[300*frame:400*frame], roomNoise(100*frame, 0.2))
	segs := []sphinx.Segment{{Word: "<sil>", Start: 0, End: 299}, {Word: "seven", Start: 300, End: 399}, {Word: "<sil>", Start: 400, End: 999}}
	for b.Loop() {
		if why := notOwnUtterance(x, 0, len(x), segs); why != "" {
			b.Fatal(why)
		}
	}
}
