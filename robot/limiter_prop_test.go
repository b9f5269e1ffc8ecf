package robot

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// boundsActuator fails the test on any write outside the joints' ranges.
// The limiter calls it from its bus goroutine, so it reports with Errorf.
type boundsActuator struct {
	t     testing.TB
	specs map[JointID]JointSpec
}

func (a *boundsActuator) Write(_ context.Context, p Pose) error {
	for id, v := range p {
		s, ok := a.specs[id]
		if !ok {
			a.t.Errorf("write of unknown joint %s", id)
		} else if !(v >= s.Min && v <= s.Max) {
			a.t.Errorf("write %s = %v outside [%v, %v]", id, v, s.Min, s.Max)
		}
	}
	return nil
}

func (a *boundsActuator) Halt() error { return nil }

var propJoints = []JointSpec{
	{ID: HeadPan, Min: -60, Max: 60, MaxSpeed: 180, MaxAccel: 900},
	{ID: Jaw, Min: 0, Max: 30, Neutral: 0, Safe: 0, MaxSpeed: 400, MaxAccel: 6000},
	{ID: LidLeft, Min: 0, Max: 60, Neutral: 40, Safe: 40, MaxSpeed: 600, MaxAccel: 50000},
	{ID: ArmLeftElbow, Min: 0, Max: 120, Neutral: 10, Safe: 10, MaxSpeed: 5, MaxAccel: 2},
}

