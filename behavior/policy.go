package behavior

import (
	"math"
	"strings"
	"time"
	"unicode"
)

// dwell remembers since when a condition has held without a break.
type dwell struct {
	on    bool
	since time.Duration
}

func (d *dwell) update(cond bool, at time.Duration) {
	switch {
	case cond && !d.on:
		d.on, d.since = true, at
	case !cond:
		d.on = false
	}
}

// held reports whether the condition has held for at least d by now.
func (d dwell) held(now, d2 time.Duration) bool { return d.on && now-d.since >= d2 }

func (d *dwell) reset() { d.on = false }

// painTrack smooths the fused score with a running mean whose time constant
// is in observation time, so the same input always smooths the same way.
type painTrack struct {
	smoothing time.Duration
	have      bool
	score     float64
	last      time.Duration // At of the newest assessment used
}

func (p *painTrack) add(score float64, at time.Duration) {
	score = math.Max(0, math.Min(10, score))
	if !p.have {
		p.have, p.score, p.last = true, score, at
		return
	}
	dt := at - p.last
	if dt < 0 {
		dt = 0 // a late assessment still counts, as if it were now
	}
	alpha := 1 - math.Exp(-float64(dt)/float64(p.smoothing))
	p.score += alpha * (score - p.score)
	p.last = max(p.last, at)
}

func (p *painTrack) fresh(now, staleAfter time.Duration) bool {
	return p.have && now-p.last <= staleAfter
}

func (p *painTrack) reset() { *p = painTrack{smoothing: p.smoothing} }

// speechLimiter keeps unprompted speech from nagging: a minimum gap and a
// cap per rolling minute. Supervisor speech and acknowledgements the person
// is owed are recorded but never refused.
type speechLimiter struct {
	minGap    time.Duration
	perMinute int
	recent    []time.Duration // times of utterances within the last minute
}

func (s *speechLimiter) allow(now time.Duration) bool {
	s.forget(now)
	if n := len(s.recent); n > 0 && now-s.recent[n-1] < s.minGap {
		return false
	}
	return len(s.recent) < s.perMinute
}

func (s *speechLimiter) record(now time.Duration) {
	s.forget(now)
	s.recent = append(s.recent, now)
}

func (s *speechLimiter) forget(now time.Duration) {
	i := 0
	for i < len(s.recent) && now-s.recent[i] >= time.Minute {
		i++
	}
	if i > 0 {
		s.recent = append(s.recent[:0], s.recent[i:]...)
	}
}

// normalise lower-cases, drops punctuation and collapses spaces, so
// "Go  away!" matches "go away".
func normalise(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			return unicode.ToLower(r)
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// matchesAny reports whether heard is one of the listed words or phrases,
// or contains one as whole words ("please stop" holds "stop"). For opt-out
// a false positive costs a polite goodbye; a false negative costs consent.
func matchesAny(heard string, list []string) bool {
	h := normalise(heard)
	if h == "" {
		return false
	}
	padded := " " + h + " "
	for _, l := range list {
		if w := normalise(l); w != "" && strings.Contains(padded, " "+w+" ") {
			return true
		}
	}
	return false
}
