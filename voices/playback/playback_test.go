package playback

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/voices"
)

// melody is a 1.5 s test clip: a 220 Hz tone with a 3 Hz syllable-like
// envelope, so level and pitch survive the trip and can be compared.
func melody() voices.Audio {
	a := voices.Audio{SampleRate: SampleRate, Samples: make([]int16, SampleRate*3/2)}
	for i := range a.Samples {
		t := float64(i) / SampleRate
		a.Samples[i] = int16(9000 * (0.6 - 0.4*math.Cos(2*math.Pi*3*t)) * math.Sin(2*math.Pi*220*t))
	}
	return a
}

// TestLoopback plays through oto into a PulseAudio null sink, this test
// binary's own (see playbacktest), and records its monitor with parec: the
// sound that comes back must be the sound that went out, and Position/Done
// must track it. `make test` starts that PulseAudio and sets
// KINDRED_TEST_AUDIO=1.
func TestLoopback(t *testing.T) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		t.Skip("KINDRED_TEST_AUDIO is not set (needs PulseAudio with a null sink \"robot\"; see DEPENDENCIES.md)")
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(); err != nil {
		t.Fatalf("Check after a successful Open: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	rec := startRecorder(t, ctx)
	defer rec.stop()
	// parec needs a moment to attach before anything worth recording plays;
	// its first (silent) samples are the signal.
	waitFor(t, func() bool { return rec.len() > 0 }, 5*time.Second, "parec to start recording")

	clip := melody()
	playing, err := p.Play(ctx, clip)
	if err != nil {
		t.Fatal(err)
	}
	var positions []time.Duration
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-playing.Done():
			break loop
		case <-tick.C:
			positions = append(positions, playing.Position())
		case <-ctx.Done():
			t.Fatal("playback never finished")
		}
	}
	if got := playing.Position(); got != clip.Duration() {
		t.Errorf("position at the end %v, want %v", got, clip.Duration())
	}
	for i := 1; i < len(positions); i++ {
		if positions[i] < positions[i-1] {
			t.Fatalf("position went back from %v to %v", positions[i-1], positions[i])
		}
	}
	if len(positions) < 10 {
		t.Errorf("only %d position samples during a %v clip", len(positions), clip.Duration())
	}
	// Let the tail drain through the sink into the recorder.
	have := rec.len()
	waitFor(t, func() bool { return rec.len() > have+SampleRate/2 }, 5*time.Second, "the recording")
	got := rec.stop()
	got = loudest(got, clip.Duration())
	src, back := voices.Measure(clip), voices.Measure(got)
	t.Logf("sent %.1f dBFS %.1f Hz; recorded %.1f dBFS %.1f Hz", src.RMSdBFS, src.F0Median, back.RMSdBFS, back.F0Median)
	if math.Abs(back.RMSdBFS-src.RMSdBFS) > 3 {
		t.Errorf("level came back at %.1f dBFS, sent %.1f", back.RMSdBFS, src.RMSdBFS)
	}
	if math.Abs(back.F0Median-220) > 3 {
		t.Errorf("pitch came back at %.1f Hz, sent 220", back.F0Median)
	}
}

func TestStopCutsPlaybackShort(t *testing.T) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		t.Skip("KINDRED_TEST_AUDIO is not set")
	}
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	clip := melody()
	playing, err := p.Play(t.Context(), clip)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return playing.Position() > 200*time.Millisecond }, 5*time.Second, "playback to start")
	playing.Stop()
	playing.Stop() // idempotent
	select {
	case <-playing.Done():
	default:
		t.Fatal("Done not closed after Stop")
	}
	if pos := playing.Position(); pos <= 0 || pos >= clip.Duration() {
		t.Errorf("stopped at %v of %v", pos, clip.Duration())
	}
}

// waitFor polls cond: real audio runs in real time, so this test cannot
// use a fake clock. It is a wait with a deadline, not a timing assertion.
func waitFor(t *testing.T, cond func() bool, limit time.Duration, what string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s after %v", what, limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// loudest cuts the stretch of length d with the most energy (the clip, not
// the silence recorded around it).
func loudest(a voices.Audio, d time.Duration) voices.Audio {
	n := int(d.Seconds() * float64(a.SampleRate))
	if n >= len(a.Samples) {
		return a
	}
	var sum, best float64
	bestAt := 0
	for i, s := range a.Samples {
		sum += float64(s) * float64(s)
		if i >= n {
			sum -= float64(a.Samples[i-n]) * float64(a.Samples[i-n])
		}
		if i >= n-1 && sum > best {
			best, bestAt = sum, i-n+1
		}
	}
	a.Samples = a.Samples[bestAt : bestAt+n]
	return a
}

func TestDiagnoseSaysWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, xdg, server string
		want              []string
	}{
		{"no runtime dir", "", "", []string{"XDG_RUNTIME_DIR is not set", "Start PulseAudio", "silently"}},
		{"no server", dir, "", []string{"no PulseAudio server at " + filepath.Join(dir, "pulse", "native")}},
		{"explicit server", dir, "unix:/nowhere", []string{"unix:/nowhere does not answer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("XDG_RUNTIME_DIR", tt.xdg)
			t.Setenv("PULSE_SERVER", tt.server)
			got := diagnose()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("diagnose() = %q, want it to mention %q", got, w)
				}
			}
		})
	}
	if err := unavailable(errors.New("x")); !errors.Is(err, voices.ErrNoAudioOutput) {
		t.Errorf("unavailable() = %v, want it to wrap ErrNoAudioOutput", err)
	}
}

func TestResample(t *testing.T) {
	in := make([]int16, 16000)
	for i := range in {
		in[i] = int16(10000 * math.Sin(2*math.Pi*200*float64(i)/16000))
	}
	out := resample(in, 16000, SampleRate)
	if len(out) != SampleRate {
		t.Fatalf("%d samples, want %d", len(out), SampleRate)
	}
	st := voices.Measure(voices.Audio{SampleRate: SampleRate, Samples: out})
	if math.Abs(st.F0Median-200) > 2 {
		t.Errorf("resampled pitch %.1f Hz, want 200", st.F0Median)
	}
}
