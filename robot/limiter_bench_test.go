package robot_test

import (
	"context"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/robot"
	"github.com/kindred-hri/kindred/robot/sim"
	"github.com/kindred-hri/kindred/sessiontime"
)

// BenchmarkLimiterTick is the cost of one 50 Hz control tick of the whole
// sim body (16 joints) with a fresh mimicry command every tick: arbitrate,
// integrate 4 substeps per joint, write the moved joints to the sim
// through the limiter's bus goroutine.
func BenchmarkLimiterTick(b *testing.B) {
	p, err := robot.LoadProfile("sim")
	if err != nil {
		b.Fatal(err)
	}
	body := sim.New(p)
	o := robot.DefaultOpts()
	o.Watchdog = time.Hour
	l, err := robot.NewLimiter(p.Specs(), body, o)
	if err != nil {
		b.Fatal(err)
	}
	// Two far-apart poses so every joint keeps moving.
	lo, hi := robot.Pose{}, robot.Pose{}
	for _, j := range p.Joints {
		lo[j.ID] = j.Min
		hi[j.ID] = j.Max
	}
	ctx := context.Background()
	wall := time.Unix(1e9, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		pose := lo
		if (i/100)%2 == 1 {
			pose = hi
		}
		wall = wall.Add(20 * time.Millisecond)
		if err := l.StepAt(ctx, robot.Command{Pose: pose, Source: robot.SourceMimicry}, wall); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if body.Writes() == 0 {
		b.Fatal("the body never moved")
	}
	if err := l.Halt(); err != nil { // ends the bus goroutine
		b.Fatal(err)
	}
}

// BenchmarkLimiterLatency measures observation-to-joint-command latency as
// the run summary reports it: commands stamped with Observed just before
// they are sent, at 500 per second of wall time to a 20x-speed limiter,
// through the limiter goroutine to the sim body. Reported as p50/p95 µs.
func BenchmarkLimiterLatency(b *testing.B) {
	p, err := robot.LoadProfile("sim")
	if err != nil {
		b.Fatal(err)
	}
	o := robot.DefaultOpts()
	o.Clock, _ = sessiontime.New(20)
	o.Watchdog = time.Hour
	l, err := robot.NewLimiter(p.Specs(), sim.New(p), o)
	if err != nil {
		b.Fatal(err)
	}
	cmds := make(chan robot.Command)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- l.Run(ctx, cmds) }()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		<-tick.C
		cmds <- robot.Command{Pose: robot.Pose{robot.HeadPan: robot.Angle(i % 40), robot.Jaw: robot.Angle(i % 25)}, Source: robot.SourceMimicry, Observed: time.Now()}
	}
	b.StopTimer()
	cancel()
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	s := l.Stats()
	b.ReportMetric(s.Latency.P50*1000, "p50-µs")
	b.ReportMetric(s.Latency.P95*1000, "p95-µs")
	b.ReportMetric(s.Latency.Max*1000, "max-µs")
}
