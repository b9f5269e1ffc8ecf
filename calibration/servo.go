package calibration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kindred-hri/kindred/robot"
)

// PulseWriter drives one servo with a raw pulse width. Calibration needs
// it because it runs before the pulses of the profile can be trusted, so
// it cannot go through angles and the limiter.
type PulseWriter interface {
	WritePulse(ctx context.Context, id robot.JointID, w robot.PulseWidth) error
}

// ActionKind is what the operator asks for at one prompt.
type ActionKind int

const (
	Nudge       ActionKind = iota // move the pulse by Action.Pulse
	SetPulse                      // set the pulse to Action.Pulse
	MarkMin                       // the joint is at its min_deg now
	MarkNeutral                   // the joint is at its neutral_deg now
	MarkMax                       // the joint is at its max_deg now
	Skip                          // keep this joint's old calibration
	Quit                          // stop; joints done so far are kept
)

// Action is one operator input.
type Action struct {
	Kind  ActionKind
	Pulse robot.PulseWidth // the nudge (signed) or the pulse to set
}

// Prompt is what the operator sees before each action.
type Prompt struct {
	Joint  robot.JointConfig // as it was before calibration
	Index  int               // joint number, from 0
	Total  int
	Pulse  robot.PulseWidth // what the servo is being sent now
	Marked [3]bool          // min, neutral, max
	Marks  robot.Pulses
}

// Operator chooses actions: a person at a keyboard (LineOperator) or, with
// the simulated body, an automatic one (SimOperator).
type Operator interface {
	Next(ctx context.Context, p Prompt) (Action, error)
}

// ServoOpts bounds the procedure.
type ServoOpts struct {
	// MaxActions per joint before giving up on it (guards a stuck operator).
	MaxActions int
	// Log receives a line per joint; nil discards.
	Log io.Writer
	// Joints limits the walk to these joints (empty: every joint); the
	// others keep their calibration.
	Joints []robot.JointID
}

// DefaultServoOpts returns the usual bounds.
func DefaultServoOpts() ServoOpts { return ServoOpts{MaxActions: 5000} }

// ErrQuit is returned (wrapped) when the operator quits before the end;
// the returned profile still holds the joints finished so far.
var ErrQuit = errors.New("calibration quit by operator")

