package mesh

import (
	"fmt"
	"image"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
	"github.com/kindred-hri/kindred/perception/face/testmedia"
)

// emptyRoom is home.jpg (a house, no person) in a 640x480 frame.
func emptyRoom(b *testing.B) *image.Gray {
	return testmedia.Webcam(testmedia.Gray(b, testmedia.Path(b, "home.jpg")), image.Pt(0, 0))
}

// BenchmarkEmptyFrame is the cost of one frame of an empty room through
// the run's face stack (DetectEvery 4: a scan on every 4th frame, the
// 320-wide scan and then the full one, as nothing is found), like for
// like with the turned scans off and on: turned-every-N scans one turned
// copy on every Nth empty detection round. The scan-* variants are one
// scan each. Run on one core:
//
//	taskset -c 0 go test -run - -bench EmptyFrame -cpu 1 ./perception/face/mesh
func BenchmarkEmptyFrame(b *testing.B) {
	g := emptyRoom(b)
	d := detector(b)
	for _, every := range []int{0, 1, 2, 4} {
		b.Run(fmt.Sprintf("turned-every-%d", every), func(b *testing.B) {
			o := face.DefaultOpts()
			o.TurnedEvery = every
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(b), pose.New(), o)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			cpuPerOp(b, func() {
				if obs := p.Process(perception.Frame{Gray: g, At: time.Duration(i) * time.Second / 30, Seq: i}); len(obs) != 0 {
					b.Fatalf("%d faces in an empty room", len(obs))
				}
				i++
			})
			st := p.Stats()
			b.ReportMetric(float64(st.TurnedScans)/float64(st.Frames), "turned/frame")
		})
	}
	scans := []struct {
		name string
		run  func() ([]face.Detection, error)
	}{
		{"scan-upright", func() ([]face.Detection, error) { return face.Fallback{First: d.Shrunk(320), Then: d}.Detect(g) }},
		{"scan-turned-45", func() ([]face.Detection, error) { return d.Shrunk(320).(face.TurnDetector).DetectTurned(g, 45) }},
		{"scan-turned-90", func() ([]face.Detection, error) { return d.Shrunk(320).(face.TurnDetector).DetectTurned(g, 90) }},
	}
	for _, s := range scans {
		b.Run(s.name, func(b *testing.B) {
			cpuPerOp(b, func() {
				if _, err := s.run(); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkTrackedFrame is the cost of one frame with one upright face
// tracked (the first frame of the dev set's liveportrait__d3.mp4 in a
// 640x480 frame, as BenchmarkPipeline640x480 has it, held still) through the run's face
// stack at the defaults (a scan every 12th frame while the mesh tracks,
// behind on another goroutine, every frame fitted), like for like with
// the turned scans off and on: while a face is tracked, turned-every-N
// scans one turned copy every TrackedTurnFactor*N detection rounds
// (turned/frame), looking for a second face lying beside it. Before
// turned scans ran while a face was tracked, every N cost what
// turned-every-0 does. Run on one core:
//
//	taskset -c 0 go test -run - -bench TrackedFrame -benchtime 480x -cpu 1 ./perception/face/mesh
func BenchmarkTrackedFrame(b *testing.B) {
	still := webcamFrames(b, "liveportrait__d3.mp4", 1)[0]
	d := detector(b)
	for _, every := range []int{0, 1, 2, 4} {
		b.Run(fmt.Sprintf("turned-every-%d", every), func(b *testing.B) {
			o := face.DefaultOpts()
			o.TurnedEvery = every
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fitter(b), pose.New(), o)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			cpuPerOp(b, func() {
				f := still
				f.At, f.Seq = time.Duration(i)*time.Second/30, i
				if obs := p.Process(f); len(obs) != 1 {
					b.Fatalf("frame %d: %d faces, want the one", i, len(obs))
				}
				i++
			})
			st := p.Stats()
			b.ReportMetric(float64(st.TurnedScans)/float64(st.Frames), "turned/frame")
			b.ReportMetric(float64(st.Detections)/float64(st.Frames), "scans/frame")
		})
	}
}
