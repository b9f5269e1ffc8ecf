package playback

import (
	"context"
	"io"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/voices"
	"github.com/kindred-hri/kindred/voices/espeak"
	"github.com/kindred-hri/kindred/voices/playback/playbacktest"
)

// wallRecorder runs parec and keeps, with the audio, an estimate of the
// wall-clock time of its first sample: every chunk arrives after it was
// captured, so the earliest (arrival − captured duration) bounds it.
type wallRecorder struct {
	cmd  *exec.Cmd
	once sync.Once

	mu      sync.Mutex
	samples []int16
	start   time.Time
	done    chan struct{}
}

func startRecorder(t *testing.T, ctx context.Context) *wallRecorder {
	t.Helper()
	r := &wallRecorder{done: make(chan struct{})}
	r.cmd = exec.CommandContext(ctx, "parec", "--device="+playbacktest.Monitor(), "--format=s16le", "--rate=22050", "--channels=1", "--raw", "--latency-msec=10")
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("parec: %v", err)
	}
	go func() {
		defer close(r.done)
		buf := make([]byte, 4096)
		var odd []byte
		for {
			n, err := out.Read(buf)
			now := time.Now()
			if n > 0 {
				data := append(odd, buf[:n]...)
				r.mu.Lock()
				for i := 0; i+1 < len(data); i += 2 {
					r.samples = append(r.samples, int16(uint16(data[i])|uint16(data[i+1])<<8))
				}
				odd = append([]byte(nil), data[len(data)&^1:]...)
				first := now.Add(-time.Duration(len(r.samples)) * time.Second / SampleRate)
				if r.start.IsZero() || first.Before(r.start) {
					r.start = first
				}
				r.mu.Unlock()
			}
			if err == io.EOF || err != nil {
				return
			}
		}
	}()
	return r
}

func (r *wallRecorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.samples)
}

// stop ends the recording (idempotent) and returns it.
func (r *wallRecorder) stop() voices.Audio {
	r.once.Do(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
		_ = r.cmd.Wait()
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	return voices.Audio{SampleRate: SampleRate, Samples: r.samples}
}

// TestSpeakerMouthMatchesTheSoundHeard speaks through the whole chain
// (espeak → Speaker → oto → PulseAudio null sink → parec) and compares the
// jaw commands, on the wall clock, with the loudness of what was actually
// recorded, on the same clock: the jaw must be within 50 ms of the sound.
func TestSpeakerMouthMatchesTheSoundHeard(t *testing.T) {
	if os.Getenv("KINDRED_TEST_AUDIO") == "" {
		t.Skip("KINDRED_TEST_AUDIO is not set")
	}
	engine, err := espeak.Open()
	if err != nil {
		t.Fatal(err)
	}
	player, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	speaker, err := voices.NewSpeaker(engine, player, voices.DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	rec := startRecorder(t, ctx)
	defer rec.stop()
	waitFor(t, func() bool { return rec.len() > SampleRate/5 }, 5*time.Second, "parec")

	intents := make(chan behavior.Intent, 1)
	mouth := make(chan robot.Command, 64)
	events := make(chan voices.Spoken, 1)
	type stamped struct {
		at  time.Time
		jaw float64
	}
	var jaw []stamped
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for c := range mouth {
			jaw = append(jaw, stamped{time.Now(), c.Pose[robot.Jaw].Degrees()})
		}
	}()
	intents <- behavior.Intent{Kind: behavior.IntentSay, Say: &behavior.Utterance{Text: "Let your shoulders drop. Breathe in, and breathe out, nice and slow."}}
	close(intents)
	go func() {
		if err := speaker.Run(ctx, intents, mouth, events); err != nil {
			t.Error(err)
		}
	}()
	var spoken voices.Spoken
	for s := range events {
		spoken = s
	}
	<-collected
	time.Sleep(300 * time.Millisecond) // let the tail reach the recorder
	recorded := rec.stop()
	if spoken.Interrupted || spoken.Duration < time.Second || len(jaw) < 20 {
		t.Fatalf("spoken %+v with %d mouth commands", spoken, len(jaw))
	}

	// Resample the jaw onto the recording's 10 ms grid (each command holds
	// until the next) and compare.
	rec.mu.Lock()
	start := rec.start
	rec.mu.Unlock()
	grid := make([]float64, int(recorded.Duration()/(10*time.Millisecond)))
	j, cur := 0, 0.0
	for i := range grid {
		at := start.Add(time.Duration(i) * 10 * time.Millisecond)
		for j < len(jaw) && !jaw[j].at.After(at) {
			cur = jaw[j].jaw
			j++
		}
		grid[i] = cur
	}
	lag := voices.MouthLag(recorded, grid)
	t.Logf("jaw relative to the recorded sound: %v (positive: jaw late)", lag)
	if lag < -50*time.Millisecond || lag > 50*time.Millisecond {
		t.Errorf("jaw is %v off the sound heard, want within ±50 ms", lag)
	}
}