// CalibrateServos walks the joints of p one by one. For each it starts at
// the joint's current neutral pulse and lets the operator nudge the servo
// and mark the pulses at min_deg, neutral_deg and max_deg (in any order,
// re-marking allowed); when all three are marked the joint is done and
// returned to its new neutral. Pulses are kept within the hardware window
// robot.MinPulse..MaxPulse. The result is a copy of p with the new
// pulses (and invert set when the pulse falls as the angle rises),
// validated as a profile.
func CalibrateServos(ctx context.Context, p *robot.Profile, body PulseWriter, op Operator, o ServoOpts) (*robot.Profile, error) {
	if o.MaxActions <= 0 {
		return nil, fmt.Errorf("calibration: servos: max actions %d must be positive", o.MaxActions)
	}
	out := *p
	out.Joints = append([]robot.JointConfig(nil), p.Joints...)
	log := o.Log
	if log == nil {
		log = io.Discard
	}
	lo, hi := robot.MinPulse, robot.MaxPulse
	if p.Board.Kind == robot.BoardFirmata {
		lo = robot.FirmataMinPulse
	}
	walk := make([]int, 0, len(p.Joints))
	for i, j := range p.Joints {
		if len(o.Joints) == 0 || slices.Contains(o.Joints, j.ID) {
			walk = append(walk, i)
		}
	}
	for _, id := range o.Joints {
		if _, ok := p.Joint(id); !ok {
			return nil, fmt.Errorf("calibration: servos: profile %s has no joint %q", p.Name, id)
		}
	}
	for n, i := range walk {
		j := p.Joints[i]
		pr := Prompt{Joint: j, Index: n, Total: len(walk), Pulse: j.Pulse.Neutral}
		if err := body.WritePulse(ctx, j.ID, pr.Pulse); err != nil {
			return &out, fmt.Errorf("calibration: joint %s: %w", j.ID, err)
		}
		done := false
		for n := 0; !done; n++ {
			if n >= o.MaxActions {
				return &out, fmt.Errorf("calibration: joint %s: not done after %d actions", j.ID, o.MaxActions)
			}
			a, err := op.Next(ctx, pr)
			if err != nil {
				return &out, fmt.Errorf("calibration: joint %s: %w", j.ID, err)
			}
			switch a.Kind {
			case Nudge, SetPulse:
				w := a.Pulse
				if a.Kind == Nudge {
					w += pr.Pulse
				}
				if math.IsNaN(w.Microseconds()) {
					continue
				}
				w = robot.Microseconds(math.Max(lo.Microseconds(), math.Min(hi.Microseconds(), w.Microseconds())))
				if err := body.WritePulse(ctx, j.ID, w); err != nil {
					return &out, fmt.Errorf("calibration: joint %s: %w", j.ID, err)
				}
				pr.Pulse = w
			case MarkMin:
				pr.Marks.Min, pr.Marked[0] = pr.Pulse, true
			case MarkNeutral:
				pr.Marks.Neutral, pr.Marked[1] = pr.Pulse, true
			case MarkMax:
				pr.Marks.Max, pr.Marked[2] = pr.Pulse, true
			case Skip:
				fmt.Fprintf(log, "%s: skipped, calibration kept\n", j.ID)
				done = true
				continue
			case Quit:
				return &out, fmt.Errorf("calibration: joint %s: %w", j.ID, ErrQuit)
			default:
				return &out, fmt.Errorf("calibration: joint %s: unknown action %d", j.ID, a.Kind)
			}
			if pr.Marked == [3]bool{true, true, true} {
				nj := j
				nj.Pulse = pr.Marks
				nj.Invert = pr.Marks.Min > pr.Marks.Max
				out.Joints[i] = nj
				if err := body.WritePulse(ctx, j.ID, nj.Pulse.Neutral); err != nil {
					return &out, fmt.Errorf("calibration: joint %s: %w", j.ID, err)
				}
				fmt.Fprintf(log, "%s: min %v neutral %v max %v\n", j.ID, nj.Pulse.Min, nj.Pulse.Neutral, nj.Pulse.Max)
				done = true
			}
		}
	}
	// What the operator marked must make a usable profile (e.g. neutral
	// between min and max); say which joint is off.
	data, err := out.Marshal()
	if err != nil {
		return &out, err
	}
	checked, err := robot.ParseProfile(p.Source+" (calibrated)", data)
	if err != nil {
		return &out, fmt.Errorf("calibration: result: %w", err)
	}
	checked.Source = p.Source
	return checked, nil
}

// LineOperator reads one command per line from a terminal:
//
//   - / -        nudge 10 µs        ++ / --   nudge 50 µs
//     +N / -N      nudge N µs         =N        set N µs
//     min, neutral (or n), max        mark the current pulse
//     skip, quit
//
// and writes a prompt before each.
type LineOperator struct {
	in  *bufio.Scanner
	out io.Writer
}

// NewLineOperator reads commands from in and prompts on out.
func NewLineOperator(in io.Reader, out io.Writer) *LineOperator {
	return &LineOperator{in: bufio.NewScanner(in), out: out}
}

// Next prompts and reads until a valid command arrives.
func (l *LineOperator) Next(ctx context.Context, p Prompt) (Action, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Action{}, err
		}
		marks := ""
		for k, name := range []string{"min", "neutral", "max"} {
			if p.Marked[k] {
				marks += fmt.Sprintf(" %s=%g", name, []float64{p.Marks.Min.Microseconds(), p.Marks.Neutral.Microseconds(), p.Marks.Max.Microseconds()}[k])
			}
		}
		fmt.Fprintf(l.out, "[%d/%d] %s (%g°..%g°, neutral %g°) at %gµs%s > ",
			p.Index+1, p.Total, p.Joint.ID, p.Joint.Min.Degrees(), p.Joint.Max.Degrees(), p.Joint.Neutral.Degrees(), p.Pulse.Microseconds(), marks)
		if !l.in.Scan() {
			if err := l.in.Err(); err != nil {
				return Action{}, fmt.Errorf("read command: %w", err)
			}
			return Action{Kind: Quit}, nil
		}
		a, err := ParseAction(l.in.Text())
		if err != nil {
			fmt.Fprintln(l.out, err)
			continue
		}
		return a, nil
	}
}

