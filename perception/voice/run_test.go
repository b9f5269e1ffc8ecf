package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// scriptedSource plays a fixed script of reads and fails the test on any
// read past its end.
type scriptedSource struct {
	t     *testing.T
	steps []step
}

type step struct {
	samples []float32
	err     error
}

func (s *scriptedSource) Read(ctx context.Context, buf []float32) (int, error) {
	if len(s.steps) == 0 {
		s.t.Error("read past the end of the script")
		return 0, io.EOF
	}
	st := &s.steps[0]
	if st.err != nil {
		s.steps = s.steps[1:]
		return 0, st.err
	}
	n := copy(buf, st.samples)
	st.samples = st.samples[n:]
	if len(st.samples) == 0 {
		s.steps = s.steps[1:]
	}
	return n, nil
}

func TestRunReportsLostAndBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lost := fmt.Errorf("microphone: device gone: %w", ErrSourceLost)
		src := &scriptedSource{t: t, steps: []step{
			{samples: tone(200, 0.5, 0.2)},
			{err: lost}, {err: lost}, {err: lost},
			{samples: tone(200, 0.5, 0.2)},
			{err: io.EOF},
		}}
		o := DefaultOpts()
		o.RetryDelay = time.Second
		a, err := NewAnalyzer(o)
		if err != nil {
			t.Fatal(err)
		}
		events := make(chan perception.Event, 10)
		var hops int
		var lastAt time.Duration
		start := time.Now()
		if err := a.Run(t.Context(), src, func(o perception.VoiceObs) { hops++; lastAt = o.At }, events); err != nil {
			t.Fatal(err)
		}
		close(events)
		var kinds []perception.EventKind
		var at []time.Duration
		for ev := range events {
			if ev.Modality != perception.ModVoice {
				t.Errorf("event %+v without the voice modality", ev)
			}
			kinds = append(kinds, ev.Kind)
			at = append(at, ev.At)
		}
		// The 3 s outage passed for the person too: voice time jumps over
		// it instead of trailing the other modalities by 3 s ever after.
		if len(at) == 2 && at[1]-at[0] != 3*time.Second {
			t.Errorf("back %v after lost, want the 3 s outage", at[1]-at[0])
		}
		if lastAt < 3900*time.Millisecond {
			t.Errorf("last hop at %v; 1 s of audio around a 3 s outage ends near 4 s", lastAt)
		}
		want := []perception.EventKind{perception.EventModalityLost, perception.EventModalityBack}
		if fmt.Sprint(kinds) != fmt.Sprint(want) {
			t.Errorf("events %v, want %v", kinds, want)
		}
		if hops != 100 {
			t.Errorf("%d hops for 1 s of audio, want 100", hops)
		}
		if waited := time.Since(start); waited != 3*time.Second {
			t.Errorf("waited %v between retries, want 3 s", waited)
		}
	})
}

func TestRunStopsWithContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		src := &blockingSource{}
		a, _ := NewAnalyzer(DefaultOpts())
		done := make(chan error)
		go func() { done <- a.Run(ctx, src, func(perception.VoiceObs) {}, nil) }()
		synctest.Wait()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v, want nil on cancellation", err)
		}
	})
}

type blockingSource struct{}

func (blockingSource) Read(ctx context.Context, buf []float32) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func TestRunFailsOnSourceError(t *testing.T) {
	src := &scriptedSource{t: t, steps: []step{{err: errors.New("boom")}}}
	a, _ := NewAnalyzer(DefaultOpts())
	if err := a.Run(t.Context(), src, func(perception.VoiceObs) {}, nil); err == nil {
		t.Fatal("no error from a failing source")
	}
}

// fakeSpotter "hears" a keyword once, at a set media time, and checks it is
// fed the stream in order.
type fakeSpotter struct {
	t       *testing.T
	at      time.Duration
	next    time.Duration
	done    bool
	samples int
}

