package sphinx

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/speechcorpus"
	"github.com/kindred-hri/kindred/perception/selfreport"
)

// setDenoise sets the noise removal's settings from
// KINDRED_ANSWER_DENOISE_BELOW (dB; 0 turns it off, as before it),
// KINDRED_ANSWER_DENOISE_WIENER (0: Berouti's subtraction),
// KINDRED_ANSWER_DENOISE_ALPHA and KINDRED_ANSWER_DENOISE_FLOOR for the
// rest of t, and describes what it set.
func setDenoise(t *testing.T) string {
	t.Helper()
	cfg := ""
	for _, v := range []struct {
		env string
		to  *float64
	}{
		{"KINDRED_ANSWER_DENOISE_BELOW", &denoiseBelow},
		{"KINDRED_ANSWER_DENOISE_ALPHA", &overSubtract},
		{"KINDRED_ANSWER_DENOISE_FLOOR", &spectralFloor},
	} {
		s := os.Getenv(v.env)
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatalf("%s %q: %v", v.env, s, err)
		}
		was := *v.to
		t.Cleanup(func() { *v.to = was })
		*v.to = x
		cfg += " " + v.env + "=" + s
	}
	if s := os.Getenv("KINDRED_ANSWER_DENOISE_WIENER"); s != "" {
		w, err := strconv.ParseBool(s)
		if err != nil {
			t.Fatalf("KINDRED_ANSWER_DENOISE_WIENER %q: %v", s, err)
		}
		was := wienerGain
		t.Cleanup(func() { wienerGain = was })
		wienerGain = w
		cfg += " KINDRED_ANSWER_DENOISE_WIENER=" + s
	}
	return cfg
}

// withDenoiseBelow sets denoiseBelow to db for the rest of t.
func withDenoiseBelow(t *testing.T, db float64) {
	was := denoiseBelow
	t.Cleanup(func() { denoiseBelow = was })
	denoiseBelow = db
}

// TestFFT checks the transform against the DFT's definition, summed
// directly, and the inverse against n times the input.
func TestFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 8, 512} {
		x := make([]complex128, n)
		for i := range x {
			x[i] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
		got := slices.Clone(x)
		fft(got, false)
		for k := range n {
			var want complex128
			for j, v := range x {
				want += v * cmplx.Rect(1, -2*math.Pi*float64(j*k)/float64(n))
			}
			if cmplx.Abs(got[k]-want) > 1e-9*float64(n) {
				t.Fatalf("n %d: bin %d = %v, want %v", n, k, got[k], want)
			}
		}
		fft(got, true)
		for j, v := range x {
			if cmplx.Abs(got[j]/complex(float64(n), 0)-v) > 1e-9 {
				t.Fatalf("n %d: inverse sample %d = %v, want %v", n, j, got[j], v)
			}
		}
	}
}

// noisyTone is half a second of white noise of RMS noise, then a second
// of a 1 kHz tone of amplitude amp (bin 32 of the 512-point frames) with
// the noise going on, and the tone alone, where it is in the window.
func noisyTone(noise, amp float64) (window, tone []float32, start int) {
	rng := rand.New(rand.NewPCG(7, 11))
	start = Rate / 2
	window = make([]float32, start+Rate)
	tone = make([]float32, Rate)
	for i := range window {
		window[i] = float32(noise * rng.NormFloat64())
		if i >= start {
			tone[i-start] = float32(amp * math.Sin(2*math.Pi*1000*float64(i-start)/Rate))
			window[i] += tone[i-start]
		}
	}
	return window, tone, start
}

