package microphone

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gen2brain/malgo"

	"github.com/kindred-hri/kindred/perception/voice"
)

// ErrNoDevice means no capture device matches the requested name.
var ErrNoDevice = errors.New("no such microphone")

// Opts configure a microphone.
type Opts struct {
	// Name picks the capture device whose name contains it (case-insensitive,
	// an exact match wins); empty means the system default.
	Name string
	// Watchdog is how long without audio counts as a lost device.
	Watchdog time.Duration
	// Queue is how many callback chunks may wait for the reader.
	Queue int
	// NullBackend captures from miniaudio's null device (silence), for
	// machines without any sound server or card.
	NullBackend bool
}

// DefaultOpts uses the default device, a 1 s watchdog and about half a
// second of queue.
func DefaultOpts() Opts { return Opts{Watchdog: time.Second, Queue: 50} }

// Validate reports the first bad field.
func (o Opts) Validate() error {
	switch {
	case o.Watchdog < 100*time.Millisecond:
		return fmt.Errorf("microphone: watchdog %v: want at least 100 ms", o.Watchdog)
	case o.Queue < 1:
		return fmt.Errorf("microphone: queue %d: want at least 1", o.Queue)
	}
	return nil
}

// nullBackend is miniaudio's null backend; malgo.BackendNull is mislabelled
// (it is the custom backend), see DEPENDENCIES.md.
const nullBackend = malgo.Backend(14)

// Mic is an open capture device; it implements voice.AudioSource.
type Mic struct {
	opts    Opts
	ctx     *malgo.AllocatedContext
	chunks  chan []float32
	dropped atomic.Uint64

	mu      sync.Mutex // guards dev and stopped against the stop callback
	dev     *malgo.Device
	stopped chan struct{}
	name    string // the device actually opened

	rest      []float32 // unread part of the last chunk
	lost      bool
	lastCheck time.Time // when a named device was last seen listed
	closed    atomic.Bool
	flowing   bool // audio arrived since the device was (re)opened
}

var _ voice.AudioSource = (*Mic)(nil)

func backends(o Opts) []malgo.Backend {
	if o.NullBackend {
		return []malgo.Backend{nullBackend}
	}
	return nil // miniaudio's default order: PulseAudio, ALSA, JACK, ...
}

// Devices lists the capture devices' names.
func Devices(o Opts) ([]string, error) {
	quietALSA()
	ctx, err := malgo.InitContext(backends(o), malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("microphone: audio system: %w", err)
	}
	defer func() { ctx.Uninit(); ctx.Free() }()
	infos, err := ctx.Devices(malgo.Capture)
	if err != nil {
		return nil, fmt.Errorf("microphone: listing devices: %w", err)
	}
	names := make([]string, len(infos))
	for i := range infos {
		names[i] = infos[i].Name()
	}
	return names, nil
}

// Open starts capturing.
func Open(o Opts) (*Mic, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	quietALSA()
	ctx, err := malgo.InitContext(backends(o), malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("microphone: audio system: %w", err)
	}
	m := &Mic{opts: o, ctx: ctx, chunks: make(chan []float32, o.Queue)}
	if err := m.start(); err != nil {
		ctx.Uninit()
		ctx.Free()
		return nil, err
	}
	return m, nil
}

// reopen starts over with a fresh audio context after a loss.
func (m *Mic) reopen() error {
	if m.ctx == nil {
		ctx, err := malgo.InitContext(backends(m.opts), malgo.ContextConfig{}, nil)
		if err != nil {
			return fmt.Errorf("microphone: audio system: %w", err)
		}
		m.mu.Lock()
		m.ctx = ctx
		m.mu.Unlock()
	}
	return m.start()
}

// Name is the name of the device in use.
func (m *Mic) Name() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.name
}

// Dropped counts chunks thrown away because the reader was behind.
func (m *Mic) Dropped() uint64 { return m.dropped.Load() }

func (m *Mic) find() (*malgo.DeviceInfo, error) {
	if m.opts.Name == "" {
		return nil, nil
	}
	infos, err := m.ctx.Devices(malgo.Capture)
	if err != nil {
		return nil, fmt.Errorf("microphone: listing devices: %w", err)
	}
	want := strings.ToLower(m.opts.Name)
	var partial *malgo.DeviceInfo
	for i := range infos {
		name := strings.ToLower(infos[i].Name())
		if name == want || strings.ToLower(infos[i].ID.String()) == want {
			return &infos[i], nil
		}
		if partial == nil && strings.Contains(name, want) {
			partial = &infos[i]
		}
	}
	if partial == nil {
		return nil, fmt.Errorf("microphone %q: %w", m.opts.Name, ErrNoDevice)
	}
	return partial, nil
}

