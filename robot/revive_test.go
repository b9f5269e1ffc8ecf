package robot_test

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/robot"
)

// relink is a recording fake of a body whose link can drop and come back
// (robot.Reviver): while down every joint's write fails.
type relink struct {
	mu      sync.Mutex
	down    bool
	writes  []robot.Pose
	release []robot.JointID
	revived chan []robot.JointID
}

func (r *relink) Write(_ context.Context, p robot.Pose) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down {
		var errs []error
		for id := range p {
			errs = append(errs, &robot.JointError{ID: id, Err: errors.New("link lost")})
		}
		return errors.Join(errs...)
	}
	r.writes = append(r.writes, maps(p))
	return nil
}

func maps(p robot.Pose) robot.Pose {
	c := make(robot.Pose, len(p))
	for k, v := range p {
		c[k] = v
	}
	return c
}

func (r *relink) Release(id robot.JointID) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.release = append(r.release, id)
	return nil
}

func (r *relink) Halt() error                     { return nil }
func (r *relink) Revived() <-chan []robot.JointID { return r.revived }

// The link drops: every joint goes limp with one fault. It comes back: the
// running limiter writes each joint at its safe angle first, then moves it
// to the target it still holds no faster than its speed limit, and
// records one revival.
func TestLimiterRevivesFromSafePose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := robot.LoadProfile("sim")
		if err != nil {
			t.Fatal(err)
		}
		body := &relink{revived: make(chan []robot.JointID, 1)}
		var faults, revivals [][]robot.JointID
		o := robot.DefaultOpts()
		o.Watchdog, o.Stale = time.Hour, time.Hour
		o.OnFault = func(id robot.JointID, err error) { faults = append(faults, []robot.JointID{id}) }
		o.OnRevive = func(ids []robot.JointID) { revivals = append(revivals, ids) }
		lim, err := robot.NewLimiter(p.Specs(), body, o)
		if err != nil {
			t.Fatal(err)
		}
		cmds := make(chan robot.Command)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- lim.Run(ctx, cmds) }()
		specs := map[robot.JointID]robot.JointSpec{}
		target := robot.Pose{}
		for _, s := range lim.Joints() {
			specs[s.ID] = s
			target[s.ID] = s.Min + (s.Max-s.Min)*3/4
		}
		cmds <- robot.Command{Pose: target, Source: robot.SourceGesture}
		sleep(10 * time.Second)

		body.mu.Lock()
		body.down = true
		body.mu.Unlock()
		// Wobble the targets so every joint writes, and fails.
		for id, a := range target {
			target[id] = a - 1
		}
		cmds <- robot.Command{Pose: target, Source: robot.SourceGesture}
		sleep(time.Second)
		if n := len(lim.Stats().Limp); n != len(specs) || len(faults) != len(specs) {
			t.Fatalf("%d limp joints, %d faults after the link dropped, want %d each", n, len(faults), len(specs))
		}

		body.mu.Lock()
		body.down = false
		body.writes = nil
		body.mu.Unlock()
		ids := make([]robot.JointID, 0, len(specs))
		for id := range specs {
			ids = append(ids, id)
		}
		body.revived <- ids
		sleep(20 * time.Second)

		body.mu.Lock()
		writes := body.writes
		body.mu.Unlock()
		if len(writes) == 0 {
			t.Fatal("nothing written after the link came back")
		}
		first := writes[0]
		for id, s := range specs {
			a, ok := first[id]
			if !ok || math.Abs(float64(a-s.Safe)) > 1e-9 {
				t.Errorf("%s: first write after the revival %v (written: %v), want its safe angle %v", id, a, ok, s.Safe)
			}
		}
		last := maps(first)
		for k, w := range writes[1:] {
			for id, a := range w {
				// One write per tick (20 ms), or an early one within it.
				perTick := specs[id].MaxSpeed.DegreesPerSecond() / o.Rate.Hertz()
				if step := math.Abs((a - last[id]).Degrees()); step > perTick+1e-9 {
					t.Errorf("%s: write %d moves %.3f°, more than %.3f° a tick", id, k+1, step, perTick)
				}
				last[id] = a
			}
		}
		for id, a := range target {
			if math.Abs(float64(last[id]-a)) > 1e-9 {
				t.Errorf("%s at %v after the revival, want the target %v", id, last[id], a)
			}
		}
		s := lim.Stats()
		if len(s.Limp) != 0 || s.Revived != int64(len(specs)) {
			t.Errorf("limp %v, revived %d after the revival, want none and %d", s.Limp, s.Revived, len(specs))
		}
		if len(revivals) != 1 || len(revivals[0]) != len(specs) {
			t.Errorf("revivals %v, want one with every joint", revivals)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// losing is relink that also reports a loss by itself (robot.LossReporter).
type losing struct {
	relink
	lost chan error
}

func (l *losing) Lost() <-chan error { return l.lost }

// The link goes while the body rests, so no write fails: the board's own
// report lets every joint go with exactly one fault, and a command after it
// adds none.
func TestLimiterLetsGoWhenTheLinkIsLostAtRest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := robot.LoadProfile("sim")
		if err != nil {
			t.Fatal(err)
		}
		body := &losing{relink: relink{revived: make(chan []robot.JointID, 1)}, lost: make(chan error, 1)}
		faults := map[robot.JointID]int{}
		o := robot.DefaultOpts()
		o.Watchdog, o.Stale = time.Hour, time.Hour
		o.OnFault = func(id robot.JointID, err error) { faults[id]++ }
		lim, err := robot.NewLimiter(p.Specs(), body, o)
		if err != nil {
			t.Fatal(err)
		}
		cmds := make(chan robot.Command)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- lim.Run(ctx, cmds) }()
		sleep(5 * time.Second) // at rest in the safe pose

		body.mu.Lock()
		body.down = true
		body.mu.Unlock()
		body.lost <- errors.New("link lost: read: EIO")
		sleep(time.Second)
		specs := lim.Joints()
		if n := len(lim.Stats().Limp); n != len(specs) {
			t.Fatalf("%d of %d joints let go after the link was lost at rest", n, len(specs))
		}
		target := robot.Pose{}
		for _, s := range specs {
			target[s.ID] = s.Min + (s.Max-s.Min)/4
		}
		cmds <- robot.Command{Pose: target, Source: robot.SourceGesture}
		sleep(time.Second)
		for _, s := range specs {
			if faults[s.ID] != 1 {
				t.Errorf("%s: %d faults, want exactly 1", s.ID, faults[s.ID])
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
}
