package voices

import (
	"time"

	"github.com/kindred-hri/kindred/perception"
)

// TurnOpts tune when the person counts as speaking. Times are observation
// (media or session) time, so a sped-up scenario behaves like a live one.
type TurnOpts struct {
	Onset   time.Duration // voiced this long (gaps under Gap bridged) before it counts as speech
	Release time.Duration // unvoiced this long before the turn is theirs no more
	Gap     time.Duration // a shorter unvoiced gap does not break a run of voicing
}

// DefaultTurnOpts: 150 ms of voicing is more than a cough or a click, and
// 600 ms of quiet is a pause long enough to take the turn politely.
func DefaultTurnOpts() TurnOpts {
	return TurnOpts{Onset: 150 * time.Millisecond, Release: 600 * time.Millisecond, Gap: 80 * time.Millisecond}
}

// Turns follows the person's voicing, hop by hop, and says whether they are
// talking. It belongs to one goroutine.
type Turns struct {
	o            TurnOpts
	speaking     bool
	haveRun      bool
	runStart     time.Duration
	lastVoiced   time.Duration
	lastObserved time.Duration
}

// NewTurns returns a tracker; the person starts silent.
func NewTurns(o TurnOpts) *Turns { return &Turns{o: o} }

// Observe takes one voice hop and reports whether the person is speaking now.
func (t *Turns) Observe(obs perception.VoiceObs) bool {
	t.lastObserved = obs.At
	if obs.Voiced {
		if !t.haveRun || obs.At-t.lastVoiced > t.o.Gap {
			t.runStart = obs.At
		}
		t.haveRun = true
		t.lastVoiced = obs.At
		if !t.speaking && obs.At-t.runStart >= t.o.Onset {
			t.speaking = true
		}
		return t.speaking
	}
	if t.speaking && obs.At-t.lastVoiced >= t.o.Release {
		t.speaking = false
	}
	return t.speaking
}

// Set overrides the tracker (a supervisor, or a voice-activity detector
// that already decided).
func (t *Turns) Set(speaking bool) {
	t.speaking = speaking
	t.haveRun = false
}

// Speaking reports the current state.
func (t *Turns) Speaking() bool { return t.speaking }

// LastObserved is the time of the newest hop seen.
func (t *Turns) LastObserved() time.Duration { return t.lastObserved }
