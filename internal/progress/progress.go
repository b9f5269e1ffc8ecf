package progress

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Line draws one line of progress on a terminal — frames done, the
// rate and the time left — redrawn in place at most four times a second,
// and cleared at the end so later messages start on a clean line. A nil
// *Line draws nothing, which is what a pipe or a file gets.
type Line struct {
	w           io.Writer
	what        string
	total       int // 0 when the source does not know its length
	now         func() time.Time
	start, last time.Time
	drawn       bool
}

const every = 250 * time.Millisecond

// New returns a progress line on w when w is a terminal, else nil.
func New(w io.Writer, what string, total int, now func() time.Time) *Line {
	if !IsTerminal(w) {
		return nil
	}
	return &Line{w: w, what: what, total: max(total, 0), now: now, start: now()}
}

// IsTerminal reports whether w is a character device (a terminal, in
// practice; /dev/null too, where drawing costs nothing and shows nowhere).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Update notes that done frames are finished.
func (p *Line) Update(done int) {
	if p == nil {
		return
	}
	t := p.now()
	if p.drawn && t.Sub(p.last) < every {
		return
	}
	p.last, p.drawn = t, true
	elapsed := t.Sub(p.start).Seconds()
	line := fmt.Sprintf("%s: frame %d", p.what, done)
	if p.total > 0 {
		line += fmt.Sprintf(" of %d (%d%%)", p.total, min(100, 100*done/p.total))
	}
	if elapsed > 0 && done > 0 {
		fps := float64(done) / elapsed
		line += fmt.Sprintf(", %.1f fps", fps)
		if p.total > done {
			left := time.Duration(float64(p.total-done) / fps * float64(time.Second))
			line += ", " + clock(left) + " left"
		}
	}
	// \r returns to the line's start, ESC [K erases what a longer earlier
	// line left (ECMA-48 EL).
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

// Finish clears the line.
func (p *Line) Finish() {
	if p == nil || !p.drawn {
		return
	}
	fmt.Fprint(p.w, "\r\x1b[K")
}

// clock formats d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