func (f *fakeSpotter) Spot(samples []float32, at time.Duration) ([]Keyword, error) {
	if at != f.next {
		f.t.Errorf("spotter fed at %v, want %v", at, f.next)
	}
	f.samples += len(samples)
	f.next = at + samplesToDuration(int64(len(samples)))
	if !f.done && f.next >= f.at {
		f.done = true
		return []Keyword{{Text: "stop", At: f.next}}, nil
	}
	return nil, nil
}

func TestRunAttachesKeywords(t *testing.T) {
	o := DefaultOpts()
	sp := &fakeSpotter{t: t, at: 300 * time.Millisecond}
	o.Keywords = sp
	a, _ := NewAnalyzer(o)
	events := make(chan perception.Event, 4)
	var marked []perception.VoiceObs
	x := tone(150, 1, 0.2)
	err := a.Run(t.Context(), NewSliceSource(x), func(ob perception.VoiceObs) {
		if ob.Keyword != "" {
			marked = append(marked, ob)
		}
	}, events)
	if err != nil {
		t.Fatal(err)
	}
	if len(marked) != 1 || marked[0].Keyword != "stop" {
		t.Fatalf("hops with a keyword: %+v", marked)
	}
	if ev := <-events; ev.Kind != perception.EventKeyword || ev.Text != "stop" || ev.At != 300*time.Millisecond {
		t.Errorf("event %+v", ev)
	}
	if sp.samples != len(x) {
		t.Errorf("spotter heard %d samples of %d", sp.samples, len(x))
	}
}

// A whole file's keywords are spotted beside its hops and land on the hop
// of the piece they were heard in, once each; the spotter hears every
// sample in order.
func TestAnalyzeSamplesAttachesKeywords(t *testing.T) {
	for _, at := range []time.Duration{0, 300 * time.Millisecond, 990 * time.Millisecond} {
		o := DefaultOpts()
		sp := &fakeSpotter{t: t, at: at}
		o.Keywords = sp
		x := tone(150, 1, 0.2)
		res, err := AnalyzeSamples(t.Context(), x, o)
		if err != nil {
			t.Fatal(err)
		}
		var marked []perception.VoiceObs
		for _, ob := range res.Obs {
			if ob.Keyword != "" {
				marked = append(marked, ob)
			}
		}
		if len(marked) != 1 || marked[0].Keyword != "stop" {
			t.Fatalf("at %v: hops with a keyword: %+v", at, marked)
		}
		if got := marked[0].At; got < at-2*Hop || got > at+3*Hop {
			t.Errorf("keyword heard by %v marked on the hop at %v", at, got)
		}
		if sp.samples != len(x) {
			t.Errorf("spotter heard %d samples of %d", sp.samples, len(x))
		}
	}
}

type failingSpotter struct{}

func (failingSpotter) Spot([]float32, time.Duration) ([]Keyword, error) {
	return nil, errors.New("decoder gone")
}

func TestAnalyzeSamplesReportsSpotterError(t *testing.T) {
	o := DefaultOpts()
	o.Keywords = failingSpotter{}
	if _, err := AnalyzeSamples(t.Context(), tone(150, 0.2, 0.2), o); err == nil || !strings.Contains(err.Error(), "decoder gone") {
		t.Fatalf("err = %v, want the spotter's", err)
	}
}

// recordingLabeller records what Run hands it and answers from a script.
type recordingLabeller struct {
	chunks []int           // chunk lengths
	ats    []time.Duration // media times
	hops   int
	ok     bool
	says   perception.Vocalisation
}

func (r *recordingLabeller) Label(chunk []float32, at time.Duration, hops []HopFeatures) (perception.Vocalisation, bool) {
	r.chunks = append(r.chunks, len(chunk))
	r.ats = append(r.ats, at)
	r.hops += len(hops)
	return r.says, r.ok
}

