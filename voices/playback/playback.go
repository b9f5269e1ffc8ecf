package playback

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"

	"github.com/kindred-hri/kindred/voices"
)

// SampleRate is the output rate: espeak-ng's, so speech needs no resampling.
const SampleRate = 22050

// Player plays audio on the process's oto context.
type Player struct {
	ctx *oto.Context
}

var _ voices.Player = (*Player)(nil)

var (
	openOnce sync.Once
	shared   *oto.Context
	openErr  error
)

// openTimeout bounds oto's asynchronous driver start; a sound server that
// does not answer in this time is as good as absent.
const openTimeout = 5 * time.Second

// Open returns a player on the default output. The first call opens the
// device; later calls share it (or its error, which wraps
// voices.ErrNoAudioOutput and explains what is missing).
func Open() (*Player, error) {
	openOnce.Do(func() {
		if !outputMayExist() {
			// oto would fail too, after libasound has printed a page of
			// errors on stderr; say it once, plainly, instead.
			openErr = unavailable(nil)
			return
		}
		c, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate:      SampleRate,
			ChannelCount:    1,
			Format:          oto.FormatSignedInt16LE,
			BufferSize:      40 * time.Millisecond,
			ApplicationName: "kindred",
		})
		if err != nil {
			openErr = unavailable(err)
			return
		}
		select {
		case <-ready:
		case <-time.After(openTimeout):
			openErr = unavailable(fmt.Errorf("the audio driver did not start within %v", openTimeout))
			return
		}
		// NewContext reports success even with no sound server; the real
		// outcome is in Err once ready is closed.
		if err := c.Err(); err != nil {
			openErr = unavailable(err)
			return
		}
		shared = c
	})
	if openErr != nil {
		return nil, openErr
	}
	return &Player{ctx: shared}, nil
}

// Check reports whether speech can be heard, as a sentence for a person:
// nil when the output works, otherwise what is missing and how to fix it.
func Check() error {
	_, err := Open()
	return err
}

// outputMayExist reports whether there is anything oto could open: a
// PulseAudio server named or at its usual socket, or an ALSA playback device.
func outputMayExist() bool {
	if os.Getenv("PULSE_SERVER") != "" {
		return true
	}
	if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
		if _, err := os.Stat(filepath.Join(dir, "pulse", "native")); err == nil {
			return true
		}
	}
	cards, _ := filepath.Glob("/dev/snd/pcmC*D*p")
	return len(cards) > 0
}

// unavailable explains a missing output; the driver's own error, which
// lists every ALSA device name it tried, is cut short.
func unavailable(cause error) error {
	if cause == nil {
		return fmt.Errorf("%w: %s", voices.ErrNoAudioOutput, diagnose())
	}
	detail := cause.Error()
	if len(detail) > 200 {
		detail = detail[:200] + "…"
	}
	return fmt.Errorf("%w: %s (driver: %s)", voices.ErrNoAudioOutput, diagnose(), detail)
}

// diagnose says which of the two ways out is missing and what to do.
func diagnose() string {
	var missing []string
	if server := os.Getenv("PULSE_SERVER"); server != "" {
		missing = append(missing, "the PulseAudio server "+server+" does not answer")
	} else {
		dir := os.Getenv("XDG_RUNTIME_DIR")
		if dir == "" {
			missing = append(missing, "XDG_RUNTIME_DIR is not set, so no PulseAudio server can be found")
		} else if _, err := os.Stat(filepath.Join(dir, "pulse", "native")); err != nil {
			missing = append(missing, "no PulseAudio server at "+filepath.Join(dir, "pulse", "native"))
		} else {
			missing = append(missing, "the PulseAudio server at "+filepath.Join(dir, "pulse", "native")+" refused the connection")
		}
	}
	cards, _ := filepath.Glob("/dev/snd/pcmC*D*p")
	if len(cards) == 0 {
		missing = append(missing, "no ALSA playback device in /dev/snd")
	} else {
		missing = append(missing, "ALSA playback devices ("+strings.Join(cards, ", ")+") could not be opened (busy, or no permission: is the user in the audio group?)")
	}
	return "cannot play sound: " + strings.Join(missing, "; ") +
		". Start PulseAudio (pulseaudio --start) or connect a speaker; until then the robot speaks silently (its mouth still moves)"
}

