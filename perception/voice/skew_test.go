package voice

import (
	"context"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// clockedSource is a live device in a synctest bubble: each read gives 20 ms
// of samples and takes per of (virtual) wall time, until total has passed.
// per over 20 ms is a reader losing chunks (or a slow crystal), under it a
// fast crystal.
type clockedSource struct {
	per, total time.Duration
	start      time.Time
}

func (s *clockedSource) Read(ctx context.Context, buf []float32) (int, error) {
	if s.start.IsZero() {
		s.start = time.Now()
	}
	if time.Since(s.start) >= s.total {
		return 0, io.EOF
	}
	time.Sleep(s.per)
	n := min(len(buf), 2*HopSamples)
	clear(buf[:n])
	return n, nil
}

// A live microphone's hops keep the wall clock's time, as the camera's
// frames do, however the device's sample count drifts from it: fusion takes
// the voice as missing once it lags the camera by a second (and the face
// once it leads), so moaning heard after a day of dropped chunks would
// count for nothing. Without Opts.Origin's correction the lagging and
// leading cases fail; a file keeps its own media time.
func TestLiveVoiceKeepsTheWallClock(t *testing.T) {
	const total = 60 * time.Second
	for _, c := range []struct {
		name string
		per  time.Duration // wall time each 20 ms of audio takes
		live bool
		want time.Duration // the last hop's time, roughly
	}{
		{name: "in step", per: 20 * time.Millisecond, live: true, want: total},
		{name: "a third of the chunks lost", per: 30 * time.Millisecond, live: true, want: total},
		{name: "a fast crystal", per: 19 * time.Millisecond, live: true, want: total},
		{name: "a file keeps its sample count", per: 30 * time.Millisecond, want: total * 2 / 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := DefaultOpts()
				if c.live {
					o.Origin = time.Now()
				}
				a, err := NewAnalyzer(o)
				if err != nil {
					t.Fatal(err)
				}
				var last time.Duration
				err = a.Run(t.Context(), &clockedSource{per: c.per, total: total}, func(v perception.VoiceObs) {
					if v.At < last {
						t.Fatalf("hop at %v after one at %v", v.At, last)
					}
					last = v.At
				}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if d := last - c.want; d > MaxSkew+100*time.Millisecond || d < -MaxSkew-100*time.Millisecond {
					t.Errorf("after %v of wall time the last hop is at %v, want %v ± %v", total, last, c.want, MaxSkew)
				}
			})
		})
	}
}

// outageSource delivers audio in step with the wall clock, reports itself
// lost from lostFrom until backAt, then delivers again until total.
type outageSource struct {
	lostFrom, backAt, total time.Duration
	start                   time.Time
}

func (s *outageSource) Read(ctx context.Context, buf []float32) (int, error) {
	if s.start.IsZero() {
		s.start = time.Now()
	}
	switch since := time.Since(s.start); {
	case since >= s.total:
		return 0, io.EOF
	case since >= s.lostFrom && since < s.backAt:
		return 0, ErrSourceLost
	}
	time.Sleep(20 * time.Millisecond)
	n := min(len(buf), 2*HopSamples)
	clear(buf[:n])
	return n, nil
}

// An outage is jumped over once: the wall clock's correction and the
// outage's own (which adds how long the device was gone) must not both
// move the clock, or every hop after it would be ahead by the outage and
// its audio dropped as surplus until the wall caught up.
func TestLiveVoiceJumpsAnOutageOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := DefaultOpts()
		o.Origin, o.RetryDelay = time.Now(), 100*time.Millisecond
		a, err := NewAnalyzer(o)
		if err != nil {
			t.Fatal(err)
		}
		const total = 30 * time.Second
		var last time.Duration
		hops := 0
		err = a.Run(t.Context(), &outageSource{lostFrom: 10 * time.Second, backAt: 20 * time.Second, total: total},
			func(v perception.VoiceObs) { last, hops = v.At, hops+1 }, nil)
		if err != nil {
			t.Fatal(err)
		}
		// 20 s of audio, 100 hops a second; the last 8 wait for the path.
		if d := last - total; d > MaxSkew || d < -MaxSkew-50*time.Millisecond || hops < 1990 {
			t.Errorf("after an outage of 10s in %v the last hop is at %v with %d hops, want about %v and 2000", total, last, hops, total)
		}
	})
}

// A microphone closed for an opt-out and opened again, 10 s later, is a new
// analyzer: with the run's origin its first hop is in the run's time, after
// the last of the one before. Counting from its own first sample it began
// at zero again, behind everything fusion had seen, which then took the
// voice as missing for as long as the run had lasted.
func TestReopenedMicrophoneGoesOnInTheRunsTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := DefaultOpts()
		o.Origin = time.Now()
		var first, last []time.Duration
		for run := range 2 {
			if run == 1 {
				time.Sleep(10 * time.Second) // opted out
			}
			a, err := NewAnalyzer(o)
			if err != nil {
				t.Fatal(err)
			}
			seen := false
			err = a.Run(t.Context(), &clockedSource{per: 20 * time.Millisecond, total: 10 * time.Second}, func(v perception.VoiceObs) {
				if !seen {
					first, seen = append(first, v.At), true
				}
				if len(last) <= run {
					last = append(last, 0)
				}
				last[run] = v.At
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
		}
		if d := first[1] - 20*time.Second; d < -MaxSkew-50*time.Millisecond || d > MaxSkew {
			t.Errorf("the reopened microphone's first hop is at %v (the last before at %v), want about 20s", first[1], last[0])
		}
	})
}

// stallingSource is a device read in step but for one stall of the reader
// (a pause of the process): the device queues what it captures meanwhile,
// and the reader then drains the queue at once. No audio is lost.
type stallingSource struct {
	reads, stallAt, queued int
	total                  int // reads in all
}

func (s *stallingSource) Read(ctx context.Context, buf []float32) (int, error) {
	if s.reads == s.total {
		return 0, io.EOF
	}
	switch {
	case s.reads == s.stallAt:
		time.Sleep(time.Duration(s.queued+1) * 20 * time.Millisecond)
	case s.reads > s.stallAt && s.reads <= s.stallAt+s.queued: // drained from the queue
	default:
		time.Sleep(20 * time.Millisecond)
	}
	s.reads++
	n := min(len(buf), 2*HopSamples)
	clear(buf[:n])
	return n, nil
}

// A stall the device's queue covers loses no audio: the clock is moved to
// the edge of MaxSkew, not its middle, so the queued chunks that follow are
// not taken for surplus and left out.
func TestLiveVoiceStallLosesNoAudio(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := DefaultOpts()
		o.Origin = time.Now()
		a, err := NewAnalyzer(o)
		if err != nil {
			t.Fatal(err)
		}
		const reads = 1000 // 20 s
		hops := 0
		err = a.Run(t.Context(), &stallingSource{stallAt: 500, queued: 20, total: reads}, func(perception.VoiceObs) { hops++ }, nil)
		if err != nil {
			t.Fatal(err)
		}
		if want := reads * 2; hops != want {
			t.Errorf("%d hops from %d reads of 20 ms, want %d: audio queued during a 420 ms stall was dropped", hops, reads, want)
		}
	})
}