// ParseAction reads one LineOperator command.
func ParseAction(s string) (Action, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "+":
		return Action{Kind: Nudge, Pulse: robot.Microseconds(10)}, nil
	case "-":
		return Action{Kind: Nudge, Pulse: robot.Microseconds(-10)}, nil
	case "++":
		return Action{Kind: Nudge, Pulse: robot.Microseconds(50)}, nil
	case "--":
		return Action{Kind: Nudge, Pulse: robot.Microseconds(-50)}, nil
	case "min":
		return Action{Kind: MarkMin}, nil
	case "neutral", "n":
		return Action{Kind: MarkNeutral}, nil
	case "max":
		return Action{Kind: MarkMax}, nil
	case "skip":
		return Action{Kind: Skip}, nil
	case "quit", "q":
		return Action{Kind: Quit}, nil
	}
	if len(s) > 1 && (s[0] == '+' || s[0] == '-' || s[0] == '=') {
		v, err := strconv.ParseFloat(s[1:], 64)
		if err == nil && v >= 0 && v <= robot.MaxPulse.Microseconds() {
			if s[0] == '=' {
				return Action{Kind: SetPulse, Pulse: robot.Microseconds(v)}, nil
			}
			if s[0] == '-' {
				v = -v
			}
			return Action{Kind: Nudge, Pulse: robot.Microseconds(v)}, nil
		}
	}
	return Action{}, fmt.Errorf("unknown command %q: use + - ++ -- +N -N =N min neutral max skip quit", s)
}

// SimView is what the automatic operator can see of a simulated body.
type SimView interface {
	Snapshot() robot.Pose
}

// SimOperator calibrates a simulated body without a person: it watches the
// joint's angle and nudges the pulse until the joint sits at min_deg,
// neutral_deg and max_deg in turn, coarse when far and fine when close,
// learning which way the pulse turns the joint. It exercises the same
// procedure a person walks through.
type SimOperator struct {
	Body       SimView
	Coarse     float64 // µs; default 10
	Fine       float64 // µs; default 1
	slope      float64 // degrees per µs, learnt
	lastPulse  float64 // µs
	lastAngle  float64
	lastJoint  robot.JointID
	havePrevMv bool
	dir        float64 // sweep direction while the slope is unknown
}

// Next picks the next action from the joint's current angle.
func (s *SimOperator) Next(ctx context.Context, p Prompt) (Action, error) {
	if err := ctx.Err(); err != nil {
		return Action{}, err
	}
	coarse, fine := s.Coarse, s.Fine
	if coarse <= 0 {
		coarse = 10
	}
	if fine <= 0 {
		fine = 1
	}
	j := p.Joint
	angle := s.Body.Snapshot()[j.ID].Degrees()
	us := p.Pulse.Microseconds()
	if j.ID != s.lastJoint {
		s.lastJoint, s.slope, s.havePrevMv, s.dir = j.ID, 0, false, 1
	} else if s.havePrevMv && us != s.lastPulse && angle != s.lastAngle {
		s.slope = (angle - s.lastAngle) / (us - s.lastPulse)
	}
	s.lastPulse, s.lastAngle, s.havePrevMv = us, angle, true

	goals := []struct {
		deg  float64
		kind ActionKind
	}{{j.Min.Degrees(), MarkMin}, {j.Neutral.Degrees(), MarkNeutral}, {j.Max.Degrees(), MarkMax}}
	for k, g := range goals {
		if p.Marked[k] {
			continue
		}
		if s.slope == 0 {
			// Learn the direction first by sweeping coarse steps until
			// the joint moves (it may start pressed against a stop),
			// turning round at the ends of the hardware window.
			if next := us + s.dir*coarse; next > robot.MaxPulse.Microseconds() || next < robot.MinPulse.Microseconds() {
				s.dir = -s.dir
			}
			return Action{Kind: Nudge, Pulse: robot.Microseconds(s.dir * coarse)}, nil
		}
		errDeg := g.deg - angle
		tol := math.Abs(s.slope) * fine / 2
		if math.Abs(errDeg) <= tol+1e-9 {
			return Action{Kind: g.kind}, nil
		}
		step := fine
		if math.Abs(errDeg) > math.Abs(s.slope)*coarse {
			step = coarse
		}
		return Action{Kind: Nudge, Pulse: robot.Microseconds(math.Copysign(step, errDeg/s.slope))}, nil
	}
	return Action{Kind: Skip}, nil
}
