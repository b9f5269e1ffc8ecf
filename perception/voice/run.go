package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// AudioSource delivers 16 kHz mono samples in -1..1.
//
// Read blocks until it has filled at least one sample of buf or fails. It
// returns (n > 0, nil) with audio; (0, io.EOF) at the end of a finite stream;
// (0, err wrapping ErrSourceLost) when the device went away and may come
// back, after which Run keeps reading; (0, ctx.Err()) when ctx ends; any
// other error is fatal.
type AudioSource interface {
	Read(ctx context.Context, buf []float32) (int, error)
}

// ErrSourceLost marks a source whose device disappeared and that is trying
// to reopen it.
var ErrSourceLost = errors.New("audio source lost")

// LaughHoldsWords is how long after the labeller last named laughter a
// spotted keyword is taken to be part of the laugh and sent on no events
// channel: on the dev set's 129 s of laughter, pocketsphinx's keyword
// search heard 14 "ouch", 4 "stop", 2 "it hurts" and 1 "help", and a
// "stop" would opt the person out. The labeller judges 0.975 s windows
// every 0.48 s, so its latest answer is at most about a second old.
const LaughHoldsWords = 1500 * time.Millisecond

// Keyword is one spotted phrase and the media time it ended.
type Keyword struct {
	Text string
	At   time.Duration
}

// KeywordSpotter finds phrases in 16 kHz mono audio; at is the media time
// of samples[0]. It may keep the audio of earlier calls.
type KeywordSpotter interface {
	Spot(samples []float32, at time.Duration) ([]Keyword, error)
}

// Labeller names the vocalisation of a stream from its sound and its hop
// features (perception/vocalisation's Live: YAMNet and a fitted combiner).
// Label hears each chunk Run read (the slice is reused: copy what is kept)
// with the media time of its first sample, and the hops that chunk
// finalised, and gives the class for those hops;
// false means it cannot (its model failed), and the hops keep the
// built-in classifier's class.
type Labeller interface {
	Label(chunk []float32, at time.Duration, hops []HopFeatures) (perception.Vocalisation, bool)
}

