package mesh

import (
	"context"
	"errors"
	"image"
	"io"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/kindred-hri/kindred/internal/cvthreads"
	"github.com/kindred-hri/kindred/perception"
	"github.com/kindred-hri/kindred/perception/camera"
	"github.com/kindred-hri/kindred/perception/face"
	"github.com/kindred-hri/kindred/perception/face/pose"
)

// webcamFrames decodes up to n frames of a dev set clip and places each,
// gray and colour, in the top-left of a 640x480 frame (cropping or padding
// with black): a webcam-sized frame with one real, moving face.
func webcamFrames(b testing.TB, clip string, n int) []perception.Frame {
	b.Helper()
	v, err := camera.OpenVideo(devsetFaces(b, clip))
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	var out []perception.Frame
	for len(out) < n {
		f, err := v.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, toWebcam(f))
	}
	if len(out) == 0 {
		b.Fatalf("%s: no frames", clip)
	}
	return out
}

func toWebcam(f perception.Frame) perception.Frame {
	const w, h = 640, 480
	g := image.NewGray(image.Rect(0, 0, w, h))
	sb := f.Gray.Bounds()
	for y := 0; y < min(h, sb.Dy()); y++ {
		o := f.Gray.PixOffset(sb.Min.X, sb.Min.Y+y)
		copy(g.Pix[y*w:y*w+min(w, sb.Dx())], f.Gray.Pix[o:o+min(w, sb.Dx())])
	}
	out := perception.Frame{At: f.At, Seq: f.Seq, Gray: g}
	if f.Color.Valid() {
		c := &perception.BGR{Pix: make([]byte, 3*w*h), W: w, H: h}
		cw := min(w, f.Color.W)
		for y := 0; y < min(h, f.Color.H); y++ {
			copy(c.Pix[3*y*w:3*y*w+3*cw], f.Color.Pix[3*y*f.Color.W:3*y*f.Color.W+3*cw])
		}
		out.Color = c
	}
	return out
}

// BenchmarkPipeline640x480 is the live face pipeline as `kindred run`
// builds it (YuNet at 320 wide first, the tracked mesh, blendshapes, pose,
// AUs and expression; detection every 4th frame, every 12th while the mesh
// tracks, that scan behind on another goroutine) on 640x480 colour frames
// of a real clip, one operation a frame; the variants detect every 4th
// frame in step (the schedule before), leave the blendshapes out, or scan
// every 24th or 48th frame while the mesh tracks (what a longer re-detect
// period would save; it finds a newcomer later), or (run-60fps-mesh-30hz)
// take the frames as a 60 fps camera's and fit the mesh at most 30 times
// a second, as `kindred run` does by default (face_mesh_rate): every other
// frame is carried (mesh-passes/frame). The frames are the 30 fps clip's,
// so the face moves twice as far a frame as a 60 fps camera would see it.
// The clip plays forwards then
// backwards so that the loop has no cut. Run on one core:
//
//	taskset -c 0 go test -run '^$' -bench Pipeline640x480 -cpu 1 -benchmem ./perception/face/mesh
//
// OpenCV's threads are matched to -cpu, as `kindred` matches them to
// GOMAXPROCS at start; the variant run-opencv-every-cpu gives OpenCV one
// thread per CPU it sees instead (its own default, what kindred did
// before). cv-threads reports the count: it shows when Go's testing runs a
// count at a GOMAXPROCS other than its -cpu label, as it did for the first
// count of the first -cpu value.
func BenchmarkPipeline640x480(b *testing.B) {
	frames := webcamFrames(b, "liveportrait__d3.mp4", 120)
	order := make([]int, 0, 2*len(frames))
	for i := range frames {
		order = append(order, i)
	}
	for i := len(frames) - 1; i >= 0; i-- {
		order = append(order, i)
	}
	variants := []struct {
		name         string
		inStep       bool
		blend        bool
		everyCPU     bool
		everyTracked int     // Opts.DetectEveryTracked; 0 keeps the default
		meshRate     float64 // Opts.MeshRate, on frames 1/60 s apart; 0 fits every frame
	}{
		{"run", false, true, false, 0, 0},
		{"detect-every-4-in-step", true, true, false, 0, 0},
		{"no-blendshapes", false, false, false, 0, 0},
		{"run-opencv-every-cpu", false, true, true, 0, 0},
		{"detect-every-24-tracked", false, true, false, 24, 0},
		{"detect-every-48-tracked", false, true, false, 48, 0},
		{"run-60fps-mesh-30hz", false, true, false, 0, 30},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			d := detector(b)
			threads := min(runtime.GOMAXPROCS(0), cvthreads.CPUs())
			if v.everyCPU {
				threads = cvthreads.CPUs()
			}
			setCVThreads(d, threads)
			fo := DefaultFitterOpts()
			fo.Blendshapes = false // Observe scores them, as devices.OpenFacePipeline has it
			fit, err := NewFitter(fo)
			if err != nil {
				b.Fatal(err)
			}
			defer fit.Close()
			o := face.DefaultOpts()
			if v.blend {
				o.Blender = fit
			}
			if v.inStep {
				o.DetectEveryTracked, o.DetectBehind = 0, false
			}
			if v.everyTracked > 0 {
				o.DetectEveryTracked = v.everyTracked
			}
			o.MeshRate = v.meshRate
			p, err := face.NewPipeline(face.Fallback{First: d.Shrunk(320), Then: d}, fit, pose.New(), o)
			if err != nil {
				b.Fatal(err)
			}
			i, with := 0, 0
			var lat []time.Duration
			cpuPerOp(b, func() {
				f := frames[order[i%len(order)]]
				if v.meshRate > 0 {
					f.At = time.Duration(i) * time.Second / 60
				}
				i++
				start := time.Now()
				if len(p.Process(f)) > 0 {
					with++
				}
				lat = append(lat, time.Since(start))
			})
			b.ReportMetric(float64(with)/float64(i), "faces/frame")
			// The detector's share: scans a frame (each about a 320-wide
			// BenchmarkDetect640x480 pass), the part of cpu-ms/op a longer
			// re-detect period would save.
			b.ReportMetric(float64(p.Stats().Detections)/float64(i), "scans/frame")
			b.ReportMetric(float64(threads), "cv-threads")
			b.ReportMetric(float64(p.Stats().LandmarkFits)/float64(i), "mesh-passes/frame")
			// The frame's share of the run's frame-to-joint latency: Process's
			// wall time, its 95th percentile (on a shared machine it measures
			// the neighbours too).
			slices.Sort(lat)
			b.ReportMetric(float64(lat[(len(lat)*95+99)/100-1])/float64(time.Millisecond), "p95-ms")
		})
	}
}

// setCVThreads sets OpenCV's thread count while no detector scan runs. A
// pipeline's only OpenCV work off the benchmark's goroutine is a scan left
// running behind by the last variant, made under d.mu, and OpenCV must not
// rebuild its thread pool under a running call (cvthreads.Set).
func setCVThreads(d *Detector, n int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	cvthreads.Set(n)
}
