package progress

import (
	"bytes"
	"testing"
	"time"
)

// The line shows frames, rate and time left, redraws at most four times a
// second, and is cleared at the end; off a terminal there is none.
func TestProgressLine(t *testing.T) {
	if New(&bytes.Buffer{}, "x", 10, time.Now) != nil {
		t.Fatal("progress drawn on a buffer")
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := start
	var b bytes.Buffer
	p := &Line{w: &b, what: "analyze clip.mp4", total: 100, now: func() time.Time { return now }, start: start}
	steps := []struct {
		at   time.Duration
		done int
		want string // "" when nothing is drawn
	}{
		{100 * time.Millisecond, 1, "\ranalyze clip.mp4: frame 1 of 100 (1%), 10.0 fps, 0:10 left\x1b[K"},
		{200 * time.Millisecond, 2, ""},
		{5 * time.Second, 50, "\ranalyze clip.mp4: frame 50 of 100 (50%), 10.0 fps, 0:05 left\x1b[K"},
		{10 * time.Second, 100, "\ranalyze clip.mp4: frame 100 of 100 (100%), 10.0 fps\x1b[K"},
	}
	for _, s := range steps {
		b.Reset()
		now = start.Add(s.at)
		p.Update(s.done)
		if b.String() != s.want {
			t.Errorf("at %v frame %d: drew %q, want %q", s.at, s.done, b.String(), s.want)
		}
	}
	b.Reset()
	p.Finish()
	if b.String() != "\r\x1b[K" {
		t.Errorf("finish drew %q, want the line cleared", b.String())
	}
	var unknown bytes.Buffer
	q := &Line{w: &unknown, what: "analyze cam", now: func() time.Time { return start.Add(2 * time.Second) }, start: start}
	q.Update(50)
	if want := "\ranalyze cam: frame 50, 25.0 fps\x1b[K"; unknown.String() != want {
		t.Errorf("unknown length: drew %q, want %q", unknown.String(), want)
	}
}
