package voices

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Player plays audio. Play starts playback and returns at once; the
// returned Playing reports how much has been heard, so mouth movement can
// follow the sound rather than a clock of its own.
type Player interface {
	Play(ctx context.Context, a Audio) (Playing, error)
}

// Playing is one audio clip on its way out.
type Playing interface {
	// Position is how much of the clip has been played so far.
	Position() time.Duration
	// Done is closed when the whole clip has been played or Stop was called.
	Done() <-chan struct{}
	// Stop cuts playback short; it is idempotent.
	Stop()
}

// ErrNoAudioOutput marks a player that cannot make sound. The Speaker goes
// on silently (mouth moving in time) when its Player returns it; any other
// error of Play silences only the clip it refused.
var ErrNoAudioOutput = errors.New("voices: no audio output")

// SilentPlayer plays nothing but keeps time with the clock, so a robot with
// no speaker still moves its mouth at the pace of its speech and the
// journal still records what it said. Under testing/synctest its clock is
// the bubble's.
type SilentPlayer struct{}

var _ Player = SilentPlayer{}

// Play starts a silent clip as long as a.
func (SilentPlayer) Play(ctx context.Context, a Audio) (Playing, error) {
	p := &silentPlaying{start: time.Now(), length: a.Duration(), done: make(chan struct{})}
	p.timer = time.AfterFunc(p.length, p.Stop)
	return p, nil
}

type silentPlaying struct {
	start  time.Time
	length time.Duration
	timer  *time.Timer

	once    sync.Once
	mu      sync.Mutex
	stopped time.Duration
	done    chan struct{}
}

func (p *silentPlaying) Position() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.done:
		return p.stopped
	default:
	}
	return min(time.Since(p.start), p.length)
}

func (p *silentPlaying) Done() <-chan struct{} { return p.done }

func (p *silentPlaying) Stop() {
	p.once.Do(func() {
		p.timer.Stop()
		p.mu.Lock()
		p.stopped = min(time.Since(p.start), p.length)
		close(p.done)
		p.mu.Unlock()
	})
}
