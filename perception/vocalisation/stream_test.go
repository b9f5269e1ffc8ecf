package vocalisation

import (
	"context"
	"errors"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/models"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/soundevents"
	"github.com/kindred-hri/kindred/perception/voice"
)

// loudnessScorer hears "Groan" in a loud window and "Laughter" in a quiet
// one, and records how many windows it scored; fail makes call n fail.
type loudnessScorer struct {
	cm      *soundevents.ClassMap
	mu      sync.Mutex
	scored  int
	fail    int
	failAll bool
}

func (s *loudnessScorer) Score(w []float32) (*soundevents.Scores, error) {
	s.mu.Lock()
	s.scored++
	n := s.scored
	s.mu.Unlock()
	if n == s.fail || s.failAll {
		return nil, errors.New("boom")
	}
	var peak float32
	for _, v := range w {
		peak = max(peak, v, -v)
	}
	var sc soundevents.Scores
	g := soundevents.GroupLaugh
	if peak > 0.5 {
		g = soundevents.GroupMoan
	}
	sc[s.cm.Members(g)[0]] = 0.9
	return &sc, nil
}

func classMap(t *testing.T) *soundevents.ClassMap {
	t.Helper()
	cm, err := soundevents.ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		t.Fatal(err)
	}
	return cm
}

// recording is seconds of sound, quiet then loud, with hops that are
// active only where active says.
func recording(quiet, loud float64, active func(t time.Duration) bool) ([]float32, []voice.HopFeatures) {
	n := int((quiet + loud) * soundevents.Rate)
	x := make([]float32, n)
	for i := int(quiet * soundevents.Rate); i < n; i++ {
		x[i] = 0.8
	}
	for i := range int(quiet * soundevents.Rate) {
		x[i] = 0.2
	}
	hops := make([]voice.HopFeatures, n/voice.HopSamples)
	for i := range hops {
		at := time.Duration(i)*voice.Hop + voice.Hop/2
		hops[i] = voice.HopFeatures{At: at, Active: active(at), IntensityDB: 70, SNRDB: 30}
	}
	return x, hops
}

func always(time.Duration) bool { return true }

func TestLabelHopsFollowsTheSound(t *testing.T) {
	cm := classMap(t)
	m := tinyModel()
	for _, tc := range []struct {
		name   string
		active func(time.Duration) bool
		at     map[time.Duration]perception.VocalClass // hop time → class
	}{
		{"laugh then moan", always, map[time.Duration]perception.VocalClass{
			500 * time.Millisecond: perception.VocalLaugh, 5500 * time.Millisecond: perception.VocalMoan}},
		{"no voice activity is silence whatever YAMNet hears", func(time.Duration) bool { return false },
			map[time.Duration]perception.VocalClass{500 * time.Millisecond: perception.VocalSilence, 5500 * time.Millisecond: perception.VocalSilence}},
		{"activity only in the moan", func(at time.Duration) bool { return at > 3500*time.Millisecond }, map[time.Duration]perception.VocalClass{
			500 * time.Millisecond: perception.VocalSilence, 5500 * time.Millisecond: perception.VocalMoan}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, hops := recording(3, 3, tc.active)
			ws, err := soundevents.ScoreAll(t.Context(), &loudnessScorer{cm: cm}, x)()
			if err != nil {
				t.Fatal(err)
			}
			got := LabelHops(m, cm, hops, ws)
			if len(got) != len(hops) {
				t.Fatalf("%d labels for %d hops", len(got), len(hops))
			}
			for at, want := range tc.at {
				i := int(at / voice.Hop)
				if got[i].Class != want {
					t.Errorf("hop at %v: %s, want %s", at, got[i].Class, want)
				}
			}
		})
	}
	if got := LabelHops(m, cm, make([]voice.HopFeatures, 3), nil); got[2].Class != perception.VocalSilence {
		t.Errorf("no windows: %s, want silence", got[2].Class)
	}
}

// feed plays a recording to a Live labeller as voice.Run does: 20 ms
// chunks, each with its media time and the hops it finalised. A jump adds
// an outage of that length at the middle (the live clock moves on).
func feed(l *Live, x []float32, hops []voice.HopFeatures, jump time.Duration) []perception.Vocalisation {
	var out []perception.Vocalisation
	const chunk = 2 * voice.HopSamples
	h := 0
	for i := 0; i < len(x); i += chunk {
		at := time.Duration(i) * time.Second / soundevents.Rate
		shift := time.Duration(0)
		if i >= len(x)/2 {
			shift = jump
		}
		var hs []voice.HopFeatures
		for h < len(hops) && hops[h].At < at+chunk*time.Second/soundevents.Rate {
			hh := hops[h]
			hh.At += shift
			hs = append(hs, hh)
			h++
		}
		v, ok := l.Label(x[i:min(i+chunk, len(x))], at+shift, hs)
		if !ok {
			return out
		}
		out = append(out, v)
		synctest.Wait() // let the scorer catch up, as a second core would
	}
	return out
}

