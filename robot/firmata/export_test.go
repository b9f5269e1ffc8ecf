package firmata

import (
	"context"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// SetClock replaces the clock and sleep Halt's hold uses.
func (b *Board) SetClock(now func() time.Time, sleep func(time.Duration)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now, b.sleep = now, sleep
}

// Wire is what a dialer hands the board.
type Wire = wire

// OpenWith opens a board over dial, which it calls again with backoff
// when the link is lost.
func OpenWith(p *robot.Profile, dial func(ctx context.Context, lost func(error)) (Wire, error), bo Backoff) (*Board, error) {
	return open(p, dial, bo)
}
