package analysis

import (
	"context"
	"errors"
	"image"
	"io"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// endlessFrames is a recording fake decoder: 100-byte frames, counted, until
// limit (then io.EOF); it fails the test if read after the end.
type endlessFrames struct {
	t     *testing.T
	limit int
	reads atomic.Int32
}

func (s *endlessFrames) Next(ctx context.Context) (perception.Frame, error) {
	n := int(s.reads.Add(1)) - 1
	switch {
	case n == s.limit:
		return perception.Frame{}, io.EOF
	case n > s.limit:
		s.t.Errorf("read %d after the end", n)
		return perception.Frame{}, io.EOF
	}
	return perception.Frame{Seq: n, At: time.Duration(n) * time.Second, Gray: image.NewGray(image.Rect(0, 0, 10, 10))}, nil
}

func TestPrefetchStaysWithinItsByteBudget(t *testing.T) {
	cases := []struct {
		name          string
		budget        int64
		wantAhead     int // frames decoded before the reader takes any (one more waits for room)
		frames, taken int
	}{
		{"two frames", 200, 2, 10, 3},
		{"part of a frame still reads one", 50, 1, 10, 1},
		{"room for all", 1 << 20, 11, 10, 0}, // ten frames and io.EOF
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				src := &endlessFrames{t: t, limit: c.frames}
				frames := prefetch(ctx, src, c.budget)
				synctest.Wait()
				want := min(c.wantAhead+1, c.frames+1)
				if got := int(src.reads.Load()); got != want {
					t.Errorf("decoded %d frames before the reader took any, want %d", got, want)
				}
				for i := range c.taken {
					d := <-frames
					if d.err != nil || d.frame.Seq != i {
						t.Fatalf("frame %d: got seq %d, %v", i, d.frame.Seq, d.err)
					}
					d.release()
				}
				synctest.Wait()
				if got, want := int(src.reads.Load()), min(c.wantAhead+1+c.taken, c.frames+1); got != want {
					t.Errorf("after %d frames taken: decoded %d, want %d", c.taken, got, want)
				}
				cancel()
				for range frames {
				}
			})
		})
	}
}

func TestPrefetchEndsWithTheSourceError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := &endlessFrames{t: t, limit: 3}
		var got []int
		var last error
		for d := range detectAhead(t.Context(), prefetch(t.Context(), src, 1<<20), nil, 4) {
			if d.err != nil {
				last = d.err
				continue
			}
			got = append(got, d.frame.Seq)
			d.release()
		}
		if len(got) != 3 || got[0] != 0 || got[2] != 2 || !errors.Is(last, io.EOF) {
			t.Errorf("frames %v, last %v: want 0 1 2 then io.EOF", got, last)
		}
	})
}