// Run reads src until it ends or ctx is done, calling out for every hop in
// order. Keywords (when Opts.Keywords is set) become an EventKeyword on
// events and the Keyword of the next hop emitted; a lost source becomes
// EventModalityLost, and EventModalityBack when audio flows again. events
// may be nil; sends on it wait for the receiver, since events are never
// dropped. Run returns nil at the end of the stream or when ctx is done.
func (a *Analyzer) Run(ctx context.Context, src AudioSource, out func(perception.VoiceObs), events chan<- perception.Event) error {
	buf := make([]float32, 2*HopSamples) // 20 ms, the spotter's chunk
	var read int64                       // samples read, the media clock
	var pending []string
	lost := false
	var lostAt time.Time // wall time the source went away
	var utts *utterances
	if a.opts.OnUtterance != nil {
		utts = newUtterances(a.opts.OnUtterance)
		utts.origin = a.start
	}
	var laughAt time.Duration = -1 // media time the labeller last named laughter
	emit := func(chunk []float32, at time.Duration, obs []perception.VoiceObs, wall time.Time) {
		if a.opts.Labeller != nil {
			if v, ok := a.opts.Labeller.Label(chunk, at, a.Hops()); ok {
				for i := range obs {
					obs[i].Vocalisation = v
				}
				if v.Class == perception.VocalLaugh {
					laughAt = at
				}
			}
		}
		if utts != nil {
			for i, h := range a.Hops() {
				utts.hop(h, obs[i])
			}
		}
		for _, o := range obs {
			if len(pending) > 0 {
				o.Keyword = pending[0]
				pending = pending[1:]
			}
			o.Wall = wall
			out(o)
		}
	}
	send := func(ev perception.Event) error {
		if events == nil {
			return nil
		}
		select {
		case events <- ev:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	// heard passes spotted phrases on; its error means ctx is done.
	heard := func(kws []Keyword) error {
		for _, k := range kws {
			pending = append(pending, k.Text)
			if laughAt >= 0 && k.At-laughAt <= LaughHoldsWords {
				// Heard in laughter: the word stays on its hop (the
				// record shows it) but is no command: the spotter
				// hears "stop" and "ouch" in laughs.
				continue
			}
			if err := send(perception.Event{At: k.At, Kind: perception.EventKeyword, Text: k.Text, Modality: perception.ModVoice}); err != nil {
				return err
			}
		}
		return nil
	}
	// spotFault takes a spotting error: returned to end Run, or, with
	// Opts.OnKeywordFault, reported once for each run of failures while
	// listening goes on.
	failing := false
	spotFault := func(kerr error) error {
		switch {
		case kerr == nil:
			failing = false
		case a.opts.OnKeywordFault == nil:
			return fmt.Errorf("voice: keywords: %w", kerr)
		case !failing:
			failing = true
			a.opts.OnKeywordFault(fmt.Errorf("voice: keywords: %w (listening goes on)", kerr))
		}
		return nil
	}
	// A live source's sample count is not the clock the camera's frames
	// and the run's session time follow: chunks the device delivered while
	// the reader was busy are dropped (counted) without advancing it, and
	// a sound card's crystal runs some tens of ppm off the system's. Over a
	// day that is seconds, and fusion then judges the voice missing (lagging
	// by a second) or the face (the voice leading), so moaning no longer
	// counts. With Opts.Origin the media time is held within MaxSkew of the
	// monotonic clock since it: behind, it jumps over what was lost (as
	// after an outage, or at once when a microphone is reopened mid-run);
	// ahead, a chunk is left out. A stall shorter than the device's queue
	// (the microphone's 50 chunks) loses no audio to it.
	skew := int64(MaxSkew.Seconds() * Rate)
	for {
		n, err := src.Read(ctx, buf)
		at := a.start + samplesToDuration(read)
		if n > 0 && !a.opts.Origin.IsZero() {
			want := int64((time.Since(a.opts.Origin) - a.start).Seconds() * Rate)
			switch {
			case want-read > skew:
				// To the edge of the band, not its middle: what the
				// device queued while the reader was busy is still to
				// come, and is not to be dropped as surplus once read.
				read = want - skew
				at = a.start + samplesToDuration(read)
			case read-want > skew:
				n = 0 // surplus audio: the clock waits for the wall
			}
		}
		if n > 0 {
			wall := time.Now()
			if lost {
				lost = false
				// A live source's media time is real time: the outage
				// passed for the person too, so the clock jumps over it
				// (Process moves its clock on a jump) rather than leaving
				// every later hop behind the camera by the outage.
				if a.opts.Origin.IsZero() { // else the clock above jumped already
					read += int64(wall.Sub(lostAt).Seconds() * Rate)
					at = a.start + samplesToDuration(read)
				}
				if err := send(perception.Event{At: at, Kind: perception.EventModalityBack, Modality: perception.ModVoice}); err != nil {
					return nil
				}
			}
			chunk := buf[:n]
			if a.opts.Keywords != nil {
				kws, kerr := a.opts.Keywords.Spot(chunk, at)
				if err := spotFault(kerr); err != nil {
					return err
				}
				if heard(kws) != nil {
					return nil
				}
			}
			read += int64(n)
			if utts != nil {
				utts.samples(chunk)
			}
			emit(chunk, at, a.Process(chunk, at), wall)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			// Phrases held back to be verified on the audio after them
			// are judged on what came.
			if f, ok := a.opts.Keywords.(keywordFlusher); ok {
				kws, kerr := f.Flush()
				if err := spotFault(kerr); err != nil {
					return err
				}
				if heard(kws) != nil {
					return nil
				}
			}
			emit(nil, at, a.Flush(), time.Now())
			if utts != nil {
				utts.finish()
			}
			return nil
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, ErrSourceLost):
			if !lost {
				lost, lostAt = true, time.Now()
				if err := send(perception.Event{At: at, Kind: perception.EventModalityLost, Modality: perception.ModVoice, Text: err.Error()}); err != nil {
					return nil
				}
			}
			if n == 0 {
				t := time.NewTimer(a.opts.RetryDelay)
				select {
				case <-ctx.Done():
					t.Stop()
					return nil
				case <-t.C:
				}
			}
		default:
			return fmt.Errorf("voice: audio source: %w", err)
		}
	}
}

// SliceSource plays a slice of samples as an AudioSource, for files.
type SliceSource struct {
	samples []float32
}

// NewSliceSource wraps samples (16 kHz mono).
func NewSliceSource(samples []float32) *SliceSource { return &SliceSource{samples: samples} }

// Read copies the next samples; io.EOF at the end.
func (s *SliceSource) Read(ctx context.Context, buf []float32) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if len(s.samples) == 0 {
		return 0, io.EOF
	}
	n := copy(buf, s.samples)
	s.samples = s.samples[n:]
	return n, nil
}