// TestDenoisedRemovesSteadyNoise subtracts the white noise measured
// before a tone from the tone in that noise and compares the result with
// the tone alone. A bin of white Gaussian noise's periodogram has an
// exponentially distributed power of mean N, so Berouti's rule, which
// keeps max(P-αN, βN), leaves on average N(e^-α + β(1-e^-α)) in the
// bins without the tone; the tone's bins, far above the noise, keep the
// tone. So the error (what is left of the noise, and what the tone lost)
// must lie within 1 dB of that below the noise. Without the subtraction
// it is the noise, 0 dB.
func TestDenoisedRemovesSteadyNoise(t *testing.T) {
	withDenoiseBelow(t, 30)
	defer func(was bool) { wienerGain = was }(wienerGain)
	wienerGain = false
	for _, amp := range []float64{0.02, 0.1} { // frame SNRs of 3 and 17 dB
		window, tone, start := noisyTone(0.01, amp)
		y := denoised(window, start, len(window))
		var errPow, noisePow, toneGain, tonePow float64
		for i, v := range y {
			e := float64(v - tone[i])
			errPow += e * e
			n := float64(window[start+i] - tone[i])
			noisePow += n * n
			toneGain += float64(v) * float64(tone[i])
			tonePow += float64(tone[i]) * float64(tone[i])
		}
		a := overSubtract - 10*math.Log10(amp*amp/2/0.0001)*3/20
		want := -10 * math.Log10(math.Exp(-a)+spectralFloor*(1-math.Exp(-a)))
		drop := 10 * math.Log10(noisePow/errPow)
		t.Logf("tone %g: error %.1f dB below the noise (expected %.1f); tone kept at %.2f", amp, drop, want, toneGain/tonePow)
		if math.Abs(drop-want) > 1 {
			t.Errorf("tone %g: error %.1f dB below the noise, want %.1f ± 1", amp, drop, want)
		}
		if g := toneGain / tonePow; g < 0.95 || g > 1.05 {
			t.Errorf("tone %g: kept at %.2f of its amplitude, want 0.95 to 1.05", amp, g)
		}
	}
}

// TestWienerGainOnNoise runs the decision-directed Wiener gain over
// white noise alone, as heard before the answer and through its span. In
// noise the a priori SNR estimate, (1-a)·max(γ-1, 0) plus a times the
// last frame's cleaned power over the noise's, averages (1-a)/e = 0.007
// and stays mostly below its floor ξ (spectralFloor, 0.05), so the gain
// is ξ/(1+ξ): the noise must come out within 1.5 dB of 20·log10 of that
// (-26.4 dB). Without the subtraction it comes out at 0 dB.
func TestWienerGainOnNoise(t *testing.T) {
	withDenoiseBelow(t, 30)
	defer func(was bool) { wienerGain = was }(wienerGain)
	wienerGain = true
	window, _, start := noisyTone(0.01, 0)
	y := denoised(window, start, len(window))
	var in, out float64
	for i, v := range y {
		in += float64(window[start+i]) * float64(window[start+i])
		out += float64(v) * float64(v)
	}
	got := 10 * math.Log10(out/in)
	want := 20 * math.Log10(spectralFloor/(1+spectralFloor))
	t.Logf("noise out %.1f dB (expected %.1f)", got, want)
	if math.Abs(got-want) > 1.5 {
		t.Errorf("noise out %.1f dB, want %.1f ± 1.5", got, want)
	}
}

// TestDenoisedLeavesQuietAnswers checks that an answer is decoded as
// heard when there is no noise to subtract: digital silence before it,
// too little quiet before it, or an SNR above denoiseBelow; and that the
// frames' overlap-add gives back the signal when nothing is subtracted.
func TestDenoisedLeavesQuietAnswers(t *testing.T) {
	withDenoiseBelow(t, 30)
	noisy, _, start := noisyTone(0.01, 0.1)
	quiet, _, _ := noisyTone(0.0001, 0.1) // 57 dB SNR
	silent, _, _ := noisyTone(0, 0.1)
	tests := []struct {
		name   string
		window []float32
		start  int
	}{
		{"digital silence before", silent, start},
		{"noise 57 dB down", quiet, start},
		{"100 ms before", noisy[start-Rate/10:], Rate / 10},
	}
	for _, tc := range tests {
		y := denoised(tc.window, tc.start, len(tc.window))
		if &y[0] != &tc.window[tc.start] {
			t.Errorf("%s: the span was changed", tc.name)
		}
	}
	y := subtract(noisy, make([]float64, denoiseFrame/2+1), hann(denoiseFrame))
	for i, v := range y {
		if math.Abs(float64(v-noisy[i])) > 1e-6 {
			t.Fatalf("nothing subtracted: sample %d = %g, want %g", i, v, noisy[i])
		}
	}
}

// spanSNRs describes the SNRs spanSNR measures in the answers' spans of
// takes: how many it cannot measure (no noise, too little quiet before),
// their range and quartiles, and how many lie below denoiseBelow.
func spanSNRs(takes []take, longest time.Duration) string {
	var snrs []float64
	for _, tk := range takes {
		start, end := speechSpan(tk.x, longest)
		if _, snr, ok := spanSNR(tk.x, start, end); ok {
			snrs = append(snrs, snr)
		}
	}
	if len(snrs) == 0 {
		return fmt.Sprintf("span SNR: none measured of %d", len(takes))
	}
	slices.Sort(snrs)
	below := 0
	for _, v := range snrs {
		if v < denoiseBelow {
			below++
		}
	}
	q := func(p int) float64 { return snrs[(len(snrs)-1)*p/100] }
	return fmt.Sprintf("span SNR of %d measured (of %d): %.1f, %.1f, %.1f, %.1f, %.1f dB (min, quartiles, max); %d below %g dB",
		len(snrs), len(takes), q(0), q(25), q(50), q(75), q(100), below, denoiseBelow)
}