// driveLimiter feeds the limiter a program decoded from data: each 12-byte
// op is either a command (joint, source, angle bits) or a step of some
// length, and checks after every step that no joint left its range, speed
// or acceleration bound.
func driveLimiter(t testing.TB, data []byte) {
	specs := map[JointID]JointSpec{}
	for _, s := range propJoints {
		specs[s.ID] = s
	}
	o := DefaultOpts()
	l, err := NewLimiter(propJoints, &boundsActuator{t: t, specs: specs}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Halt() // ends the bus goroutine
	ctx := context.Background()
	checkSubsteps(t, l)
	l.start = time.Unix(1e9, 0)
	wall := l.start
	ids := []JointID{HeadPan, Jaw, LidLeft, ArmLeftElbow, "tail"}
	for len(data) >= 12 {
		op := data[:12]
		data = data[12:]
		if op[0]&1 == 0 {
			angle := math.Float64frombits(binary.LittleEndian.Uint64(op[4:]))
			pose := Pose{}
			for k := 0; k < int(op[3]%4)+1; k++ {
				pose[ids[(int(op[1])+k)%len(ids)]] = Angle(angle * float64(k+1))
			}
			l.apply(Command{Pose: pose, Source: Source(int(op[2]%7) - 1)}, l.bodyTime(wall))
			continue
		}
		// A step 0 to 2 regular periods after the last (Run caps a late
		// step at one period; early steps for commands come at any time).
		gap := time.Duration(binary.LittleEndian.Uint16(op[1:])) * 2 * l.period / 65535
		wall = wall.Add(gap)
		before := append([]float64(nil), l.pos...)
		if err := l.step(ctx, wall, l.bodyDT(gap), op[3]&1 == 1); err != nil {
			t.Fatal(err)
		}
		for i, s := range propJoints {
			if p := l.pos[i]; !(p >= float64(s.Min) && p <= float64(s.Max)) {
				t.Fatalf("%s at %g outside [%v, %v] (was %g)", s.ID, p, s.Min, s.Max, before[i])
			}
		}
	}
}

// checkSubsteps installs a trace that checks, on every integration
// substep, the velocity and acceleration implied by successive positions.
func checkSubsteps(t testing.TB, l *Limiter) {
	prevPos := append([]float64(nil), l.pos...)
	prevVel := make([]float64, len(l.pos))
	l.trace = func(i int, p, _ float64) {
		s := l.specs[i]
		h := l.h
		v := (p - prevPos[i]) / h
		// Velocities derived from positions carry about one ulp of the
		// position divided by h.
		slack := 8 * math.Abs(s.Max.Degrees()-s.Min.Degrees()) * 1e-15 / h
		vmax, amax := s.MaxSpeed.DegreesPerSecond(), s.MaxAccel.DegreesPerSecondSquared()
		if math.Abs(v) > vmax+slack {
			t.Fatalf("%s speed %g > %g", s.ID, v, vmax)
		}
		if acc := math.Abs(v-prevVel[i]) / h; acc > amax*(1+1e-9)+slack/h {
			t.Fatalf("%s accel %g > %g (v %g -> %g, pos %g -> %g, target %g)", s.ID, acc, amax, prevVel[i], v, prevPos[i], p, l.target[i])
		}
		prevPos[i], prevVel[i] = p, v
	}
}

func FuzzLimiter(f *testing.F) {
	op := func(cmd bool, a, b, c byte, x float64) []byte {
		o := make([]byte, 12)
		if !cmd {
			o[0] = 1
		}
		o[1], o[2], o[3] = a, b, c
		binary.LittleEndian.PutUint64(o[4:], math.Float64bits(x))
		return o
	}
	step := func(n int) []byte {
		var b []byte
		for range n {
			b = append(b, op(false, 0xff, 0x7f, 0, 0)...)
		}
		return b
	}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	f.Add(cat(op(true, 0, 2, 0, 1e9), step(100), op(true, 0, 2, 0, -1e9), step(100)))
	f.Add(cat(op(true, 1, 5, 3, math.NaN()), step(5), op(true, 2, 3, 3, math.Inf(-1)), step(50)))
	f.Add(cat(op(true, 3, 4, 0, 120), step(3), op(true, 3, 4, 0, 0), step(3), op(true, 3, 4, 0, 120), step(400)))
	f.Add(cat(op(true, 0, 1, 3, 59.9), op(true, 0, 4, 3, -59.9), step(7), op(true, 4, 6, 1, 1)))
	f.Fuzz(func(t *testing.T, data []byte) { driveLimiter(t, data) })
}

// TestLimiterBoundsRandom runs many random programs in every plain `go
// test`, alongside the fuzz seeds.
func TestLimiterBoundsRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		data := make([]byte, 12*(50+r.IntN(400)))
		for i := range data {
			data[i] = byte(r.Uint32())
		}
		// Make most angles plausible so joints actually travel.
		for i := 0; i+12 <= len(data); i += 12 {
			if data[i]&1 == 0 && r.IntN(4) > 0 {
				binary.LittleEndian.PutUint64(data[i+4:], math.Float64bits(r.Float64()*300-150))
			} else if data[i]&1 == 1 {
				data[i+1], data[i+2] = 0xff, 0x7f // a regular step
			}
		}
		driveLimiter(t, data)
	}
}

// TestLimiterPropertyMoves guards the property test itself: a program
// that asks for a far target must produce motion for the checks to see.
func TestLimiterPropertyMoves(t *testing.T) {
	o := DefaultOpts()
	l, err := NewLimiter(propJoints, &boundsActuator{t: t, specs: map[JointID]JointSpec{HeadPan: propJoints[0], Jaw: propJoints[1], LidLeft: propJoints[2], ArmLeftElbow: propJoints[3]}}, o)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Halt() // ends the bus goroutine
	n := 0
	l.trace = func(int, float64, float64) { n++ }
	l.start = time.Unix(1e9, 0)
	l.apply(Command{Pose: Pose{HeadPan: 50}}, 0)
	for k := 1; k <= 10; k++ {
		if err := l.step(context.Background(), l.start.Add(time.Duration(k)*l.period), l.dt, false); err != nil {
			t.Fatal(err)
		}
	}
	if n != 10*substeps*len(propJoints) || !(l.pos[0] > 0) {
		t.Errorf("%d substeps traced, head_pan at %g", n, l.pos[0])
	}
}
