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

// TestBackgroundTalker hears an answer beside a background talker (a
// television) 20 dB below it, on made-up windows: quiet room noise, the
// talker's syllables (250 ms of noise, 100 ms of pause) and the answer, as
// End finds and checks it (speechSpan, then notOwnUtterance on the words
// a decoder could have put on the span). The talker's words around the
// answer are background, not the answer's speech running on; the same
// speaker talking on after the answer still is. The rows marked so fail
// with judgeBackground off.
func TestBackgroundTalker(t *testing.T) {
	const frame = Rate / frameRate
	// window is n frames of quiet, the talker at tvAmp over the frames
	// [tv[0], tv[1]), and speech at 0.2 in the frames of spans.
	window := func(n int, tvAmp float32, tv [2]int, spans ...[2]int) []float32 {
		x := roomNoise(n*frame, 0.001)
		talker := roomNoise(n*frame, tvAmp)
		for f := tv[0]; f < tv[1]; f++ {
			if (f-tv[0])%35 < 25 {
				copy(x[f*frame:(f+1)*frame], talker[f*frame:(f+1)*frame])
			}
		}
		loud := roomNoise(n*frame, 0.2)
		for _, s := range spans {
			copy(x[s[0]*frame:s[1]*frame], loud[s[0]*frame:s[1]*frame])
		}
		return x
	}
	// near is how far the span may reach beyond the answer's frames: its
	// soft onset or coda (here the talker's syllable that adjoins it) and
	// the pad.
	// syllables adds the talker's syllables at 0.02 to x in the frames of
	// spans.
	syllables := func(x []float32, spans ...[2]int) []float32 {
		talker := roomNoise(len(x), 0.02)
		for _, s := range spans {
			copy(x[s[0]*frame:s[1]*frame], talker[s[0]*frame:s[1]*frame])
		}
		return x
	}
	pad := int(answerPad.Seconds() * frameRate)
	near := func(from, to int) [2]int {
		return [2]int{from - pad - int(softOnset.Seconds()*frameRate), to + pad + int(softCoda.Seconds()*frameRate)}
	}
	for _, tc := range []struct {
		name     string
		x        []float32
		answer   [2]int // the answer's frames
		want     string
		wantSpan [2]int // the frames the span End decodes must lie in; zero: not checked
		offFails bool
	}{
		{name: "an answer beside a talker 20 dB down", x: window(400, 0.02, [2]int{0, 400}, [2]int{150, 210}),
			answer: [2]int{150, 210}, wantSpan: near(150, 210), offFails: true},
		// The talker's first syllable runs on from the answer; a dip of
		// 100 ms, then the next.
		{name: "the talker's syllables after the answer", x: syllables(window(400, 0, [2]int{}, [2]int{150, 210}),
			[2]int{210, 240}, [2]int{250, 280}, [2]int{290, 320}, [2]int{330, 360}),
			answer: [2]int{150, 210}, wantSpan: [2]int{150 - pad, 240 + pad}, offFails: true},
		{name: "the same speaker runs on beside the talker", x: window(400, 0.02, [2]int{0, 400}, [2]int{150, 210}, [2]int{230, 330}),
			answer: [2]int{150, 210}, want: "speech runs on after it"},
		{name: "the same speaker runs on, no talker", x: window(400, 0, [2]int{}, [2]int{150, 210}, [2]int{230, 330}),
			answer: [2]int{150, 210}, want: "speech runs on after it"},
		{name: "an answer alone", x: window(400, 0, [2]int{}, [2]int{150, 210}),
			answer: [2]int{150, 210}, wantSpan: [2]int{150 - pad, 210 + pad}},
		// Feed keeps 10 s: the talker's first words, then a pause, then
		// the answer more than MaxAnswer after them.
		{name: "an answer long after the talker's words", x: window(1000, 0.02, [2]int{0, 100}, [2]int{600, 660}),
			answer: [2]int{600, 660}, wantSpan: near(600, 660), offFails: true},
		{name: "a talker as loud as the answer runs on", x: window(400, 0.2, [2]int{0, 400}, [2]int{150, 210}),
			answer: [2]int{150, 210}, want: "speech runs on after it"},
	} {
		for _, judge := range []bool{true, false} {
			judgeBackground = judge
			off, end := speechSpan(tc.x, DefaultOpts().MaxAnswer)
			judgeBackground = true
			from := off / frame
			segs := []sphinx.Segment{{Word: "<sil>", Start: 0, End: tc.answer[0] - from - 1},
				{Word: "seven", Start: tc.answer[0] - from, End: tc.answer[1] - from - 1}, {Word: "<sil>", Start: tc.answer[1] - from, End: end/frame - from}}
			if tc.answer[0] < from || tc.answer[1]*frame > end {
				segs = nil // the span misses the answer: nothing to hear
			}
			why := "the span misses the answer"
			if segs != nil {
				why = notOwnUtterance(tc.x, off, end-off, segs)
			}
			ok := why == tc.want && (tc.wantSpan == [2]int{} || tc.wantSpan[0] <= off/frame && end/frame <= tc.wantSpan[1])
			switch {
			case judge && !ok:
				t.Errorf("%s: %q, span %d-%d, want %q, span %v", tc.name, why, off/frame, end/frame, tc.want, tc.wantSpan)
			case !judge && ok && tc.offFails:
				t.Errorf("%s: passes with judgeBackground off", tc.name)
			case !judge && !ok && !tc.offFails:
				t.Errorf("%s: fails with judgeBackground off: %q, span %d-%d", tc.name, why, off/frame, end/frame)
			}
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