// Play starts playing a; it returns at once.
func (p *Player) Play(ctx context.Context, a voices.Audio) (voices.Playing, error) {
	if a.SampleRate <= 0 {
		return nil, fmt.Errorf("playback: sample rate %d", a.SampleRate)
	}
	if err := p.ctx.Err(); err != nil {
		return nil, unavailable(err)
	}
	samples := a.Samples
	if a.SampleRate != SampleRate {
		samples = resample(samples, a.SampleRate, SampleRate)
	}
	src := &source{data: make([]byte, 2*len(samples))}
	for i, s := range samples {
		binary.LittleEndian.PutUint16(src.data[2*i:], uint16(s))
	}
	pl := &playing{
		player: p.ctx.NewPlayer(src),
		src:    src,
		length: time.Duration(len(samples)) * time.Second / SampleRate,
		done:   make(chan struct{}),
	}
	pl.started = time.Now()
	pl.player.Play()
	go pl.watch(ctx)
	return pl, nil
}

// source feeds oto and counts what it has taken.
type source struct {
	data []byte
	read atomic.Int64
}

func (s *source) Read(b []byte) (int, error) {
	off := int(s.read.Load())
	if off >= len(s.data) {
		return 0, io.EOF
	}
	n := copy(b, s.data[off:])
	s.read.Add(int64(n))
	return n, nil
}

// playing is one clip on its way out through oto.
type playing struct {
	player *oto.Player // kept reachable: oto closes unreachable players
	src    *source
	length time.Duration

	once    sync.Once
	mu      sync.Mutex
	stopped time.Duration
	done    chan struct{}

	started time.Time    // when oto was told to play
	shown   atomic.Int64 // the furthest position reported, in ns (see position)
}

// Position is what oto has taken from the clip minus what it still holds
// in its buffer; the sound server's own latency (tens of ms) is not
// visible through oto and is left to MouthOpts/Lead.
func (p *playing) Position() time.Duration {
	select {
	case <-p.done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.stopped
	default:
	}
	return p.position()
}

// position is taken from two counters oto does not update together: the
// source counts a chunk when oto reads it, and oto's buffer holds it only
// once oto has appended it, outside the source's Read. Caught between the
// two, the difference runs a chunk ahead (seen at a clip's start: 453 ms,
// then 3 ms). Sound cannot play faster than it is played, so a position
// is held to the time since playing began, and it never goes back: the
// furthest position reported is the floor of the next.
func (p *playing) position() time.Duration {
	played := p.src.read.Load() - int64(p.player.BufferedSize())
	d := max(0, min(p.length, time.Since(p.started), time.Duration(played/2)*time.Second/SampleRate))
	for {
		shown := p.shown.Load()
		if int64(d) <= shown {
			return time.Duration(shown)
		}
		if p.shown.CompareAndSwap(shown, int64(d)) {
			return d
		}
	}
}

func (p *playing) Done() <-chan struct{} { return p.done }

func (p *playing) Stop() {
	p.once.Do(func() {
		pos := p.position()
		p.player.Pause()
		p.mu.Lock()
		p.stopped = pos
		close(p.done)
		p.mu.Unlock()
	})
}

// watch ends the clip when oto has played it all, or when ctx ends. oto
// has no completion callback, so it is polled at the mouth's pace.
func (p *playing) watch(ctx context.Context) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-ctx.Done():
			p.Stop()
			return
		case <-t.C:
			if !p.player.IsPlaying() || p.player.Err() != nil {
				p.once.Do(func() {
					p.mu.Lock()
					p.stopped = p.length
					if p.player.Err() != nil {
						p.stopped = p.position()
					}
					close(p.done)
					p.mu.Unlock()
				})
				return
			}
		}
	}
}

// resample converts by linear interpolation; speech from another engine
// at another rate is rare enough not to need better.
func resample(in []int16, from, to int) []int16 {
	if len(in) == 0 {
		return nil
	}
	n := int(int64(len(in)) * int64(to) / int64(from))
	out := make([]int16, n)
	for i := range out {
		pos := float64(i) * float64(from) / float64(to)
		j := int(pos)
		frac := pos - float64(j)
		a := float64(in[min(j, len(in)-1)])
		b := float64(in[min(j+1, len(in)-1)])
		out[i] = int16(a + (b-a)*frac)
	}
	return out
}
