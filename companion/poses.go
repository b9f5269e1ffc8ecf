package companion

import "time"

// PoseSampler picks which of the body's writes become pose records. The
// console draws the face at WallEvery of wall time; the journal keeps one
// pose every SessionEvery of session time (journal.WriterOpts.PoseEvery).
// A write is taken when either has passed since that rate's last one, so
// the journal's poses come at its own rate at any --speed: sampled by wall
// time alone, a run at --speed 20 recorded one pose a session second
// instead of five, and at --speed 40 one every two.
type PoseSampler struct {
	WallEvery, SessionEvery time.Duration

	started bool
	wall    time.Time     // the last write taken
	session time.Duration // the last write taken for the session rate
}

// Take reports whether the write at wall instant wall and session time
// session is recorded. Session time going backwards (a new media file)
// restarts its rate.
func (p *PoseSampler) Take(wall time.Time, session time.Duration) bool {
	bySession := !p.started || session-p.session >= p.SessionEvery || session < p.session
	if !bySession && wall.Sub(p.wall) < p.WallEvery {
		return false
	}
	p.started, p.wall = true, wall
	if bySession {
		p.session = session
	}
	return true
}
