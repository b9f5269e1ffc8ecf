package soundevents

import (
	"context"
	"errors"
	"testing"
	"time"
)

// recordingScorer records, per window, its first and last sample; the
// test signal's sample i is i+1, so a window shows where it starts and
// where the padding begins.
type recordingScorer struct {
	first, last []float32
	fail        int // fail on this call (1-based); 0 never
}

func (r *recordingScorer) Score(w []float32) (*Scores, error) {
	if len(w) != WindowSamples {
		return nil, errors.New("wrong window length")
	}
	r.first = append(r.first, w[0])
	r.last = append(r.last, w[len(w)-1])
	if r.fail == len(r.first) {
		return nil, errors.New("boom")
	}
	return &Scores{}, nil
}

func counting(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i + 1)
	}
	return s
}

func TestRunWindows(t *testing.T) {
	for _, tc := range []struct {
		name      string
		n, chunk  int
		wantFirst []float32 // first sample of each window (start index + 1)
		wantLast  []float32 // last sample (0 where padded)
	}{
		{"empty", 0, 100, nil, nil},
		{"shorter than a window is padded", 1000, 300, []float32{1}, []float32{0}},
		{"exactly one window", WindowSamples, WindowSamples, []float32{1}, []float32{WindowSamples}},
		{"one window and a hop", WindowSamples + HopSamples, 1000,
			[]float32{1, HopSamples + 1}, []float32{WindowSamples, WindowSamples + HopSamples}},
		{"tail gets a padded window", 32000, 4096,
			[]float32{1, HopSamples + 1, 2*HopSamples + 1, 3*HopSamples + 1},
			[]float32{WindowSamples, WindowSamples + HopSamples, WindowSamples + 2*HopSamples, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recordingScorer{}
			in := make(chan []float32, 100)
			s := counting(tc.n)
			for len(s) > 0 {
				k := min(tc.chunk, len(s))
				in <- s[:k]
				s = s[k:]
			}
			close(in)
			out := make(chan Window, 100)
			if err := Run(context.Background(), rec, in, out); err != nil {
				t.Fatal(err)
			}
			var at []time.Duration
			for w := range out {
				at = append(at, w.At)
			}
			if len(rec.first) != len(tc.wantFirst) || len(at) != len(tc.wantFirst) {
				t.Fatalf("%d windows scored, %d sent; want %d", len(rec.first), len(at), len(tc.wantFirst))
			}
			for i := range tc.wantFirst {
				if rec.first[i] != tc.wantFirst[i] || rec.last[i] != tc.wantLast[i] {
					t.Errorf("window %d: first %v last %v, want %v %v", i, rec.first[i], rec.last[i], tc.wantFirst[i], tc.wantLast[i])
				}
				if want := time.Duration(i) * 480 * time.Millisecond; at[i] != want {
					t.Errorf("window %d at %v, want %v", i, at[i], want)
				}
			}
		})
	}
}

func TestScoreAllReportsScorerError(t *testing.T) {
	rec := &recordingScorer{fail: 2}
	ws, err := ScoreAll(context.Background(), rec, counting(40000))()
	if err == nil || len(ws) != 1 {
		t.Errorf("got %d windows, err %v; want the first window then the error", len(ws), err)
	}
}

func TestFrameInto(t *testing.T) {
	dst := make([]float32, Frames*FrameSamples)
	FrameInto(dst, counting(WindowSamples))
	for _, tc := range []struct{ frame, k int }{{0, 0}, {0, 399}, {1, 0}, {95, 399}} {
		want := float32(tc.frame*FrameStep + tc.k + 1)
		if got := dst[tc.frame*FrameSamples+tc.k]; got != want {
			t.Errorf("frame %d sample %d = %v, want %v", tc.frame, tc.k, got, want)
		}
	}
}

// Live, a window the scorer fails on is sent with its error and the
// windows after it are still scored; Run, for a whole recording, stops.
func TestRunLiveScoresOnPastAFailedWindow(t *testing.T) {
	rec := &recordingScorer{fail: 2}
	in := make(chan []float32, 1)
	out := make(chan Window, 8)
	in <- counting(40000) // windows at 0, 0.48, 0.96, 1.44 s and a padded last
	close(in)
	if err := RunLive(context.Background(), rec, in, out); err != nil {
		t.Fatalf("RunLive = %v, want nil: one failed window is no end", err)
	}
	var got []Window
	for w := range out {
		got = append(got, w)
	}
	if len(got) != 5 {
		t.Fatalf("%d windows, want 5", len(got))
	}
	for i, w := range got {
		if failed := w.Err != nil; failed != (i == 1) || failed != (w.Scores == nil) {
			t.Errorf("window %d: err %v, scores %v; want only window 2 failed, without scores", i+1, w.Err, w.Scores != nil)
		}
	}
}