func TestLiveLabelsAcrossAnOutage(t *testing.T) {
	for _, jump := range []time.Duration{0, 7 * time.Second} {
		synctest.Test(t, func(t *testing.T) {
			cm := classMap(t)
			x, hops := recording(3, 3, always)
			l := StartLive(t.Context(), &loudnessScorer{cm: cm}, tinyModel(), cm, nil)
			got := feed(l, x, hops, jump)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || got[0].Class != perception.VocalSilence {
				t.Fatalf("jump %v: first label %+v, want silence before any window", jump, got)
			}
			// 2.5 s in, the windows heard only the quiet part; at the end
			// only the loud one, though the hops' clock jumped.
			if c := got[125].Class; c != perception.VocalLaugh {
				t.Errorf("jump %v: 2.5 s in: %s, want laugh", jump, c)
			}
			if c := got[len(got)-1].Class; c != perception.VocalMoan {
				t.Errorf("jump %v: at the end: %s, want moan", jump, c)
			}
		})
	}
}

// A window the scorer fails on (an inference that went wrong once) is one
// fault, and the labeller hands the hops back to the per-hop classifier
// only until a window is scored again; a scorer that fails on every window
// is one fault, not one a window. Before, the first failed window ended
// the scorer, and YAMNet's labels, for the rest of the run.
func TestLiveScorerFailureIsAFaultAndLabelsOn(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      int  // the call that fails
		failAll   bool // every call fails
		wantLast  bool // the last chunk is labelled
		wantAnyNo bool // some chunk is handed back
	}{
		{"one window fails", 2, false, true, true},
		{"every window fails", 0, true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cm := classMap(t)
				x, hops := recording(3, 3, always)
				var faults []error
				var mu sync.Mutex
				sc := &loudnessScorer{cm: cm, fail: tc.fail, failAll: tc.failAll}
				l := StartLive(context.Background(), sc, tinyModel(), cm, func(err error) {
					mu.Lock()
					faults = append(faults, err)
					mu.Unlock()
				})
				labels, oks := feedAll(l, x, hops)
				if err := l.Close(); err != nil {
					t.Errorf("Close: %v, want nil: a failed window does not end the scorer", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if len(faults) != 1 || !strings.Contains(faults[0].Error(), "boom") {
					t.Errorf("faults %v, want one with the scorer's error", faults)
				}
				if got := oks[len(oks)-1]; got != tc.wantLast {
					t.Errorf("last chunk labelled %v, want %v", got, tc.wantLast)
				}
				if tc.wantLast && labels[len(labels)-1].Class != perception.VocalMoan {
					t.Errorf("at the end: %s, want moan", labels[len(labels)-1].Class)
				}
				if got := slices.Contains(oks, false); got != tc.wantAnyNo {
					t.Errorf("some chunk handed back: %v, want %v", got, tc.wantAnyNo)
				}
			})
		})
	}
}

// slowScorer is a loudnessScorer on a busy machine: each window takes it
// delay.
type slowScorer struct {
	loudnessScorer
	delay time.Duration
}

func (s *slowScorer) Score(w []float32) (*soundevents.Scores, error) {
	time.Sleep(s.delay)
	return s.loudnessScorer.Score(w)
}

// TestPlayedLabelsDoNotWaitOnTheMachine: a recording's hops get the same
// labels however slowly the scorer runs, those they get with the scorer
// always caught up; a live stream's lag behind those. Before Played, the
// same file's moans were labelled from windows scored or not yet scored as
// the machine allowed, and the fused pain scores of two runs of it
// differed by up to 0.5.
func TestPlayedLabelsDoNotWaitOnTheMachine(t *testing.T) {
	x, hops := recording(3, 3, always)
	caughtUp := map[bool][]perception.Vocalisation{}
	for _, played := range []bool{false, true} {
		synctest.Test(t, func(t *testing.T) {
			cm := classMap(t)
			l := StartLive(t.Context(), &loudnessScorer{cm: cm}, tinyModel(), cm, nil)
			if played {
				l.Played()
			}
			caughtUp[played], _ = feedAll(l, x, hops)
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		delay  time.Duration
		played bool
		same   bool
	}{
		{"played, scorer fast", 0, true, true},
		{"played, scorer slow", 300 * time.Millisecond, true, true},
		{"live, scorer slow", 300 * time.Millisecond, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cm := classMap(t)
				l := StartLive(t.Context(), &slowScorer{loudnessScorer{cm: cm}, tc.delay}, tinyModel(), cm, nil)
				if tc.played {
					l.Played()
				}
				got := feedNow(l, x, hops)
				if err := l.Close(); err != nil {
					t.Fatal(err)
				}
				if same := slices.Equal(got, caughtUp[tc.played]); same != tc.same {
					t.Errorf("labels the same as with the scorer caught up: %v, want %v", same, tc.same)
				}
			})
		})
	}
}