// start opens and starts the device.
func (m *Mic) start() error {
	info, err := m.find()
	if err != nil {
		return err
	}
	cfg := malgo.DefaultDeviceConfig(malgo.Capture)
	cfg.Capture.Format = malgo.FormatF32
	cfg.Capture.Channels = 1
	cfg.SampleRate = voice.Rate // miniaudio resamples from the device's rate
	name := "default"
	if info != nil {
		cfg.Capture.DeviceID = info.ID.Pointer()
		name = info.Name()
	}
	stopped := make(chan struct{})
	var once sync.Once
	cb := malgo.DeviceCallbacks{
		Data: func(_, in []byte, frames uint32) { m.onData(in, frames) },
		Stop: func() { once.Do(func() { close(stopped) }) },
	}
	dev, err := malgo.InitDevice(m.ctx.Context, cfg, cb)
	if err != nil {
		return fmt.Errorf("microphone %q: %w", name, err)
	}
	if err := dev.Start(); err != nil {
		dev.Uninit()
		return fmt.Errorf("microphone %q: start: %w", name, err)
	}
	m.mu.Lock()
	m.dev, m.stopped, m.name = dev, stopped, name
	m.mu.Unlock()
	return nil
}

// onData runs on the audio thread: copy, hand on without blocking, count
// what could not be handed on.
func (m *Mic) onData(in []byte, frames uint32) {
	n := min(int(frames), len(in)/4)
	if n == 0 {
		return
	}
	chunk := make([]float32, n)
	for i := range chunk {
		chunk[i] = math.Float32frombits(binary.LittleEndian.Uint32(in[4*i:]))
	}
	select {
	case m.chunks <- chunk:
	default:
		m.dropped.Add(1)
	}
}

func (m *Mic) stopDevice() {
	m.mu.Lock()
	dev := m.dev
	m.dev = nil
	m.mu.Unlock()
	if dev != nil {
		dev.Uninit()
	}
}

// Read fills buf with captured samples. See voice.AudioSource for the
// return patterns: a lost device gives an error wrapping
// voice.ErrSourceLost, and the next Read tries to reopen it.
func (m *Mic) Read(ctx context.Context, buf []float32) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	if m.closed.Load() {
		return 0, errors.New("microphone: closed")
	}
	if len(m.rest) > 0 {
		n := copy(buf, m.rest)
		m.rest = m.rest[n:]
		return n, nil
	}
	if m.lost {
		if err := m.reopen(); err != nil {
			return 0, fmt.Errorf("microphone: reopening: %v: %w", err, voice.ErrSourceLost)
		}
		m.lost = false
	}
	// A sound server moves the stream of a vanished device elsewhere rather
	// than stopping it, so a named device is also checked for in the list
	// once per watchdog period.
	if m.opts.Name != "" && time.Since(m.lastCheck) >= m.opts.Watchdog {
		m.lastCheck = time.Now()
		if _, err := m.find(); err != nil {
			m.lose()
			return 0, fmt.Errorf("microphone: %v: %w", err, voice.ErrSourceLost)
		}
	}
	m.mu.Lock()
	stopped := m.stopped
	m.mu.Unlock()
	// A device (or a suspended sound-server source) can take a good part of
	// a second to deliver its first audio; allow it three watchdog periods.
	wait := m.opts.Watchdog
	if !m.flowing {
		wait *= 3
	}
	watchdog := time.NewTimer(wait)
	defer watchdog.Stop()
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case chunk := <-m.chunks:
		m.flowing = true
		n := copy(buf, chunk)
		m.rest = chunk[n:]
		return n, nil
	case <-stopped:
		m.lose()
		return 0, fmt.Errorf("microphone %q stopped: %w", m.Name(), voice.ErrSourceLost)
	case <-watchdog.C:
		m.lose()
		return 0, fmt.Errorf("microphone %q: no audio for %v: %w", m.Name(), wait, voice.ErrSourceLost)
	}
}

// lose abandons the device and its context. Uninitialising a device whose
// stream the server killed can block for good inside miniaudio, so that
// happens off the reader's path and reopening uses a fresh context.
func (m *Mic) lose() {
	m.mu.Lock()
	dev, ctx := m.dev, m.ctx
	m.dev, m.ctx = nil, nil
	m.mu.Unlock()
	go func() {
		if dev != nil {
			dev.Uninit()
		}
		if ctx != nil {
			ctx.Uninit()
			ctx.Free()
		}
	}()
	m.lost, m.flowing = true, false
	for {
		select {
		case <-m.chunks:
		default:
			return
		}
	}
}

// Close stops capturing and frees the audio system; it is idempotent.
func (m *Mic) Close() error {
	m.closed.Store(true)
	m.stopDevice()
	m.mu.Lock()
	ctx := m.ctx
	m.ctx = nil
	m.mu.Unlock()
	if ctx != nil {
		err := ctx.Uninit()
		ctx.Free()
		if err != nil {
			return fmt.Errorf("microphone: closing: %w", err)
		}
	}
	return nil
}
