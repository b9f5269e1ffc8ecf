package mimicry

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/sessiontime"
)

// Opts configure a Mirror. Start from DefaultOpts and change what differs:
// every field is taken literally, so a zero Tick is an error.
type Opts struct {
	// Tick is the period, in session time, at which Run steps the mirror
	// when no face arrives (idle liveliness, delayed faces falling due).
	Tick time.Duration
	// Clock is the run's session clock (nil: real time); Run's ticker fires
	// every Tick of its time.
	Clock *sessiontime.Clock
	// Smoothing is the time constant of the first-order low-pass on the
	// mirrored targets; 0 follows the face at once.
	Smoothing time.Duration
	// ConcernSlowdown multiplies Smoothing while concern is shown, so the
	// robot moves more slowly with a person in pain (1 = no slowdown).
	ConcernSlowdown float64
	// MaxDelay caps the mirror delay an intent may ask for; it also sizes
	// the delay buffer.
	MaxDelay time.Duration
	// FaceTimeout is how long the last face is mirrored after the face
	// stops arriving, and how long another track is ignored while the
	// followed one is still in view.
	FaceTimeout time.Duration
	// PainPSPI is the PSPI at or above which a face with AU4 counts as a
	// pain face even when its expression label is not pain.
	PainPSPI float64
	// Idle turns idle liveliness (blinks, breathing, gaze shifts) on.
	Idle bool
	// Seed seeds the idle liveliness, so a run reproduces.
	Seed uint64
	// Settings are the mirror settings in force until the first intent.
	Settings behavior.MirrorSettings
	// WallOf, when set, overrides where Command.Observed comes from; nil
	// uses FaceObs.Wall, the instant the frame entered the pipeline.
	WallOf func(perception.FaceObs) time.Time
}

// DefaultOpts returns the settings the project runs with: 25 Hz idle ticks
// at real time, 150 ms smoothing, delays up to 2 s, mirroring on at gain
// 0.6 with a 400 ms delay (facial mimicry in people starts 300–400 ms after
// the expression) until the first intent says otherwise.
func DefaultOpts() Opts {
	return Opts{
		Tick:            40 * time.Millisecond,
		Smoothing:       150 * time.Millisecond,
		ConcernSlowdown: 2.5,
		MaxDelay:        2 * time.Second,
		FaceTimeout:     500 * time.Millisecond,
		PainPSPI:        4,
		Idle:            true,
		Seed:            1,
		Settings: behavior.MirrorSettings{
			Enabled: true,
			Gain:    0.6,
			Delay:   400 * time.Millisecond,
			Concern: 0.8,
		},
	}
}

// ErrNoJoints is returned by New for a body with none of the joints
// mimicry drives.
var ErrNoJoints = errors.New("mimicry: the body has none of the face, head or arm joints")

// Validate says which field is out of range.
func (o Opts) Validate() error {
	switch {
	case o.Tick <= 0:
		return fmt.Errorf("mimicry: opts: tick %v must be positive", o.Tick)
	case o.Smoothing < 0:
		return fmt.Errorf("mimicry: opts: smoothing %v must not be negative", o.Smoothing)
	case !(o.ConcernSlowdown >= 1) || math.IsInf(o.ConcernSlowdown, 0):
		return fmt.Errorf("mimicry: opts: concern slowdown %v must be at least 1", o.ConcernSlowdown)
	case o.MaxDelay < 0 || o.MaxDelay > 5*time.Second:
		return fmt.Errorf("mimicry: opts: max delay %v must be within 0..5s", o.MaxDelay)
	case o.FaceTimeout <= 0:
		return fmt.Errorf("mimicry: opts: face timeout %v must be positive", o.FaceTimeout)
	case !(o.PainPSPI > 0) || o.PainPSPI > 16:
		return fmt.Errorf("mimicry: opts: pain PSPI %v must be within (0, 16]", o.PainPSPI)
	}
	return nil
}

// sanitize clamps settings that arrive on intents to what the mirror can
// honour, reporting whether it had to: bad values from a console must not
// stop the robot.
func (o Opts) sanitize(s behavior.MirrorSettings) (behavior.MirrorSettings, bool) {
	in := s
	s.Gain = clampFinite(s.Gain, 0, 1)
	s.Concern = clampFinite(s.Concern, 0, 1)
	s.Delay = min(max(s.Delay, 0), o.MaxDelay)
	return s, s != in
}

func clampFinite(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return min(max(v, lo), hi)
}
