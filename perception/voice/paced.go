package voice

import (
	"context"
	"errors"
	"time"
)

// Paced delivers another source's audio no faster than speed times real
// time, so a file played into a live run behaves like a microphone (at
// --speed 20, twenty seconds of audio per second). Waiting uses timers on
// ctx, never a bare sleep; the first Read starts the clock.
type Paced struct {
	src   AudioSource
	speed float64
	start time.Time
	fed   int64 // samples delivered
}

// NewPaced wraps src; speed must be positive.
func NewPaced(src AudioSource, speed float64) (*Paced, error) {
	if !(speed > 0) {
		return nil, errors.New("voice: pacing speed must be positive")
	}
	return &Paced{src: src, speed: speed}, nil
}

// Read waits until the audio before buf is due, then reads from the source.
func (p *Paced) Read(ctx context.Context, buf []float32) (int, error) {
	if p.start.IsZero() {
		p.start = time.Now()
	}
	due := p.start.Add(time.Duration(float64(samplesToDuration(p.fed)) / p.speed))
	if wait := time.Until(due); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-t.C:
		}
	}
	n, err := p.src.Read(ctx, buf)
	p.fed += int64(n)
	return n, err
}
