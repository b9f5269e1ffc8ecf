package companion

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/voice"
)

// DefaultSenseStall is how long a live camera or microphone may deliver
// nothing before the engine is told the sense is lost (Parts.SenseStall). A
// camera gives a frame every 33 ms or so and the voice stage reads 20 ms at
// a time: ten seconds of nothing is no hiccup. The device need not say
// anything (a driver that hangs in a read does not); the engine waits
// behavior's Alert.SenseLost, counted from the last frame or audio, before
// a carer is told.
const DefaultSenseStall = 10 * time.Second

// MinSenseStall and MaxSenseStall bound Parts.SenseStall: the watch looks
// once a second, and a device silent for more than ten minutes unnoticed
// is no watch at all.
const (
	MinSenseStall = time.Second
	MaxSenseStall = 10 * time.Minute
)

// senseWatch watches one live device for what it delivers. The stage that
// reads the device marks each delivery; the device's own loss reports come
// through deviceLost; run, its one goroutine, decides when the sense is lost
// or back and tells the engine (behavior.Sense), which owns the alert.
type senseWatch struct {
	c         *Companion
	mod       perception.Modality
	component string // the fault's component: "camera", "microphone"
	nothing   string // what a stall lacks: "no frame", "no audio"

	mu      sync.Mutex
	last    time.Time     // wall time of the last delivery (or of the watch's start)
	lastAt  time.Duration // session time of it
	faulted bool          // a fault was recorded for the loss under way
	why     string        // what the device last said went wrong in it
}

func newSenseWatch(c *Companion, mod perception.Modality) *senseWatch {
	w := &senseWatch{c: c, mod: mod, component: "camera", nothing: "no frame"}
	if mod == perception.ModVoice {
		w.component, w.nothing = "microphone", "no audio"
	}
	w.reset()
	return w
}

// reset starts the count again, as if the device had just delivered.
func (w *senseWatch) reset() {
	now, at := time.Now(), w.c.clock.Now()
	w.mu.Lock()
	w.last, w.lastAt, w.faulted, w.why = now, at, false, ""
	w.mu.Unlock()
}

// delivered marks a frame or audio read.
func (w *senseWatch) delivered() { w.reset() }

// deviceLost takes the device's report that it went away or would not
// open: one fault record per loss, and the reason the carer will read if it
// lasts.
func (w *senseWatch) deviceLost(why string) {
	w.mu.Lock()
	first := !w.faulted
	w.faulted, w.why = true, why
	w.mu.Unlock()
	if first {
		w.c.noteFault(w.component, errors.New(why))
	}
}

// run checks the device once a second until ctx ends: silent for
// the companion's senseStall it is lost (a fault, when the device itself did not say so,
// and a Sense for the engine); delivering again it is back. While the
// person has opted out the devices are closed, and nothing is lost.
func (w *senseWatch) run(ctx context.Context) error {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lost := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if !w.c.sensorsOn.Load() {
			w.reset()
			lost = false // the engine forgets a loss on opting out
			continue
		}
		w.mu.Lock()
		silent, since, why, first := time.Since(w.last), w.lastAt, w.why, !w.faulted
		stall := w.c.senseStall
		if silent >= stall {
			w.faulted = true
		}
		w.mu.Unlock()
		switch {
		case !lost && silent >= stall:
			lost = true
			if first {
				w.c.noteFault(w.component, fmt.Errorf("%s for %v", w.nothing, stall))
			}
			w.c.sendInput(behavior.SenseInput(behavior.Sense{At: w.c.clock.Now(), Modality: w.mod, Lost: true,
				Since: since, Why: why}))
		case lost && silent < stall:
			lost = false
			w.c.sendInput(behavior.SenseInput(behavior.Sense{At: w.c.clock.Now(), Modality: w.mod}))
		}
	}
}

// watchedFrames marks each frame a camera delivers.
type watchedFrames struct {
	src face.FrameSource
	w   *senseWatch
}

func (s watchedFrames) Next(ctx context.Context) (perception.Frame, error) {
	f, err := s.src.Next(ctx)
	if err == nil {
		s.w.delivered()
	}
	return f, err
}

// watchedAudio marks each read that brings audio from a microphone.
type watchedAudio struct {
	src voice.AudioSource
	w   *senseWatch
}

func (s watchedAudio) Read(ctx context.Context, buf []float32) (int, error) {
	n, err := s.src.Read(ctx, buf)
	if n > 0 {
		s.w.delivered()
	}
	return n, err
}
