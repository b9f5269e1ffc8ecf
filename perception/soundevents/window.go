package soundevents

import (
	"context"
	"fmt"
	"time"
)

// YAMNet's framing (its params.py): 16 kHz, 0.975 s patches of 96 frames
// of 25 ms every 10 ms, patches every 0.48 s.
const (
	Rate          = 16000
	WindowSamples = 15600 // 0.975 s
	HopSamples    = 7680  // 0.48 s
	FrameSamples  = 400   // 25 ms
	FrameStep     = 160   // 10 ms
	Frames        = 96
	NumClasses    = 521
)

// Scores are one window's class scores, in the class map's order.
type Scores [NumClasses]float32

// Scorer scores one window of WindowSamples samples in [-1, 1].
type Scorer interface {
	Score(window []float32) (*Scores, error)
}

// Window is one scored window; At is its start in stream time.
type Window struct {
	At     time.Duration
	Scores *Scores
	// Err, from RunLive only, is why the scorer failed on this window;
	// Scores is nil then.
	Err error
}

// FrameInto lays a window out as the model's [96,400] input: frame i is
// samples i×160 … i×160+399, so neighbouring frames overlap.
func FrameInto(dst, window []float32) {
	for i := range Frames {
		copy(dst[i*FrameSamples:(i+1)*FrameSamples], window[i*FrameStep:i*FrameStep+FrameSamples])
	}
}

// Run is the sound-event stage: it gathers the chunks read from in, scores
// a window every hop and sends it to out, and closes out when in is closed
// or ctx ends. When in closes, samples not yet covered by a window are
// scored in one last window padded with silence, as YAMNet pads a
// waveform, so a clip shorter than a window still gets one.
func Run(ctx context.Context, s Scorer, in <-chan []float32, out chan<- Window) error {
	return run(ctx, s, in, out, false)
}

// RunLive is Run for a live stream, where one window the scorer fails on
// (an inference gone wrong once) must not end the labels of the rest: the
// window is sent with Err set and no Scores, and the next is scored.
func RunLive(ctx context.Context, s Scorer, in <-chan []float32, out chan<- Window) error {
	return run(ctx, s, in, out, true)
}

func run(ctx context.Context, s Scorer, in <-chan []float32, out chan<- Window, live bool) error {
	defer close(out)
	var buf []float32  // samples from start on
	var start int64    // stream index of buf[0]
	var covered int64  // samples covered by windows sent so far
	var received int64 // samples received
	emit := func(w []float32) error {
		win := Window{At: time.Duration(start) * time.Second / Rate}
		win.Scores, win.Err = s.Score(w)
		if win.Err != nil {
			win.Scores, win.Err = nil, fmt.Errorf("soundevents: window at %.2f s: %w", float64(start)/Rate, win.Err)
			if !live {
				return win.Err
			}
		}
		select {
		case out <- win:
		case <-ctx.Done():
			return ctx.Err()
		}
		covered = start + WindowSamples
		return nil
	}
	for {
		var chunk []float32
		var ok bool
		select {
		case chunk, ok = <-in:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			break
		}
		buf = append(buf, chunk...)
		received += int64(len(chunk))
		for len(buf) >= WindowSamples {
			if err := emit(buf[:WindowSamples]); err != nil {
				return err
			}
			buf = buf[HopSamples:]
			start += HopSamples
		}
		// Keep the buffer from growing without bound on a long stream.
		if cap(buf) > 4*WindowSamples {
			buf = append([]float32(nil), buf...)
		}
	}
	if received > covered {
		pad := make([]float32, WindowSamples)
		copy(pad, buf)
		return emit(pad)
	}
	return nil
}

// ScoreAll runs the stage over a whole recording on its own goroutine, so
// the model can use another core while the caller does other work, and
// returns a function that waits for the windows.
func ScoreAll(ctx context.Context, s Scorer, samples []float32) (wait func() ([]Window, error)) {
	in := make(chan []float32, 1)
	out := make(chan Window, 8)
	errc := make(chan error, 1)
	in <- samples
	close(in)
	go func() { errc <- Run(ctx, s, in, out) }()
	return func() ([]Window, error) {
		var ws []Window
		for w := range out {
			ws = append(ws, w)
		}
		return ws, <-errc
	}
}
