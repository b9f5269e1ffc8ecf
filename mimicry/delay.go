package mimicry

import "time"

// delayLine is a time-ordered ring of face samples waiting for their
// mirror delay to pass. It is sized once, so buffering never allocates.
type delayLine struct {
	buf        []sample
	head, size int
}

func newDelayLine(capacity int) delayLine { return delayLine{buf: make([]sample, capacity)} }

// push appends a sample; observations arrive in time order (Face rejects
// older ones). When the line is full, faces come faster than it was sized
// for: it drops every second waiting sample, halving the frame rate but
// keeping the whole delayed span, and push reports true.
func (d *delayLine) push(s sample) (overflow bool) {
	if d.size == len(d.buf) {
		n := 0
		for i := 0; i < d.size; i += 2 {
			d.buf[(d.head+n)%len(d.buf)] = d.buf[(d.head+i)%len(d.buf)]
			n++
		}
		d.size = n
		overflow = true
	}
	d.buf[(d.head+d.size)%len(d.buf)] = s
	d.size++
	return overflow
}

// popDue removes and returns the oldest sample observed at or before due.
func (d *delayLine) popDue(due time.Duration) (sample, bool) {
	if d.size == 0 || d.buf[d.head].at > due {
		return sample{}, false
	}
	s := d.buf[d.head]
	d.head = (d.head + 1) % len(d.buf)
	d.size--
	return s, true
}

func (d *delayLine) clear() { d.head, d.size = 0, 0 }
