package firmata

import "time"

// SetClock replaces the clock and sleep Halt's hold uses.
func (b *Board) SetClock(now func() time.Time, sleep func(time.Duration)) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.now, b.sleep = now, sleep
}