// feedNow labels every chunk of x as a voice stage reading a file does, a
// chunk every 20 ms of (bubble) time, whether the scorer has caught up
// or not.
func feedNow(l *Live, x []float32, hops []voice.HopFeatures) []perception.Vocalisation {
	var labels []perception.Vocalisation
	const chunk = 2 * voice.HopSamples
	h := 0
	for i := 0; i < len(x); i += chunk {
		at := time.Duration(i) * time.Second / soundevents.Rate
		var hs []voice.HopFeatures
		for h < len(hops) && hops[h].At < at+chunk*time.Second/soundevents.Rate {
			hs = append(hs, hops[h])
			h++
		}
		v, _ := l.Label(x[i:min(i+chunk, len(x))], at, hs)
		labels = append(labels, v)
		time.Sleep(20 * time.Millisecond)
	}
	return labels
}

// feedAll labels every chunk of x as a voice stage would, and says which
// chunks the labeller labelled.
func feedAll(l *Live, x []float32, hops []voice.HopFeatures) ([]perception.Vocalisation, []bool) {
	var labels []perception.Vocalisation
	var oks []bool
	const chunk = 2 * voice.HopSamples
	h := 0
	for i := 0; i < len(x); i += chunk {
		at := time.Duration(i) * time.Second / soundevents.Rate
		var hs []voice.HopFeatures
		for h < len(hops) && hops[h].At < at+chunk*time.Second/soundevents.Rate {
			hs = append(hs, hops[h])
			h++
		}
		v, ok := l.Label(x[i:min(i+chunk, len(x))], at, hs)
		labels, oks = append(labels, v), append(oks, ok)
		synctest.Wait() // let the scorer catch up, as a second core would
	}
	return labels, oks
}

// BenchmarkStreamWindow is the voice goroutine's share of the running
// classifier per YAMNet window (every 0.48 s): the combiner over three
// windows and the 1.93 s of hops they cover, with the shipped parameters.
func BenchmarkStreamWindow(b *testing.B) {
	cm, err := soundevents.ParseClassMap(models.YAMNetClassMap)
	if err != nil {
		b.Fatal(err)
	}
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	_, hops := recording(2, 2, always)
	for i := range hops {
		hops[i].Voiced, hops[i].F0, hops[i].HNR, hops[i].Centroid = i%3 != 0, 180+float64(i%20), 12, 900
	}
	var sc soundevents.Scores
	sc[cm.Members(soundevents.GroupSpeech)[0]] = 0.8
	s := NewStream(m, cm)
	s.Hops(hops[:200])
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Window(soundevents.Window{At: 0, Scores: &sc})
	}
}

// The running classifier judges 1.9 s slices of a sound, and a combiner
// fitted on whole clips alone never saw one: on unseen speakers it called
// 27 % of throat-clearings distress window by window against 20 % whole
// (MODEL_CARD.md). A recording's training samples are the whole clip and
// then exactly the contexts a Stream judges, sharing one clip's weight.
func TestTrainingSamplesAreTheClipAndTheContextsJudged(t *testing.T) {
	cm := classMap(t)
	for _, tc := range []struct {
		name     string
		active   func(time.Duration) bool
		contexts int // of the 12 windows of 6 s, those with voice activity
	}{
		{"laugh then moan", always, 12},
		{"activity only in the moan", func(at time.Duration) bool { return at > 3500*time.Millisecond }, 6},
		{"no activity", func(time.Duration) bool { return false }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, hops := recording(3, 3, tc.active)
			ws, err := soundevents.ScoreAll(t.Context(), &loudnessScorer{cm: cm}, x)()
			if err != nil {
				t.Fatal(err)
			}
			got := TrainingSamples(cm, hops, ws, "moan", "S")
			if len(got) != 1+tc.contexts {
				t.Fatalf("%d samples, want the clip and %d contexts", len(got), tc.contexts)
			}
			whole, ok := ClipFeatures(cm, hops, ws)
			if !ok {
				whole = Extract(voice.SegmentFeatures{}, cm.Clip(ws))
			}
			if !maps.Equal(got[0].Features, whole) || got[0].Weight != 1 {
				t.Errorf("first sample %v weight %g, want the whole clip's features at weight 1", got[0].Features, got[0].Weight)
			}
			var sum float64
			for _, s := range got[1:] {
				sum += s.Weight
				if s.Label != "moan" || s.Speaker != "S" {
					t.Errorf("context labelled %q of %q, want the clip's", s.Label, s.Speaker)
				}
			}
			if tc.contexts > 0 && math.Abs(sum-1) > 1e-9 {
				t.Errorf("contexts weigh %g together, want 1 (one clip's)", sum)
			}
			// Each context is judged as the running classifier judges it:
			// a combiner that reads YAMNet's laugh in the first seconds
			// and its moan in the last hears the same in the samples.
			m := tinyModel()
			var judged []perception.Vocalisation
			st := NewStream(m, cm)
			feedWindows(st, hops, ws, func(_ int, w soundevents.Window) {
				if v := st.Window(w); v.Class != perception.VocalSilence {
					judged = append(judged, v)
				}
			})
			for i, s := range got[1:] {
				if v := m.Classify(s.Features); i >= len(judged) || v != judged[i] {
					t.Errorf("context %d: %+v, the stream judged %+v", i, v, judged[min(i, len(judged)-1)])
				}
			}
		})
	}
}
