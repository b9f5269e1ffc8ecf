package microphone

import (
	"bytes"
	"context"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ebitengine/oto/v3"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/voice"
	"github.com/kindred-hri/kindred/perception/voice/wav"
	"github.com/kindred-hri/kindred/voices/playback/playbacktest"
)

// TestLoopback plays espeak-ng speech with oto into a PulseAudio null sink
// and captures it back from the sink's monitor through malgo: the capture
// must be detected as speech with the file's F0 within 10 %. `make test`
// sets KINDRED_TEST_AUDIO=1 after starting that sound server; the sink is
// this test binary's own (see playbacktest), so no other test's sound or
// sink changes reach it.
func TestLoopback(t *testing.T) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		t.Skip("KINDRED_TEST_AUDIO not set (needs PulseAudio with the null sink robot)")
	}
	p := filepath.Join(t.TempDir(), "say.wav")
	if err := exec.Command("espeak-ng", "-w", p, "Hello, I am here with you. Shall we breathe together slowly?").Run(); err != nil {
		t.Fatalf("espeak-ng: %v", err)
	}
	clip, err := wav.DecodeFile(p)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := voice.AnalyzeSamples(t.Context(), clip.Mono16k(), voice.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}

	o := DefaultOpts()
	o.Name = os.Getenv("KINDRED_TEST_MIC")
	if o.Name == "" {
		o.Name = playbacktest.MonitorDevice() // oto plays into its sink (PULSE_SINK)
	}
	mic, err := Open(o)
	if err != nil {
		t.Fatalf("open capture: %v", err)
	}
	defer mic.Close()

	octx, ready, err := oto.NewContext(&oto.NewContextOptions{SampleRate: clip.Rate, ChannelCount: 1, Format: oto.FormatSignedInt16LE})
	if err != nil {
		t.Fatalf("oto: %v", err)
	}
	<-ready
	if err := octx.Err(); err != nil {
		t.Fatalf("oto: %v", err)
	}
	var pcm bytes.Buffer
	for _, v := range clip.Samples {
		binary.Write(&pcm, binary.LittleEndian, int16(math.Round(float64(v)*32767)))
	}
	player := octx.NewPlayer(&pcm)
	defer player.Close()

	ctx, cancel := context.WithTimeout(t.Context(), time.Duration(clip.Duration()*float64(time.Second))+3*time.Second)
	defer cancel()
	var captured []float32
	buf := make([]float32, 320)
	player.Play()
	for ctx.Err() == nil {
		n, err := mic.Read(ctx, buf)
		if err != nil && ctx.Err() == nil {
			t.Fatalf("capture: %v", err)
		}
		captured = append(captured, buf[:n]...)
	}
	got, err := voice.AnalyzeSamples(context.Background(), captured, voice.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	speech := 0
	for _, ob := range got.Obs {
		if ob.Vocalisation.Class == perception.VocalSpeech {
			speech++
		}
	}
	t.Logf("captured %.2f s, %d speech hops, F0 %.1f Hz (file %.1f Hz), dropped %d chunks",
		float64(len(captured))/voice.Rate, speech, got.Summary.F0Mean, ref.Summary.F0Mean, mic.Dropped())
	if speech < 50 {
		t.Errorf("only %d hops heard as speech", speech)
	}
	if rel := math.Abs(got.Summary.F0Mean-ref.Summary.F0Mean) / ref.Summary.F0Mean; rel > 0.10 {
		t.Errorf("captured F0 %.1f Hz, file %.1f Hz: %.0f %% apart", got.Summary.F0Mean, ref.Summary.F0Mean, 100*rel)
	}
}

// TestLossAndReturn captures from the monitor of a private null sink,
// unloads that sink under the running capture and loads it again: Run must
// report the voice modality lost, then back. The shared "robot" sink is
// left alone, since other packages' tests may be playing through it.
func TestLossAndReturn(t *testing.T) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		t.Skip("KINDRED_TEST_AUDIO not set (needs PulseAudio with the null sink robot)")
	}
	for _, tool := range []string{"pactl", "paplay", "sox"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	pactl := func(args ...string) string {
		out, err := exec.Command("pactl", args...).Output()
		if err != nil {
			t.Fatalf("pactl %v: %v", args, err)
		}
		return string(bytes.TrimSpace(out))
	}
	const sink = "kindred_voice_loss"
	load := func() string {
		return pactl("load-module", "module-null-sink", "sink_name="+sink, "sink_properties=device.description=KindredVoiceLoss")
	}
	module := load()
	defer func() { exec.Command("pactl", "unload-module", module).Run() }()

	// Keep the sink busy so its monitor never idles into suspension.
	quiet := filepath.Join(t.TempDir(), "quiet.wav")
	if err := exec.Command("sox", "-n", "-r", "16000", "-c", "1", "-b", "16", quiet, "synth", "30", "whitenoise", "gain", "-50").Run(); err != nil {
		t.Fatalf("sox: %v", err)
	}
	play := func() *exec.Cmd {
		c := exec.Command("paplay", "-d", sink, quiet)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		return c
	}
	player := play()
	defer func() { player.Process.Kill(); player.Wait() }()

	o := DefaultOpts()
	o.Name = "Monitor of KindredVoiceLoss"
	o.Watchdog = 300 * time.Millisecond
	mic, err := Open(o)
	if err != nil {
		t.Fatalf("open capture: %v", err)
	}
	defer mic.Close()
	vo := voice.DefaultOpts()
	vo.RetryDelay = 100 * time.Millisecond
	a, err := voice.NewAnalyzer(vo)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	events := make(chan perception.Event, 8)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, mic, func(perception.VoiceObs) {}, events) }()

	pactl("unload-module", module)
	want := []perception.EventKind{perception.EventModalityLost, perception.EventModalityBack}
	for i, kind := range want {
		select {
		case ev := <-events:
			if ev.Kind != kind || ev.Modality != perception.ModVoice {
				t.Fatalf("event %+v, want %s", ev, kind)
			}
		case <-ctx.Done():
			t.Fatalf("no %s event", kind)
		}
		if i == 0 {
			module = load()
			player.Process.Kill()
			player.Wait()
			player = play()
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