func TestRunLetsTheLabellerNameHops(t *testing.T) {
	moan := perception.Vocalisation{Class: perception.VocalMoan, Distress: 0.9}
	for _, tc := range []struct {
		name     string
		ok       bool
		wantMoan bool
	}{
		{"labeller answers", true, true},
		{"labeller failed: the built-in class stays", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := tone(220, 0.6, 0.3)
			a, err := NewAnalyzer(func() Opts { o := DefaultOpts(); o.Labeller = &recordingLabeller{}; return o }())
			if err != nil {
				t.Fatal(err)
			}
			l := a.opts.Labeller.(*recordingLabeller)
			l.ok, l.says = tc.ok, moan
			var obs []perception.VoiceObs
			if err := a.Run(t.Context(), NewSliceSource(x), func(o perception.VoiceObs) { obs = append(obs, o) }, nil); err != nil {
				t.Fatal(err)
			}
			if l.hops != len(obs) || len(obs) != len(x)/HopSamples {
				t.Errorf("labeller saw %d hops, Run emitted %d, want %d", l.hops, len(obs), len(x)/HopSamples)
			}
			var heard int
			for i, n := range l.chunks {
				if n > 0 && l.ats[i] != samplesToDuration(int64(heard)) {
					t.Errorf("chunk %d at %v, want %v", i, l.ats[i], samplesToDuration(int64(heard)))
				}
				heard += n
			}
			if heard != len(x) {
				t.Errorf("labeller heard %d samples, want %d", heard, len(x))
			}
			for _, o := range obs {
				if (o.Vocalisation == moan) != tc.wantMoan {
					t.Fatalf("hop at %v: %+v, want the labeller's class: %v", o.At, o.Vocalisation, tc.wantMoan)
				}
			}
		})
	}
}

// A keyword the spotter hears while the labeller says the person is
// laughing is no command: it stays on its hop but no event goes out, so a
// "stop" in a laugh does not opt anyone out. The same word in speech does.
func TestRunHoldsWordsHeardInLaughter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		class     perception.VocalClass
		wantEvent bool
	}{
		{"laughing", perception.VocalLaugh, false},
		{"speaking", perception.VocalSpeech, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOpts()
			o.Keywords = &fakeSpotter{t: t, at: 600 * time.Millisecond}
			o.Labeller = &recordingLabeller{ok: true, says: perception.Vocalisation{Class: tc.class}}
			a, err := NewAnalyzer(o)
			if err != nil {
				t.Fatal(err)
			}
			events := make(chan perception.Event, 8)
			var onHop int
			if err := a.Run(t.Context(), NewSliceSource(tone(180, 1, 0.3)), func(ob perception.VoiceObs) {
				if ob.Keyword != "" {
					onHop++
				}
			}, events); err != nil {
				t.Fatal(err)
			}
			close(events)
			var words int
			for ev := range events {
				if ev.Kind == perception.EventKeyword {
					words++
				}
			}
			if got := words == 1; got != tc.wantEvent {
				t.Errorf("%d keyword events while %s, want event %v", words, tc.class, tc.wantEvent)
			}
			if onHop != 1 {
				t.Errorf("the word is on %d hops, want 1 (the record keeps it)", onHop)
			}
		})
	}
}

// heldSpotter holds its one word until it is flushed, as a spotter that
// verifies a phrase on the audio after it does when a recording ends
// within that audio.
type heldSpotter struct{ flushed int }

func (*heldSpotter) Spot([]float32, time.Duration) ([]Keyword, error) { return nil, nil }

func (h *heldSpotter) Flush() ([]Keyword, error) {
	h.flushed++
	return []Keyword{{Text: "help", At: 800 * time.Millisecond}}, nil
}