// TestRatingsUnderAFan hears held-out ratings (voices made from
// recordings, as TestRatingsInRoom's) in pink noise at 10 dB SNR, each
// mixed with the seed TestRatingsInRoom gives that take, that the decoder
// understood only with the noise removed: decoded as heard, it heard them
// as other talk (the garbage loop or the decoys won), and so it did with
// Berouti's subtraction instead of the Wiener gain.
func TestRatingsUnderAFan(t *testing.T) {
	if _, err := exec.LookPath("flite"); err != nil {
		t.Skip("flite not installed (make deps)")
	}
	r := newRecogniser(t, DefaultOpts())
	fan, err := speechcorpus.NewRoom(speechcorpus.Pink10)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		voice, text string
		seed        int // the take's number in TestRatingsInRoom
		want        selfreport.Rating
	}{
		{"flite:awb", "It's a three.", 18, 3},
		{"flite:rms", "It's a three.", 73, 3},
		{"festival:ked_diphone", "six.", 140, 6},
	}
	for _, tc := range tests {
		x, err := fan.Hear(t.Context(), say(t, dir, tc.voice, 150, tc.text), tc.seed)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := r.Recognise(selfreport.RatingQuestion, x)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rating != tc.want {
			t.Errorf("%s %q under a fan: heard %q (%v), want %v", tc.voice, tc.text, rep.Heard, rep.Rating, tc.want)
		}
	}
}

// windowSNRs describes, as spanSNRs does, the SNRs of the answers' spans
// in the windows falseReports decodes from clips: each recording's
// answer stretches (Opts.AnswerStretches) and its listenWindow windows.
// With r it also decodes, under selfreport.Any, the windows whose noise
// it would remove, with and without the removal, and logs both replies:
// the only windows where the removal can change what is heard.
func windowSNRs(t *testing.T, r *Recogniser, clips []clip) string {
	var takes []take
	w := int(listenWindow.Seconds() * Rate)
	o := DefaultOpts()
	for _, c := range clips {
		for _, s := range o.AnswerStretches(c.X) {
			takes = append(takes, take{name: fmt.Sprintf("%s stretch %.1f-%.1f s", c.Name, float64(s.Start)/Rate, float64(s.End)/Rate), x: c.X[s.Start:s.End]})
		}
		for _, s := range selfreport.Stretches(c.X, Rate, answerGap, answerPad, time.Hour) {
			for a := s.Start; a < s.End; a += w {
				if b := min(s.End, a+w); b-a >= Rate/4 {
					takes = append(takes, take{name: fmt.Sprintf("%s %.1f-%.1f s", c.Name, float64(a)/Rate, float64(b)/Rate), x: c.X[a:b]})
				}
			}
		}
	}
	for _, tk := range takes {
		start, end := speechSpan(tk.x, o.MaxAnswer)
		if _, snr, ok := spanSNR(tk.x, start, end); r != nil && ok && snr < denoiseBelow {
			with, err := r.Recognise(selfreport.Any, tk.x)
			if err != nil {
				t.Fatal(err)
			}
			was := denoiseBelow
			denoiseBelow = 0
			without, err := r.Recognise(selfreport.Any, tk.x)
			denoiseBelow = was
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s (SNR %.1f dB): with the noise removed %s %q, as heard %s %q", tk.name, snr,
				clearOr(with), with.Heard, clearOr(without), without.Heard)
		}
	}
	return spanSNRs(takes, o.MaxAnswer)
}

func clearOr(rep selfreport.Reply) string {
	if rep.Clear() {
		return "CLEAR"
	}
	return "unclear"
}

// BenchmarkDenoised measures the noise removal's share of the end of an
// answer: 10 s of listening (the most Feed keeps), a 5 s answer in it.
func BenchmarkDenoised(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 10*Rate)
	for i := range x {
		x[i] = float32(0.01 * rng.NormFloat64())
	}
	for b.Loop() {
		denoised(x, 5*Rate, len(x))
	}
}
