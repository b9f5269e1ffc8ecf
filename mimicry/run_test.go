package mimicry

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/kindred-hri/kindred/behavior"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/sessiontime"
)

// runMirror starts Run in the bubble and returns its inputs, output and a
// function that stops it and returns its error.
func runMirror(t *testing.T, o Opts) (chan perception.FaceObs, chan behavior.Intent, chan robot.Command, func() error) {
	t.Helper()
	m := newMirror(t, fullBody(), o)
	faces, intents := make(chan perception.FaceObs, 1), make(chan behavior.Intent, 1)
	out := make(chan robot.Command, 10000)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, faces, intents, nil, out) }()
	return faces, intents, out, func() error {
		cancel()
		return <-done
	}
}

func drain(out chan robot.Command) []robot.Command {
	var cmds []robot.Command
	for {
		select {
		case c := <-out:
			cmds = append(cmds, c)
		default:
			return cmds
		}
	}
}

func TestRunIdleTicks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := DefaultOpts()
		_, _, out, stop := runMirror(t, o)
		time.Sleep(time.Second)
		synctest.Wait()
		n := len(drain(out))
		// 25 Hz ticks, a command whenever breathing moves the head.
		if n < 20 || n > 26 {
			t.Fatalf("%d idle commands in 1 s, want about 25", n)
		}
		if err := stop(); err != nil {
			t.Fatalf("Run returned %v on cancel, want nil", err)
		}
		if _, open := <-out; open {
			t.Fatal("Run left its output open")
		}
	})
}

// TestRunSpeed: at --speed 20 the 400 ms mirror delay passes in 20 ms of
// wall time, and idle ticks keep 40 ms of session time apart.
func TestRunSpeed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := testOpts()
		o.Clock, _ = sessiontime.New(20)
		o.Settings = settings(1, 400*time.Millisecond)
		faces, _, out, stop := runMirror(t, o)
		defer stop()
		faces <- perception.FaceObs{At: 0, Wall: wallBase, Track: 1, Expression: perception.ExprHappy, AU: perception.AUs{AU12: 5}}
		time.Sleep(15 * time.Millisecond) // 300 ms of session time
		synctest.Wait()
		for _, c := range drain(out) {
			if c.Pose[robot.MouthCornerLeft] != 90 {
				t.Fatalf("mouth moved to %v before the delay passed", c.Pose[robot.MouthCornerLeft])
			}
		}
		time.Sleep(10 * time.Millisecond) // 500 ms
		synctest.Wait()
		cmds := drain(out)
		if len(cmds) == 0 || cmds[len(cmds)-1].Pose[robot.MouthCornerLeft] <= 90 {
			t.Fatalf("no smile 100 ms of session time after the delay: %v", cmds)
		}
		if c := cmds[0]; c.Observed != wallBase || c.Delay != 400*time.Millisecond {
			t.Fatalf("first mirrored command: observed %v delay %v, want %v and 400ms", c.Observed, c.Delay, wallBase)
		}
	})
}

// TestRunNoDelayAnswersAtOnce: without a delay a face is mirrored when it
// arrives, not at the next tick.
func TestRunNoDelayAnswersAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := testOpts()
		o.Tick = time.Hour // no ticks to hide behind
		o.Settings = settings(1, 0)
		faces, _, out, stop := runMirror(t, o)
		defer stop()
		for i := range 3 {
			at := time.Duration(i) * 40 * time.Millisecond
			faces <- perception.FaceObs{At: at, Wall: wallBase.Add(at), Track: 1, Pose: perception.HeadPose{Yaw: 20}}
			synctest.Wait()
			cmds := drain(out)
			if len(cmds) != 1 || cmds[0].Observed != wallBase.Add(at) {
				t.Fatalf("face %d: %d commands %v, want one mirroring it", i, len(cmds), cmds)
			}
		}
	})
}