// A word held back to the end of the stream is still reported, by Run
// (an event and a hop) and by AnalyzeSamples (on the hop it was heard in).
func TestHeldKeywordsAreFlushedAtTheEnd(t *testing.T) {
	x := tone(150, 1, 0.2)
	o := DefaultOpts()
	sp := &heldSpotter{}
	o.Keywords = sp
	a, _ := NewAnalyzer(o)
	events := make(chan perception.Event, 4)
	var marked []string
	if err := a.Run(t.Context(), NewSliceSource(x), func(ob perception.VoiceObs) {
		if ob.Keyword != "" {
			marked = append(marked, ob.Keyword)
		}
	}, events); err != nil {
		t.Fatal(err)
	}
	if sp.flushed != 1 || len(marked) != 1 || marked[0] != "help" {
		t.Fatalf("Run: flushed %d times, hops with a keyword %q", sp.flushed, marked)
	}
	if ev := <-events; ev.Kind != perception.EventKeyword || ev.Text != "help" || ev.At != 800*time.Millisecond {
		t.Errorf("Run: event %+v", ev)
	}
	sp = &heldSpotter{}
	o.Keywords = sp
	res, err := AnalyzeSamples(t.Context(), x, o)
	if err != nil {
		t.Fatal(err)
	}
	var hops []time.Duration
	for _, ob := range res.Obs {
		if ob.Keyword == "help" {
			hops = append(hops, ob.At)
		}
	}
	if sp.flushed != 1 || len(hops) != 1 || hops[0] < 800*time.Millisecond-2*Hop || hops[0] > 800*time.Millisecond+3*Hop {
		t.Errorf("AnalyzeSamples: flushed %d times, help on the hops at %v; want once, at 0.8 s", sp.flushed, hops)
	}
}

// flakySpotter fails on the chunks from fail to heal (media time) and
// hears "help" once after them.
type flakySpotter struct {
	fail, heal, at time.Duration
	heard          bool
}

func (f *flakySpotter) Spot(samples []float32, at time.Duration) ([]Keyword, error) {
	if at >= f.fail && at < f.heal {
		return nil, errors.New("decoder gone")
	}
	if !f.heard && at >= f.at {
		f.heard = true
		return []Keyword{{Text: "help", At: at}}, nil
	}
	return nil, nil
}

// A live run listens on through a spotter's failure: each run of failures
// is one fault, the voice keeps being measured, and a word spotted after
// the spotter recovers is heard. Without OnKeywordFault the failure ends
// Run, as an offline analysis wants.
func TestRunListensOnThroughSpotterFaults(t *testing.T) {
	x := tone(150, 1.5, 0.2)
	whole, err := AnalyzeSamples(t.Context(), x, DefaultOpts())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		report bool
	}{{"faults reported, listening goes on", true}, {"no fault handler: Run ends", false}} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOpts()
			o.Keywords = &flakySpotter{fail: 200 * time.Millisecond, heal: 600 * time.Millisecond, at: time.Second}
			var faults []error
			if tc.report {
				o.OnKeywordFault = func(err error) { faults = append(faults, err) }
			}
			a, _ := NewAnalyzer(o)
			events := make(chan perception.Event, 8)
			hops := 0
			err := a.Run(t.Context(), NewSliceSource(x), func(perception.VoiceObs) { hops++ }, events)
			if !tc.report {
				if err == nil || !strings.Contains(err.Error(), "decoder gone") {
					t.Fatalf("err = %v, want the spotter's", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Run ended on a spotter's failure: %v", err)
			}
			if len(faults) != 1 || !strings.Contains(faults[0].Error(), "decoder gone") {
				t.Errorf("faults %v, want one for the run of failures", faults)
			}
			if hops != len(whole.Obs) {
				t.Errorf("%d hops measured, want all %d", hops, len(whole.Obs))
			}
			if len(events) != 1 {
				t.Fatalf("%d events, want the \"help\" spotted after the spotter recovered", len(events))
			}
			if ev := <-events; ev.Kind != perception.EventKeyword || ev.Text != "help" {
				t.Errorf("event %+v", ev)
			}
		})
	}
}
