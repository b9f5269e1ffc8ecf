package mimicry

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/robot"
)

// benchFace is a moving, expressive face with landmarks, so every update
// does the full work: eye aspect, pain evidence, gesture tracking.
func benchFace(i int) perception.FaceObs {
	at := time.Duration(i) * 33 * time.Millisecond
	ph := float64(i) / 30
	// With an entry time every face causes a command, even when the pose
	// moves by less than the 0.01° otherwise not worth sending.
	f := perception.FaceObs{At: at, Wall: wallBase.Add(at), Track: 1, Confidence: 0.9, Expression: perception.ExprHappy,
		AU:   perception.AUs{AU06: 2, AU12: 2 + 2*math.Sin(ph), AU25: 1},
		Pose: perception.HeadPose{Yaw: perception.Degrees(15 * math.Sin(ph/3)), Pitch: perception.Degrees(5 * math.Sin(ph)), Roll: 3}}
	f.Landmarks, f.HasLandmarks = eyes(i%90 != 0, i%90 != 0), true
	f.PSPI = f.AU.PSPI()
	return f
}

// BenchmarkUpdate is the per-update cost in steady state: one face in, one
// step, the pose written into a pose the caller owns (0 allocs).
func BenchmarkUpdate(b *testing.B) {
	for _, delay := range []time.Duration{0, 400 * time.Millisecond} {
		b.Run("delay="+delay.String(), func(b *testing.B) {
			o := DefaultOpts()
			o.Settings = settings(0.6, delay)
			m := newMirror(b, fullBody(), o)
			faces := make([]perception.FaceObs, 3000)
			for i := range faces {
				faces[i] = benchFace(i)
			}
			dst := make(robot.Pose, len(m.Joints()))
			base := time.Duration(0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				f := faces[i%len(faces)]
				if i%len(faces) == 0 && i > 0 {
					base += faces[len(faces)-1].At + 33*time.Millisecond
				}
				f.At += base
				m.Face(f)
				m.StepInto(f.At, dst)
			}
		})
	}
}

// BenchmarkStep is Step as Run uses it: the pose is handed over, so each
// command allocates its own map.
func BenchmarkStep(b *testing.B) {
	o := DefaultOpts()
	m := newMirror(b, fullBody(), o)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Face(benchFace(i))
		m.Step(time.Duration(i) * 33 * time.Millisecond)
	}
}

// BenchmarkLatency reports the processing latency from a face entering
// the mirror to the command leaving it (no configured delay), p50/p95/max
// over every update.
func BenchmarkLatency(b *testing.B) {
	o := DefaultOpts()
	o.Settings = settings(0.6, 0)
	m := newMirror(b, fullBody(), o)
	dst := make(robot.Pose, len(m.Joints()))
	lat := make([]time.Duration, 0, 1<<16)
	for i := 0; b.Loop(); i++ {
		f := benchFace(i)
		start := time.Now()
		m.Face(f)
		m.StepInto(f.At, dst)
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	reportPercentiles(b, lat)
}

// BenchmarkRunLatency is the same through Run and its channels: wall time
// from sending a face to receiving the command it caused.
func BenchmarkRunLatency(b *testing.B) {
	o := DefaultOpts()
	o.Settings = settings(0.6, 0)
	o.Tick = time.Hour // only faces cause commands
	m := newMirror(b, fullBody(), o)
	faces := make(chan perception.FaceObs, 1)
	out := make(chan robot.Command, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, faces, nil, nil, out) }()
	lat := make([]time.Duration, 0, 1<<16)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		faces <- benchFace(i)
		<-out
		if len(lat) < cap(lat) {
			lat = append(lat, time.Since(start))
		}
	}
	cancel()
	<-done
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.95), "p95-ns")
	b.ReportMetric(at(1), "max-ns")
}