// TestRunStillAndEnd: IntentStill through the channel sends the rest pose
// and silences the ticks; closing both inputs ends Run.
func TestRunStillAndEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newMirror(t, fullBody(), DefaultOpts())
		faces, intents := make(chan perception.FaceObs), make(chan behavior.Intent)
		out := make(chan robot.Command, 1000)
		done := make(chan error, 1)
		go func() { done <- m.Run(t.Context(), faces, intents, nil, out) }()
		time.Sleep(500 * time.Millisecond)
		intents <- behavior.Intent{At: 500 * time.Millisecond, Kind: behavior.IntentStill}
		synctest.Wait()
		drain(out)
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if cmds := drain(out); len(cmds) != 0 {
			t.Fatalf("%d commands while still", len(cmds))
		}
		close(faces)
		close(intents)
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

// TestRunSettingsChannel: the supervisor's change of the mirror settings
// arrives on its own channel, between intents, and takes effect at once:
// with mirroring switched off a smile is no longer mirrored.
func TestRunSettingsChannel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := testOpts()
		o.Settings = settings(1, 0)
		m := newMirror(t, fullBody(), o)
		faces, sets := make(chan perception.FaceObs, 1), make(chan behavior.MirrorChange, 1)
		out := make(chan robot.Command, 10000)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- m.Run(ctx, faces, nil, sets, out) }()
		defer func() { cancel(); <-done }()

		sets <- behavior.MirrorChange{At: 0, Settings: behavior.MirrorSettings{Enabled: false}}
		synctest.Wait()
		drain(out)
		for i := range 10 {
			faces <- perception.FaceObs{At: time.Duration(i) * 40 * time.Millisecond, Wall: wallBase, Track: 1,
				Expression: perception.ExprHappy, AU: perception.AUs{AU12: 5}}
			time.Sleep(40 * time.Millisecond)
			synctest.Wait()
		}
		for _, c := range drain(out) {
			if c.Pose[robot.MouthCornerLeft] > 90 {
				t.Fatalf("mouth mirrored a smile (%v) after mirroring was switched off", c.Pose[robot.MouthCornerLeft])
			}
		}
	})
}

// TestRunDelayCountsFromTheFaceWhenFacesStartLate: the video's first frame
// (media time 0) can reach the mirror well after Run started (models
// loading, a camera opening). The mirror's delay still runs from each
// face's own arrival: every command mirroring a face goes out within a
// tick after its Observed plus the delay, never before (the limiter would
// count a negative latency, shown as 0), and faces are mirrored at all
// however late they start.
func TestRunDelayCountsFromTheFaceWhenFacesStartLate(t *testing.T) {
	for _, late := range []time.Duration{0, 200 * time.Millisecond, 600 * time.Millisecond, 3 * time.Second} {
		t.Run(late.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := testOpts()
				o.Settings = settings(1, 400*time.Millisecond)
				faces, _, out, stop := runMirror(t, o)
				type sent struct {
					at  time.Time
					cmd robot.Command
				}
				var got []sent
				collected := make(chan struct{})
				go func() {
					defer close(collected)
					for c := range out {
						got = append(got, sent{time.Now(), c})
					}
				}()
				time.Sleep(late)
				for i := range 50 { // 2 s of 25 fps video
					at := time.Duration(i) * 40 * time.Millisecond
					faces <- perception.FaceObs{At: at, Wall: time.Now(), Track: 1, Pose: perception.HeadPose{Yaw: perception.Angle(i % 20)}}
					time.Sleep(40 * time.Millisecond)
				}
				if err := stop(); err != nil {
					t.Fatal(err)
				}
				<-collected
				mirrored := 0
				for _, s := range got {
					if s.cmd.Observed.IsZero() {
						continue
					}
					mirrored++
					due := s.cmd.Observed.Add(s.cmd.Delay)
					if s.at.Before(due) {
						t.Fatalf("the face of %v was mirrored %v before its %v delay had passed",
							s.cmd.Observed.Format("15:04:05.000"), due.Sub(s.at), s.cmd.Delay)
					}
					if d := s.at.Sub(due); d > o.Tick {
						t.Fatalf("the face of %v was mirrored %v after its %v delay, more than a tick",
							s.cmd.Observed.Format("15:04:05.000"), d, s.cmd.Delay)
					}
				}
				if mirrored < 40 {
					t.Fatalf("%d of 50 faces mirrored", mirrored)
				}
			})
		})
	}
}
