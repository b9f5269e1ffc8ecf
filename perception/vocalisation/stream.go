package vocalisation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
)

// ContextWindows is how many of YAMNet's windows (0.975 s every 0.48 s)
// the running classifier hears at once: three span 1.93 s, about the
// length of a single moan, cry or laugh in the dev set the combiner was
// fitted on, so a window is judged with the whole sound around it rather
// than a slice of it.
const ContextWindows = 3

// windowSpan is one YAMNet window's length.
const windowSpan = time.Duration(soundevents.WindowSamples) * time.Second / soundevents.Rate

// Stream turns a stream's YAMNet windows and voice hops into a running
// vocalisation: each new window is judged by the combiner over the last
// ContextWindows windows and the hops they cover. It is not safe for
// concurrent use; one goroutine owns it.
type Stream struct {
	model   *Model
	cm      *soundevents.ClassMap
	hops    []voice.HopFeatures // the hops of the windows held, oldest first
	wins    []soundevents.Window
	current perception.Vocalisation
}

// NewStream starts a stream at silence.
func NewStream(m *Model, cm *soundevents.ClassMap) *Stream {
	return &Stream{model: m, cm: cm, current: perception.Vocalisation{Class: perception.VocalSilence}}
}

// Hops adds the voice hops just measured, in time order.
func (s *Stream) Hops(hops []voice.HopFeatures) {
	s.hops = append(s.hops, hops...)
	s.trim()
}

// Window adds a scored window and judges the context it closes. A context
// without voice activity is silence: the combiner was never shown silence.
func (s *Stream) Window(w soundevents.Window) perception.Vocalisation {
	s.add(w)
	s.current = s.judge()
	return s.current
}

// add makes w the newest window of the context.
func (s *Stream) add(w soundevents.Window) {
	s.wins = append(s.wins, w)
	if len(s.wins) > ContextWindows {
		s.wins = append(s.wins[:0], s.wins[len(s.wins)-ContextWindows:]...)
	}
	s.trim()
}

// Current is the judgement of the latest window, silence before the first.
func (s *Stream) Current() perception.Vocalisation { return s.current }

// trim drops hops before the oldest window held, and keeps no more than
// the context's length of hops while no window has come yet.
func (s *Stream) trim() {
	from := time.Duration(-1 << 62)
	if len(s.wins) > 0 {
		from = s.wins[0].At
	}
	if len(s.hops) > 0 {
		from = max(from, s.hops[len(s.hops)-1].At-contextSpan)
	}
	i := 0
	for i < len(s.hops) && s.hops[i].At < from {
		i++
	}
	if i > 0 {
		s.hops = append(s.hops[:0], s.hops[i:]...)
	}
}

// contextSpan is the time ContextWindows windows cover.
var contextSpan = time.Duration(ContextWindows-1)*time.Duration(soundevents.HopSamples)*time.Second/soundevents.Rate + windowSpan

func (s *Stream) judge() perception.Vocalisation {
	f, ok := s.features()
	if !ok {
		return perception.Vocalisation{Class: perception.VocalSilence}
	}
	return s.model.Classify(f)
}

// features are the combiner's inputs for the context held, judged on
// its foreground as a whole clip is (ClipFeatures); false when it has no
// window yet or no voice activity.
func (s *Stream) features() (map[string]float64, bool) {
	if len(s.wins) == 0 {
		return nil, false
	}
	end := s.wins[len(s.wins)-1].At + windowSpan
	n := 0
	for n < len(s.hops) && s.hops[n].At < end {
		n++
	}
	return ClipFeatures(s.cm, s.hops[:n], s.wins)
}

// feedWindows hands a whole recording's hops to a stream as Live does, those a
// window covers before the window, and calls window with each window in
// turn to add it.
func feedWindows(st *Stream, hops []voice.HopFeatures, ws []soundevents.Window, window func(j int, w soundevents.Window)) {
	h := 0
	for j, w := range ws {
		end := w.At + windowSpan
		from := h
		for h < len(hops) && hops[h].At < end {
			h++
		}
		st.Hops(hops[from:h])
		window(j, w)
	}
}

