package voice

import (
	"context"
	"time"

	"github.com/kindred-hri/kindred/sessiontime"
)

// Paced delivers another source's audio no faster than the session clock
// plays it, so a file played into a live run behaves like a microphone (at
// --speed 20, twenty seconds of audio per second). Waiting uses timers on
// ctx, never a bare sleep; the first Read starts the clock.
type Paced struct {
	src   AudioSource
	clock *sessiontime.Clock
	start time.Time
	fed   int64 // samples delivered
}

// NewPaced wraps src, paced by clock (nil: real time).
func NewPaced(src AudioSource, clock *sessiontime.Clock) *Paced {
	return &Paced{src: src, clock: sessiontime.Or(clock)}
}

// Read waits until the audio before buf is due, then reads from the source.
func (p *Paced) Read(ctx context.Context, buf []float32) (int, error) {
	if p.start.IsZero() {
		p.start = time.Now()
	}
	if err := sessiontime.WaitUntil(ctx, p.clock.WallAt(p.start, samplesToDuration(p.fed))); err != nil {
		return 0, err
	}
	n, err := p.src.Read(ctx, buf)
	p.fed += int64(n)
	return n, err
}