// LabelHops gives every hop of a whole recording the class of the window
// centred nearest it, each window judged as Stream judges it: what the
// running classifier says about the recording, without its delay (live,
// a hop takes the latest window already scored, up to a window later).
func LabelHops(m *Model, cm *soundevents.ClassMap, hops []voice.HopFeatures, ws []soundevents.Window) []perception.Vocalisation {
	out := make([]perception.Vocalisation, len(hops))
	if len(ws) == 0 {
		for i := range out {
			out[i] = perception.Vocalisation{Class: perception.VocalSilence}
		}
		return out
	}
	judged := make([]perception.Vocalisation, len(ws))
	st := NewStream(m, cm)
	feedWindows(st, hops, ws, func(j int, w soundevents.Window) { judged[j] = st.Window(w) })
	j := 0
	for i, hop := range hops {
		for j+1 < len(ws) && absDur(ws[j+1].At+windowSpan/2-hop.At) <= absDur(ws[j].At+windowSpan/2-hop.At) {
			j++
		}
		out[i] = judged[j]
	}
	return out
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// Live is the running classifier of `kindred run`: YAMNet scores windows on
// its own goroutine (the second core) while the voice analysis goes on, and
// the voice goroutine, which owns the Stream, picks the scored windows up
// as it labels its hops. It implements voice.Labeller.
type Live struct {
	stream *Stream
	in     chan []float32
	out    chan soundevents.Window
	done   chan struct{}
	err    error // the scorer's, read after done
	cancel context.CancelFunc
	failed bool
	// skipping is set while the scorer fails on the windows it is given.
	skipping bool
	onFault  func(error)
	sent     int64  // samples handed to the scorer
	marks    []mark // where chunks began, to put windows on the media clock
	// played is set for a recording (Played): Label waits for the windows
	// its audio completes. taken counts the windows taken from out.
	played bool
	taken  int64
}

// Played makes Label wait, after handing a chunk to the scorer, until
// every window the audio so far completes has been scored, so that a hop's
// label depends on the recording alone, not on how far the scorer had got
// (a busy machine labelled the same file's hops differently in each run).
// A recording has no "now" to keep up with; a live microphone has, and is
// not played. Call it before the first Label.
func (l *Live) Played() { l.played = true }

// windowsDue is how many windows the scorer sends for the first n samples
// of a stream (soundevents.Run: one every HopSamples once WindowSamples
// have come).
func windowsDue(n int64) int64 {
	if n < soundevents.WindowSamples {
		return 0
	}
	return (n-soundevents.WindowSamples)/soundevents.HopSamples + 1
}

// mark is the media time of the sample with index idx in the scorer's
// stream: a live source's clock jumps over an outage, the scorer's does not.
type mark struct {
	idx int64
	at  time.Duration
}

var _ voice.Labeller = (*Live)(nil)

// liveBacklog is how much audio (in 20 ms chunks) may wait for the
// scorer: 4 s. Beyond it Label waits, so the voice analysis slows down
// with the scorer rather than the two drifting apart.
const liveBacklog = 200

// StartLive starts the scorer's goroutine; Close stops it. onFault (may be
// nil) hears a scorer's failure: on a window, once for each run of failed
// windows, on the goroutine calling Label, which reports false until a
// window is scored again; of the scorer as a whole, once, on the scorer's
// goroutine, and from then on Label reports false. While Label reports
// false the caller keeps its own classifier.
func StartLive(ctx context.Context, s soundevents.Scorer, m *Model, cm *soundevents.ClassMap, onFault func(error)) *Live {
	ctx, cancel := context.WithCancel(ctx)
	l := &Live{stream: NewStream(m, cm), in: make(chan []float32, liveBacklog), out: make(chan soundevents.Window, 16),
		done: make(chan struct{}), cancel: cancel, onFault: onFault}
	go func() {
		defer close(l.done)
		err := soundevents.RunLive(ctx, s, l.in, l.out)
		if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
			l.err = fmt.Errorf("vocalisation: sound events: %w", err)
			if onFault != nil {
				onFault(l.err)
			}
		}
	}()
	return l
}

// Label hands the chunk just read to the scorer, takes in the hops it
// finalised and every window scored since the last call, and gives the
// current vocalisation; false once the scorer has failed or stopped.
func (l *Live) Label(chunk []float32, at time.Duration, hops []voice.HopFeatures) (perception.Vocalisation, bool) {
	if l.failed {
		return perception.Vocalisation{}, false
	}
	l.stream.Hops(hops)
	if len(chunk) > 0 {
		if n := len(l.marks); n == 0 || l.mediaTime(l.sent) != at {
			l.marks = append(l.marks, mark{l.sent, at})
		}
		select {
		case l.in <- append([]float32(nil), chunk...):
			l.sent += int64(len(chunk))
		case <-l.done:
			l.failed = true
			return perception.Vocalisation{}, false
		}
	}
	for {
		var w soundevents.Window
		var ok bool
		if l.played && l.taken < windowsDue(l.sent) {
			w, ok = <-l.out // due: wait for it
		} else {
			select {
			case w, ok = <-l.out:
			default:
				return l.stream.Current(), !l.skipping
			}
		}
		if !ok {
			l.failed = true
			return perception.Vocalisation{}, false
		}
		l.taken++
		if w.Err != nil {
			// One window lost: the hops keep the caller's class until a
			// window is scored again, and the context restarts after
			// the gap. One fault for each run of failures.
			if !l.skipping && l.onFault != nil {
				l.onFault(fmt.Errorf("vocalisation: sound events: %w (the per-hop classifier stands in until a window is scored)", w.Err))
			}
			l.skipping = true
			l.stream.wins = l.stream.wins[:0]
			continue
		}
		l.skipping = false
		w.At = l.mediaTime(int64(w.At * soundevents.Rate / time.Second))
		l.stream.Window(w)
	}
}

// mediaTime is the media time of the scorer's sample idx; marks older
// than the scorer's backlog and context are dropped.
func (l *Live) mediaTime(idx int64) time.Duration {
	i := len(l.marks) - 1
	for i > 0 && l.marks[i].idx > idx {
		i--
	}
	if i < 0 {
		return time.Duration(idx) * time.Second / soundevents.Rate
	}
	m := l.marks[i]
	if i > 0 && len(l.marks) > 64 {
		l.marks = append(l.marks[:0], l.marks[i-1:]...)
	}
	return m.at + time.Duration(idx-m.idx)*time.Second/soundevents.Rate
}

// Close stops the scorer and waits for its goroutine; it returns the
// scorer's error, if it failed. Label must not be called after it.
func (l *Live) Close() error {
	l.cancel()
	<-l.done
	return l.err
}
